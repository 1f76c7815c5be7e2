from django.db import migrations, models

from jamaa.platform import db_guards

# Even for the owner role: official tables cannot be truncated; an act's number is its register's counter at
# signing (no act inserted as n° 100000, no draft signed with any number); a register's counter moves one number
# at a time, each covered by a signed act when the transaction commits (no gap); signed acts form a
# tamper-evidence chain per register (existing ones sealed here). Outbox rows are never deleted.
TABLES = (
    "etatcivil_act",
    "etatcivil_register",
    "etatcivil_marginalnote",
    "etatcivil_issueddocument",
    "etatcivil_journalentry",
    "etatcivil_outboxitem",
)

# The chain's sealing update is the one change a signed act accepts: its chain columns, from NULL, nothing else
# (compared as rows, not as jsonb: a legacy import seals tens of thousands of acts at once).
ACT_GUARD = """
CREATE OR REPLACE FUNCTION etatcivil_act_guard() RETURNS trigger AS $$
DECLARE
    o record;
    n record;
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.chain_hash IS NULL AND NEW.chain_hash IS NOT NULL THEN
        o := OLD;
        n := NEW;
        o.chain_seq := NULL;
        o.chain_hash := NULL;
        n.chain_seq := NULL;
        n.chain_hash := NULL;
        IF o IS NOT DISTINCT FROM n THEN
            RETURN NEW;
        END IF;
    END IF;
    IF OLD.status = 'signed' THEN
        RAISE EXCEPTION 'signed act % is immutable (% refused): amend it with a marginal note', OLD.id, TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

ACT_GUARD_BEFORE = """
CREATE OR REPLACE FUNCTION etatcivil_act_guard() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'signed' THEN
        RAISE EXCEPTION 'signed act % is immutable (% refused): amend it with a marginal note', OLD.id, TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

OUTBOX = """
CREATE FUNCTION etatcivil_outbox_kept() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'outbox item % is never deleted', OLD.id USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER etatcivil_outbox_kept BEFORE DELETE ON etatcivil_outboxitem
    FOR EACH ROW EXECUTE FUNCTION etatcivil_outbox_kept();
"""

SQL = f"""
{db_guards.functions()}
{ACT_GUARD}
{OUTBOX}
{db_guards.refuse_truncate(*TABLES)}
{
    db_guards.number_from_counter(
        table="etatcivil_act",
        number="number",
        counter_table="etatcivil_register",
        counter_fk="register_id",
        counter_value="last_number",
    )
}
{
    db_guards.counter_steps(
        table="etatcivil_register",
        value="last_number",
        uses=[db_guards.CounterUse("etatcivil_act", "register_id", "number")],
    )
}
{db_guards.chain(table="etatcivil_act", series="register_id", sealed_when="t.status = 'signed'")}
"""

REVERSE = f"""
{db_guards.chain_reverse(table="etatcivil_act")}
{db_guards.counter_steps_reverse(table="etatcivil_register")}
{db_guards.number_from_counter_reverse(table="etatcivil_act", number="number")}
{db_guards.refuse_truncate_reverse(*TABLES)}
DROP TRIGGER IF EXISTS etatcivil_outbox_kept ON etatcivil_outboxitem;
DROP FUNCTION IF EXISTS etatcivil_outbox_kept();
{ACT_GUARD_BEFORE}
"""


class Migration(migrations.Migration):
    dependencies = [("etatcivil", "0003_search")]

    operations = [
        migrations.AddField(
            model_name="act",
            name="chain_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="act",
            name="chain_seq",
            field=models.BigIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RunSQL(SQL, REVERSE),
    ]
