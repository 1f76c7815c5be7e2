from django.apps import AppConfig


class ProvisioningConfig(AppConfig):
    name = "jamaa.provisioning"
    label = "provisioning"
    verbose_name = "Provisioning"
