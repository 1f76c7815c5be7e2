from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "jamaa.platform.billing"
    label = "billing"
    verbose_name = "Platform invoicing"

    def ready(self) -> None:
        from . import verification

        verification.register()
