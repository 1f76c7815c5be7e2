"""`jamaa`: every command of the platform, Django's (`jamaa migrate_schemas …`) and ours.

With DATABASE_URL unset it uses (and if needed starts) the embedded PostgreSQL kept in var/pg.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jamaa.platform.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["jamaa", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
