from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "jamaa.modules.budget"
    label = "budget"
    verbose_name = "Budget"

    def ready(self) -> None:
        from jamaa.modules import registry

        from . import permissions

        registry.register(
            registry.ModuleInfo(
                code="budget",
                app=self.name,
                name_fr="Budget",
                name_ar="الميزانية",
                url="/budget/",
                roles=((permissions.AGENT, "Budget : agent", "الميزانية: عون"),),
            )
        )
