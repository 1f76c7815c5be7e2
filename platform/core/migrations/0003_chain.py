from django.db import migrations, models

from jamaa.platform import db_guards

# The audit trail, even for the owner role: no TRUNCATE, and a tamper-evidence chain over every row (existing
# rows are sealed here, in id order). The append-only guard lets by only the chain's own sealing update.
SQL = f"""
{db_guards.functions()}

CREATE OR REPLACE FUNCTION core_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND jamaa_chain_sealing(to_jsonb(OLD), to_jsonb(NEW)) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only (% refused on core_auditevent)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

{db_guards.refuse_truncate("core_auditevent")}
{db_guards.chain(table="core_auditevent")}
"""

REVERSE = f"""
{db_guards.chain_reverse(table="core_auditevent")}
{db_guards.refuse_truncate_reverse("core_auditevent")}
CREATE OR REPLACE FUNCTION core_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only (% refused on core_auditevent)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="chain_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain_seq",
            field=models.BigIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RunSQL(SQL, REVERSE),
    ]
