from django.db import migrations, models

from jamaa.platform import db_guards

# Even for the owner role: the books cannot be truncated. A quittance issued at the counter carries its series'
# counter (drawn under the series lock), one from a collector's block a number inside that block; a block ends at
# the counter it was cut from; the counter moves only by steps a quittance or a block covers at commit (no gap).
# Quittances form a tamper-evidence chain per series (existing ones sealed here).
TABLES = (
    "regie_quittance",
    "regie_quittancecancellation",
    "regie_quittanceseries",
    "regie_quittanceblock",
    "regie_cancellationrequest",
    "regie_documentcounter",
    "regie_paymentkey",
    "regie_liquidation",
    "regie_bordereau",
    "regie_ordrerecette",
    "regie_ordrerecetteline",
    "regie_ordrerecetteevent",
    "regie_versement",
    "regie_versementitem",
    "regie_incident",
)


def _append_only(chain_exempt: bool) -> str:
    exempt = (
        "IF TG_OP = 'UPDATE' AND jamaa_chain_sealing(to_jsonb(OLD), to_jsonb(NEW)) THEN RETURN NEW; END IF;"
        if chain_exempt
        else ""
    )
    return f"""
CREATE OR REPLACE FUNCTION regie_append_only() RETURNS trigger AS $$
BEGIN
    {exempt}
    RAISE EXCEPTION '% is append-only (% refused): cancel a quittance with a counter-entry', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


IN_BLOCK = """
CREATE FUNCTION regie_quittance_in_block() RETURNS trigger AS $$
BEGIN
    IF jamaa_bulk_import_active(TG_RELID) THEN
        RETURN NEW;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM regie_quittanceblock b WHERE b.id = NEW.block_id AND b.series_id = NEW.series_id
                   AND NEW.number BETWEEN b.first_number AND b.last_number) THEN
        RAISE EXCEPTION 'quittance number % is outside block %', NEW.number, NEW.block_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER regie_quittance_in_block BEFORE INSERT ON regie_quittance
    FOR EACH ROW WHEN (NEW.block_id IS NOT NULL) EXECUTE FUNCTION regie_quittance_in_block();
"""

SQL = f"""
{db_guards.functions()}
{_append_only(chain_exempt=True)}
{db_guards.refuse_truncate(*TABLES)}
{
    db_guards.number_from_counter(
        table="regie_quittance",
        number="number",
        counter_table="regie_quittanceseries",
        counter_fk="series_id",
        counter_value="last_number",
        when="NEW.block_id IS NULL",
    )
}
{IN_BLOCK}
{
    db_guards.number_from_counter(
        table="regie_quittanceblock",
        number="last_number",
        counter_table="regie_quittanceseries",
        counter_fk="series_id",
        counter_value="last_number",
    )
}
{
    db_guards.counter_steps(
        table="regie_quittanceseries",
        value="last_number",
        uses=[
            db_guards.CounterUse("regie_quittance", "series_id", "number"),
            db_guards.CounterUse("regie_quittanceblock", "series_id", "last_number", block_first="first_number"),
        ],
        max_step=None,
    )
}
{db_guards.chain(table="regie_quittance", series="series_id")}
"""

REVERSE = f"""
{db_guards.chain_reverse(table="regie_quittance")}
{db_guards.counter_steps_reverse(table="regie_quittanceseries")}
{db_guards.number_from_counter_reverse(table="regie_quittanceblock", number="last_number")}
DROP TRIGGER IF EXISTS regie_quittance_in_block ON regie_quittance;
DROP FUNCTION IF EXISTS regie_quittance_in_block();
{db_guards.number_from_counter_reverse(table="regie_quittance", number="number")}
{db_guards.refuse_truncate_reverse(*TABLES)}
{_append_only(chain_exempt=False)}
"""


class Migration(migrations.Migration):
    dependencies = [("regie", "0005_payment_idempotency_keys")]

    operations = [
        migrations.AddField(
            model_name="quittance",
            name="chain_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="quittance",
            name="chain_seq",
            field=models.BigIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RunSQL(SQL, REVERSE),
    ]
