from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EtatCivilConfig(AppConfig):
    name = "jamaa.modules.etatcivil"
    label = "etatcivil"
    verbose_name = _("Civil registry")

    def ready(self) -> None:
        from jamaa.modules import registry

        from . import verification

        verification.register()

        registry.register(
            registry.ModuleInfo(
                code="etatcivil",
                app=self.name,
                name_fr="État civil",
                name_ar="الحالة المدنية",
                summary_fr="Registres, actes de naissance et de décès, mentions marginales, extraits.",
                summary_ar="السجلات، رسوم الولادة والوفاة، البيانات الهامشية، المستخرجات.",
                url="/etatcivil/",
                setup_url="/etatcivil/setup/",
                roles=(
                    ("etatcivil_agent", "État civil : agent", "الحالة المدنية: عون"),
                    ("etatcivil_officer", "État civil : officier", "الحالة المدنية: ضابط"),
                    ("etatcivil_chief", "État civil : chef de bureau", "الحالة المدنية: رئيس المكتب"),
                ),
            )
        )
        import_module(f"{self.name}.portal").register()  # its offer to the citizen portal (kernel.portal)
