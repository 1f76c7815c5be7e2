from django.db import migrations, models


class Migration(migrations.Migration):
    """Legacy notes without their authorising document: the document date may be empty, and the note says so."""

    dependencies = [
        ("etatcivil", "0004_guards_chain"),
    ]

    operations = [
        migrations.AlterField(
            model_name="marginalnote",
            name="document_date",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="marginalnote",
            name="source_incomplete",
            field=models.BooleanField(default=False),
        ),
    ]
