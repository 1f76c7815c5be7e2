from django.db import migrations

# The audit trail is append-only, enforced by the database itself: no UPDATE or DELETE, whoever asks.
SQL = """
CREATE FUNCTION core_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only (% refused on core_auditevent)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_audit_append_only();
"""

REVERSE = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS core_audit_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [
        migrations.RunSQL(SQL, REVERSE),
        migrations.AlterModelTableComment(
            name="auditevent", table_comment="Who did what, when and why. Append-only (trigger)."
        ),
    ]
