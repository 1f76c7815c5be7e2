from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("provisioning", "0003_legacyimportrun"),
    ]

    operations = [
        migrations.AddField(
            model_name="legacyimportrun",
            name="accept_truncated",
            field=models.BooleanField(default=False, help_text="import files that look cut short (warned)"),
        ),
        migrations.AddField(
            model_name="legacyimportrun",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="legacyimportrun",
            name="attempts",
            field=models.PositiveIntegerField(default=0, help_text="times a worker started this run"),
        ),
    ]
