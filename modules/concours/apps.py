from django.apps import AppConfig


class ConcoursConfig(AppConfig):
    name = "jamaa.modules.concours"
    label = "concours"
    verbose_name = "Concours"

    def ready(self) -> None:
        from jamaa.modules import registry

        from . import permissions

        registry.register(
            registry.ModuleInfo(
                code="concours",
                app=self.name,
                name_fr="Concours",
                name_ar="المباريات",
                url="/concours/",
                roles=((permissions.AGENT, "Concours : agent", "المباريات: عون"),),
            )
        )
