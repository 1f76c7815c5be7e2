from importlib import import_module

from django.apps import AppConfig


class UrbanismeConfig(AppConfig):
    name = "jamaa.modules.urbanisme"
    label = "urbanisme"
    verbose_name = "Urbanisme"

    def ready(self) -> None:
        from jamaa.modules import registry

        from . import permissions, verification

        registry.register(
            registry.ModuleInfo(
                code="urbanisme",
                app=self.name,
                name_fr="Urbanisme",
                name_ar="التعمير",
                summary_fr="Autorisations d'urbanisme : dépôt, instruction, consultations, commission, arrêté, taxe",
                summary_ar="رخص التعمير: الإيداع، الدراسة، الاستشارات، اللجنة، القرار، الرسم",
                url="/urbanisme/",
                requires=("courrier",),
                roles=(
                    (permissions.AGENT, "Urbanisme : agent instructeur", "التعمير: عون الدراسة"),
                    (permissions.SIGNATORY, "Urbanisme : signataire des arrêtés", "التعمير: موقع القرارات"),
                ),
            )
        )
        verification.register()
        import_module(f"{self.name}.portal").register()  # its offer to the citizen portal (kernel.portal)
