"""What support did is evidence: pages seen and consents are append-only; a session is never deleted and its end
is written once."""

from django.db import migrations

from jamaa.platform import db_guards

APPEND_ONLY = ("support_supportpageview", "support_supportconsent")

GUARDS = "\n".join(
    [
        db_guards.functions(),
        db_guards.refuse_truncate(*APPEND_ONLY, "support_supportsession"),
        db_guards.append_only(*APPEND_ONLY),
        db_guards.set_once("support_supportsession", "ended_at", "ended_by"),
    ]
)
GUARDS_REVERSE = "\n".join(
    [
        db_guards.set_once_reverse("support_supportsession"),
        db_guards.append_only_reverse(*APPEND_ONLY),
        db_guards.refuse_truncate_reverse(*APPEND_ONLY, "support_supportsession"),
    ]
)


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]

    operations = [migrations.RunSQL(GUARDS, GUARDS_REVERSE)]
