"""`jamaa module new NAME [--name-fr …] [--name-ar …] [--root DIR]`: a new module with the project's shape."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jamaa.platform.errors import DomainError
from jamaa.platform.kernel import scaffold


class Command(BaseCommand):
    help = "Create a module with the project's shape: jamaa module new NAME"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        new = sub.add_parser("new", help="create modules/NAME, its tests and its doc, and list it in TENANT_APPS")
        new.add_argument("name")
        new.add_argument("--name-fr", default="")
        new.add_argument("--name-ar", default="")
        new.add_argument("--root", default=str(scaffold.REPO_ROOT), help="the repository (default: this one)")

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(options["root"])
        try:
            created = scaffold.module_create(
                name=options["name"], root=root, name_fr=options["name_fr"], name_ar=options["name_ar"]
            )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None
        for path in created.files:
            self.stdout.write(str(path.relative_to(root)))
        name = options["name"]
        if created.settings_updated:
            self.stdout.write(f'TENANT_APPS in platform/settings.py now lists "jamaa.modules.{name}".')
        else:
            self.stdout.write(f'Add "jamaa.modules.{name}" to TENANT_APPS in platform/settings.py.')
        self.stdout.write(
            f"Next: jamaa migrate_schemas, then jamaa commune modules SLUG --enable {name}; "
            f"tests: pytest tests/modules/{name}"
        )
