from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "jamaa.platform.support"
    label = "support"
    verbose_name = "Central support"

    def ready(self) -> None:
        from . import signals

        signals.connect()
