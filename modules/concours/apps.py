from importlib import import_module

from django.apps import AppConfig


class ConcoursConfig(AppConfig):
    name = "jamaa.modules.concours"
    label = "concours"
    verbose_name = "Concours"

    def ready(self) -> None:
        from jamaa.modules import registry

        from . import permissions, verification

        registry.register(
            registry.ModuleInfo(
                code="concours",
                app=self.name,
                name_fr="Concours",
                name_ar="المباريات",
                summary_fr="Concours de recrutement : annonce, candidatures, convocations, notes anonymes, listes, "
                "nominations",
                summary_ar="مباريات التوظيف: الإعلان، الترشيحات، الاستدعاءات، النقط المرمزة، اللوائح، التعيين",
                url="/concours/",
                roles=((permissions.MANAGER, "Concours : gestionnaire", "المباريات: مسير"),),
                requires=("rh",),
            )
        )
        verification.register()
        import_module(f"{self.name}.portal").register()  # its offer to the citizen portal (kernel.portal)
