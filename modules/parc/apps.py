from django.apps import AppConfig


class ParcConfig(AppConfig):
    name = "jamaa.modules.parc"
    label = "parc"
    verbose_name = "Parc automobile"

    def ready(self) -> None:
        from celery.schedules import crontab
        from django.conf import settings

        from jamaa.modules import registry

        from . import permissions, tasks, verification

        registry.register(
            registry.ModuleInfo(
                code="parc",
                app=self.name,
                name_fr="Parc automobile",
                name_ar="حظيرة السيارات",
                summary_fr="Véhicules, affectations, ordres de mission, bons de carburant numérotés, consommation",
                summary_ar="المركبات، التخصيصات، الأوامر بمهمة، بونات الوقود المرقمة، الاستهلاك",
                url="/parc/",
                roles=(
                    (permissions.MANAGER, "Parc automobile : gestionnaire", "حظيرة السيارات: المسير"),
                    (permissions.GARAGE, "Parc automobile : agent du garage", "حظيرة السيارات: عون المرآب"),
                ),
            )
        )
        verification.register()
        # Documents about to lapse are announced every morning in every active commune (the commune-aware beat).
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "parc-expiry", {"task": tasks.EXPIRY_TASK, "schedule": crontab(hour=7, minute=0), "tenant_schemas": None}
        )
