from django.db import migrations

from jamaa.platform import db_guards


class Migration(migrations.Migration):
    """The guards' functions as they are now (CREATE OR REPLACE, the same rules): the numbering guard looks at the
    bulk-import exemption before building each row's jsonb, which halves its cost per row in a legacy import."""

    dependencies = [
        ("etatcivil", "0005_marginalnote_source_incomplete"),
    ]

    operations = [
        migrations.RunSQL(db_guards.functions(), migrations.RunSQL.noop),
    ]
