from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegieConfig(AppConfig):
    name = "jamaa.modules.regie"
    label = "regie"
    verbose_name = _("Revenue collection (régie)")

    def ready(self) -> None:
        from jamaa.modules import registry

        from . import permissions, verification

        verification.register_kernel_verification()

        registry.register(
            registry.ModuleInfo(
                code="regie",
                app=self.name,
                name_fr="Régie des recettes",
                name_ar="وكالة المداخيل",
                summary_fr="Taxes et tarifs, redevables, quittances, ordres de recette, bordereaux, versements.",
                summary_ar="الرسوم والتعريفات، الملزمون، وصولات الأداء، أوامر المداخيل، الجداول، الدفعات.",
                url="/regie/",
                setup_url="/regie/setup/",
                roles=(
                    (permissions.AGENT, "Régie : agent de perception", "الوكالة: عون التحصيل"),
                    (permissions.REGISSEUR, "Régie : régisseur / suppléant", "الوكالة: الوكيل / النائب"),
                ),
            )
        )
        import_module(f"{self.name}.portal").register()  # its offer to the citizen portal (kernel.portal)
