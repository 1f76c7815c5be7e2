"""Moved to `jamaa.platform.kernel.words` (document rendering is kernel); this name keeps old imports working."""

from jamaa.platform.kernel.words import *  # noqa: F403
from jamaa.platform.kernel.words import __all__  # noqa: F401
