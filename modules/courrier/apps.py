from importlib import import_module

from django.apps import AppConfig


class CourrierConfig(AppConfig):
    name = "jamaa.modules.courrier"
    label = "courrier"
    verbose_name = "Bureau d'ordre"

    def ready(self) -> None:
        from jamaa.modules import registry

        from . import permissions, verification

        registry.register(
            registry.ModuleInfo(
                code="courrier",
                app=self.name,
                name_fr="Bureau d'ordre",
                name_ar="مكتب الضبط",
                summary_fr="Courrier arrivée, départ et interne : numéro d'ordre, routage, délais, réponses",
                summary_ar="البريد الوارد والصادر والداخلي: رقم الترتيب، التوجيه، الآجال، الأجوبة",
                url="/courrier/",
                roles=(
                    (permissions.CLERK, "Bureau d'ordre : agent d'enregistrement", "مكتب الضبط: عون التسجيل"),
                    (permissions.SERVICE, "Bureau d'ordre : agent de service", "مكتب الضبط: عون المصلحة"),
                ),
            )
        )
        verification.register()
        import_module(f"{self.name}.portal").register()  # its offer to the citizen portal (kernel.portal)
