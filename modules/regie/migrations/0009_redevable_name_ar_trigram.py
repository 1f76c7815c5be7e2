from django.db import migrations, models

# Redevables get their name in Arabic script, and both names are searched like acts: by trigram (word)
# similarity, with GIN indexes (pg_trgm lives in public, created by etatcivil 0002; created here too if absent).
SQL = """
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
CREATE INDEX regie_redevable_name_trgm ON regie_redevable USING gin (name public.gin_trgm_ops);
CREATE INDEX regie_redevable_name_ar_trgm ON regie_redevable USING gin (name_ar public.gin_trgm_ops);
"""
REVERSE = "DROP INDEX IF EXISTS regie_redevable_name_trgm; DROP INDEX IF EXISTS regie_redevable_name_ar_trgm;"


class Migration(migrations.Migration):
    dependencies = [("regie", "0008_quittance_cheque")]

    operations = [
        migrations.AddField(
            model_name="redevable",
            name="name_ar",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
        migrations.RunSQL(SQL, REVERSE),
    ]
