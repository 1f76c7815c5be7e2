from importlib import import_module

from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "jamaa.modules.budget"
    label = "budget"
    verbose_name = "Budget"

    def ready(self) -> None:
        from jamaa.modules import registry

        from . import permissions, verification

        registry.register(
            registry.ModuleInfo(
                code="budget",
                app=self.name,
                name_fr="Budget",
                name_ar="الميزانية",
                url="/budget/",
                summary_fr="Le budget de la commune et son exécution : crédits, engagements, mandats, recettes",
                summary_ar="ميزانية الجماعة وتنفيذها: الاعتمادات، الالتزامات، الأوامر بالأداء، المداخيل",
                roles=(
                    (permissions.SERVICE, "Budget : service du budget", "الميزانية: مصلحة الميزانية"),
                    (permissions.ORDONNATEUR, "Budget : ordonnateur", "الميزانية: الآمر بالصرف"),
                    (permissions.COUNCIL, "Budget : membre du conseil (lecture)", "الميزانية: عضو المجلس (اطلاع)"),
                ),
            )
        )
        verification.register()
        import_module(f"{self.name}.portal").register()  # its offer to the citizen portal (kernel.portal)
