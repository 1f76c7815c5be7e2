from importlib import import_module

from django.apps import AppConfig


class PoliceConfig(AppConfig):
    name = "jamaa.modules.police"
    label = "police"
    verbose_name = "Police administrative"

    def ready(self) -> None:
        from jamaa.modules import registry

        from . import permissions, verification

        registry.register(
            registry.ModuleInfo(
                code="police",
                app=self.name,
                name_fr="Police administrative",
                name_ar="الشرطة الإدارية",
                summary_fr="Autorisations économiques, occupation du domaine public, métiers réglementés, contrôles",
                summary_ar="الرخص الاقتصادية، احتلال الملك العمومي، المهن المنظمة، المراقبة",
                url="/police/",
                roles=(
                    (permissions.AGENT, "Police administrative : agent instructeur", "الشرطة الإدارية: عون التتبع"),
                    (
                        permissions.DECIDER,
                        "Police administrative : délégataire du président (décide)",
                        "الشرطة الإدارية: المفوض له من الرئيس (يقرر)",
                    ),
                    (permissions.INSPECTOR, "Police administrative : contrôleur", "الشرطة الإدارية: مراقب"),
                ),
                requires=("courrier", "regie"),
            )
        )
        verification.register()
        import_module(f"{self.name}.portal").register()  # its offer to the citizen portal (kernel.portal)
