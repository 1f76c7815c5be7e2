from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("tenants", "0003_commune_uid")]

    operations = [
        migrations.AddField(
            model_name="commune",
            name="region_ar",
            field=models.CharField(blank=True, default="", max_length=120, verbose_name="region (Arabic)"),
        ),
        migrations.AddField(
            model_name="commune",
            name="province_ar",
            field=models.CharField(blank=True, default="", max_length=120, verbose_name="province (Arabic)"),
        ),
    ]
