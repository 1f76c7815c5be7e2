"""A commune's files in the media storage (a folder or a bucket), always under `<schema>/`.

Modules store a file with :func:`tenant_save` and read it with :func:`tenant_read`. The name kept in the database
starts with the schema it was written in; reading re-roots it under the *current* schema, so that a commune can
never open another commune's file through a name (a restored copy, `commune restore --as`, reads its own copy of
the media, and a crafted name with `..` is refused)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection


class TenantFileError(ValueError):
    """A stored name that does not name a file of the commune."""


def _schema() -> str:
    schema = getattr(connection, "schema_name", "")
    if not schema or schema == "public":
        raise TenantFileError("no commune: files belong to a commune's schema")
    return str(schema)


def _relative(name: str) -> str:
    parts = name.replace("\\", "/").split("/")
    if len(parts) < 2 or any(p in ("", ".", "..") for p in parts):
        raise TenantFileError(f"not a commune file name: {name!r}")
    return "/".join(parts[1:])  # without the schema it was written in


def tenant_save(relative: str, content: bytes) -> str:
    """Store `content` at `<schema>/<relative>` (the storage may add a suffix); returns the name to keep."""
    _relative(f"x/{relative}")  # the same checks on the part the module chose
    return str(default_storage.save(f"{_schema()}/{relative}", ContentFile(content)))


def tenant_path(name: str) -> str:
    """The storage name of a kept file name, under the current commune's schema."""
    return f"{_schema()}/{_relative(name)}"


def tenant_read(name: str) -> bytes:
    """The bytes of a kept file name, read under the current commune's schema. Raises TenantFileError,
    FileNotFoundError."""
    with default_storage.open(tenant_path(name), "rb") as handle:
        return bytes(handle.read())


def tenant_delete(name: str) -> None:
    default_storage.delete(tenant_path(name))
