from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "jamaa.tenants"
    label = "tenants"
    verbose_name = "Communes"

    def ready(self) -> None:
        from . import signals  # noqa: F401
