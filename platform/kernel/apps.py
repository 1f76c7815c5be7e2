from django.apps import AppConfig


class KernelConfig(AppConfig):
    name = "jamaa.platform.kernel"
    label = "kernel"
    verbose_name = "Jamaa kernel"
