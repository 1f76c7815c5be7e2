import uuid

from django.db import migrations, models

# Existing communes each get their own identity (a plain AddField would give them all the same default).


class Migration(migrations.Migration):
    dependencies = [("tenants", "0002_routing_generation_trigger")]

    operations = [
        migrations.AddField(model_name="commune", name="uid", field=models.UUIDField(null=True, editable=False)),
        migrations.RunSQL("UPDATE tenants_commune SET uid = gen_random_uuid()", migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="commune",
            name="uid",
            field=models.UUIDField(default=uuid.uuid4, unique=True, editable=False),
        ),
    ]
