from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("police", "0002_guards_reference")]

    operations = [
        migrations.AddField(
            model_name="request",
            name="mail_code",
            field=models.CharField(blank=True, help_text="the letter's récépissé code (its QR)", max_length=16),
        ),
    ]
