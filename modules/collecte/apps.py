from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollecteConfig(AppConfig):
    name = "jamaa.modules.collecte"
    label = "collecte"
    verbose_name = _("Collectors' app")

    def ready(self) -> None:
        from jamaa.modules import registry

        # No role of its own: the régie's collecting agents (regie_agent) use the app, and its régisseurs
        # (regie_regisseur) supervise devices, blocks and gaps. Those roles are registered by the régie.
        registry.register(
            registry.ModuleInfo(
                code="collecte",
                app=self.name,
                name_fr="Collecte sur le terrain",
                name_ar="التحصيل الميداني",
                summary_fr="L'application des percepteurs : carnet à souches numéroté, hors ligne, reçus imprimés.",
                summary_ar="تطبيق المحصلين: دفتر الوصولات المرقم، يعمل دون اتصال، وصولات مطبوعة.",
                url="/collecte/",
                opened_by=("regie_agent", "regie_regisseur"),
                requires=("regie",),
            )
        )
