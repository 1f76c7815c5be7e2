from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegieConfig(AppConfig):
    """Régie des recettes. Not in the module registry yet: it has no screens (see docs/modules/regie.md)."""

    name = "jamaa.modules.regie"
    label = "regie"
    verbose_name = _("Revenue collection (régie)")
