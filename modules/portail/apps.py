from django.apps import AppConfig


class PortailConfig(AppConfig):
    name = "jamaa.modules.portail"
    label = "portail"
    verbose_name = "Portail citoyen"

    def ready(self) -> None:
        from jamaa.modules import registry

        from . import permissions, portal

        registry.register(
            registry.ModuleInfo(
                code="portail",
                app=self.name,
                name_fr="Portail citoyen",
                name_ar="بوابة المواطن",
                summary_fr="Le visage public de la commune : services, décisions, demandes en ligne, données ouvertes",
                summary_ar="الواجهة العمومية للجماعة: الخدمات، المقررات، الطلبات عبر الإنترنت، البيانات المفتوحة",
                url="/portail/staff/",
                requires=("courrier",),
                roles=(
                    (permissions.AGENT, "Portail : agent des demandes en ligne", "البوابة: عون الطلبات عبر الإنترنت"),
                    (
                        permissions.EDITOR,
                        "Portail : éditeur (actualités, délibérations)",
                        "البوابة: محرر (الأخبار، المقررات)",
                    ),
                    (permissions.ELECTED, "Portail : élu (tableau de bord)", "البوابة: منتخب (لوحة القيادة)"),
                ),
            )
        )
        portal.register()

        from django.db.models.signals import post_delete, post_save

        from . import figures

        # a write to a module that publishes figures moves the commune's figures version (see figures.py)
        post_save.connect(figures.data_changed, dispatch_uid="portail.figures.saved")
        post_delete.connect(figures.data_changed, dispatch_uid="portail.figures.deleted")
