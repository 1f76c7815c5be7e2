from django.apps import AppConfig


class CourrierConfig(AppConfig):
    name = "jamaa.modules.courrier"
    label = "courrier"
    verbose_name = "Bureau d'ordre"

    def ready(self) -> None:
        from jamaa.modules import registry

        from . import permissions

        registry.register(
            registry.ModuleInfo(
                code="courrier",
                app=self.name,
                name_fr="Bureau d'ordre",
                name_ar="مكتب الضبط",
                url="/courrier/",
                roles=((permissions.AGENT, "Bureau d'ordre : agent", "مكتب الضبط: عون"),),
            )
        )
