"""`jamaa`: every command of the platform, Django's (`jamaa migrate_schemas …`) and ours.

With DATABASE_URL unset it uses (and if needed starts) the embedded PostgreSQL kept in var/pg.
"""

from __future__ import annotations

import os
import sys

# Commands that build schemas and tables or grant on them: they connect as the owner role when DATABASE_OWNER_URL
# is set (ADR 0003). Everything else (runserver, worker, beat, audit verify…) connects as DATABASE_URL's role.
OWNER_COMMANDS = frozenset(
    {"migrate", "migrate_schemas", "makemigrations", "commune", "fleet", "legacy", "demo", "db", "createsuperuser"}
)

HELP_ARGS = frozenset({"-h", "--help", "help", "--version", "version"})
# Help never connects: a syntactically valid URL keeps the settings from starting the embedded PostgreSQL for it.
HELP_DATABASE_URL = "postgresql://help@127.0.0.1:1/help"


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if not os.environ.get("DATABASE_URL", "").strip() and (not args or HELP_ARGS & set(args)):
        os.environ["DATABASE_URL"] = HELP_DATABASE_URL
    owner_url = os.environ.get("DATABASE_OWNER_URL", "").strip()
    if args and args[0] in OWNER_COMMANDS and owner_url:
        os.environ["DATABASE_URL"] = owner_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jamaa.platform.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["jamaa", *args])


if __name__ == "__main__":
    main()
