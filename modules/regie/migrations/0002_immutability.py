from django.db import migrations

# The numbered stub book, enforced by the database: quittances and their cancellations are never updated or
# deleted, and a series counter only goes up.
SQL = """
CREATE FUNCTION regie_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (% refused): cancel a quittance with a counter-entry', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER regie_quittance_append_only BEFORE UPDATE OR DELETE ON regie_quittance
    FOR EACH ROW EXECUTE FUNCTION regie_append_only();
CREATE TRIGGER regie_cancellation_append_only BEFORE UPDATE OR DELETE ON regie_quittancecancellation
    FOR EACH ROW EXECUTE FUNCTION regie_append_only();

CREATE FUNCTION regie_series_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.last_number < OLD.last_number THEN
        RAISE EXCEPTION 'series % cannot go back or disappear', OLD.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER regie_series_guarded BEFORE UPDATE OR DELETE ON regie_quittanceseries
    FOR EACH ROW EXECUTE FUNCTION regie_series_guard();
"""

REVERSE = """
DROP TRIGGER IF EXISTS regie_series_guarded ON regie_quittanceseries;
DROP FUNCTION IF EXISTS regie_series_guard();
DROP TRIGGER IF EXISTS regie_cancellation_append_only ON regie_quittancecancellation;
DROP TRIGGER IF EXISTS regie_quittance_append_only ON regie_quittance;
DROP FUNCTION IF EXISTS regie_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("regie", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
