from django.apps import AppConfig


class RhConfig(AppConfig):
    name = "jamaa.modules.rh"
    label = "rh"
    verbose_name = "Ressources humaines"

    def ready(self) -> None:
        from jamaa.modules import registry

        from . import permissions, verification

        registry.register(
            registry.ModuleInfo(
                code="rh",
                app=self.name,
                name_fr="Ressources humaines",
                name_ar="الموارد البشرية",
                summary_fr="Dossiers des agents, carrières, arrêtés numérotés, congés et soldes, notation",
                summary_ar="ملفات الموظفين، المسار المهني، القرارات المرقمة، الرخص والأرصدة، التنقيط",
                url="/rh/",
                roles=((permissions.AGENT, "Ressources humaines : gestionnaire", "الموارد البشرية: مسير"),),
                opened_by=(permissions.AGENT, permissions.SELF_SERVICE),
            )
        )
        verification.register()
