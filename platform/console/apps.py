from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "jamaa.platform.console"
    label = "console"
    verbose_name = "Operators' console"
