from django.db import migrations

# The régie's books, enforced by the database. Nothing is ever deleted; rows may change only in the columns a
# workflow moves (passed to regie_guard as arguments), and an ordre de recette only along its allowed states.
SQL = """
CREATE FUNCTION regie_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '% rows are never deleted', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (to_jsonb(NEW) - TG_ARGV) IS DISTINCT FROM (to_jsonb(OLD) - TG_ARGV) THEN
        RAISE EXCEPTION 'on %, only % may change', TG_TABLE_NAME, TG_ARGV
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER regie_liquidation_guarded BEFORE UPDATE OR DELETE ON regie_liquidation
    FOR EACH ROW EXECUTE FUNCTION regie_guard('status');
CREATE FUNCTION regie_liquidation_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.status <> 'liquidated' THEN
        RAISE EXCEPTION 'liquidation % is % and frozen', OLD.id, OLD.status USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER regie_liquidation_frozen BEFORE UPDATE ON regie_liquidation
    FOR EACH ROW EXECUTE FUNCTION regie_liquidation_frozen();

CREATE TRIGGER regie_block_guarded BEFORE UPDATE OR DELETE ON regie_quittanceblock
    FOR EACH ROW EXECUTE FUNCTION regie_guard('closed_at');
CREATE TRIGGER regie_cancel_request_guarded BEFORE UPDATE OR DELETE ON regie_cancellationrequest
    FOR EACH ROW EXECUTE FUNCTION regie_guard('status', 'decided_by_id', 'decided_at', 'decision_note');
CREATE FUNCTION regie_cancel_request_once() RETURNS trigger AS $$
BEGIN
    IF OLD.status <> 'pending' THEN
        RAISE EXCEPTION 'cancellation request % is already decided', OLD.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER regie_cancel_request_once BEFORE UPDATE ON regie_cancellationrequest
    FOR EACH ROW EXECUTE FUNCTION regie_cancel_request_once();

CREATE TRIGGER regie_counter_guarded BEFORE UPDATE OR DELETE ON regie_documentcounter
    FOR EACH ROW EXECUTE FUNCTION regie_series_guard();

CREATE TRIGGER regie_bordereau_guarded BEFORE UPDATE OR DELETE ON regie_bordereau
    FOR EACH ROW EXECUTE FUNCTION regie_guard('status', 'taken_in_charge_at', 'comptable_reference');

CREATE TRIGGER regie_ordre_guarded BEFORE UPDATE OR DELETE ON regie_ordrerecette
    FOR EACH ROW EXECUTE FUNCTION regie_guard('status', 'recovered_dh', 'bordereau_id');
CREATE FUNCTION regie_ordre_transition() RETURNS trigger AS $$
BEGIN
    IF OLD.bordereau_id IS NOT NULL AND NEW.bordereau_id IS DISTINCT FROM OLD.bordereau_id THEN
        RAISE EXCEPTION 'ordre % already belongs to a bordereau', OLD.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.status <> OLD.status AND NOT (
        (OLD.status = 'issued' AND NEW.status IN ('taken_in_charge', 'cancelled'))
        OR (OLD.status = 'taken_in_charge' AND NEW.status IN ('recovered', 'cancelled', 'written_off', 'remitted'))
    ) THEN
        RAISE EXCEPTION 'ordre % cannot go from % to %', OLD.id, OLD.status, NEW.status
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.status IN ('recovered', 'cancelled', 'written_off', 'remitted') THEN
        RAISE EXCEPTION 'ordre % is closed (%)', OLD.id, OLD.status USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER regie_ordre_transition BEFORE UPDATE ON regie_ordrerecette
    FOR EACH ROW EXECUTE FUNCTION regie_ordre_transition();

CREATE TRIGGER regie_ordre_line_append_only BEFORE UPDATE OR DELETE ON regie_ordrerecetteline
    FOR EACH ROW EXECUTE FUNCTION regie_append_only();
CREATE TRIGGER regie_ordre_event_append_only BEFORE UPDATE OR DELETE ON regie_ordrerecetteevent
    FOR EACH ROW EXECUTE FUNCTION regie_append_only();
CREATE TRIGGER regie_versement_guarded BEFORE UPDATE OR DELETE ON regie_versement
    FOR EACH ROW EXECUTE FUNCTION regie_guard('treasury_reference');
CREATE TRIGGER regie_versement_item_append_only BEFORE UPDATE OR DELETE ON regie_versementitem
    FOR EACH ROW EXECUTE FUNCTION regie_append_only();
CREATE TRIGGER regie_incident_append_only BEFORE UPDATE OR DELETE ON regie_incident
    FOR EACH ROW EXECUTE FUNCTION regie_append_only();
"""

REVERSE = """
DROP TRIGGER IF EXISTS regie_incident_append_only ON regie_incident;
DROP TRIGGER IF EXISTS regie_versement_item_append_only ON regie_versementitem;
DROP TRIGGER IF EXISTS regie_versement_guarded ON regie_versement;
DROP TRIGGER IF EXISTS regie_ordre_event_append_only ON regie_ordrerecetteevent;
DROP TRIGGER IF EXISTS regie_ordre_line_append_only ON regie_ordrerecetteline;
DROP TRIGGER IF EXISTS regie_ordre_transition ON regie_ordrerecette;
DROP FUNCTION IF EXISTS regie_ordre_transition();
DROP TRIGGER IF EXISTS regie_ordre_guarded ON regie_ordrerecette;
DROP TRIGGER IF EXISTS regie_bordereau_guarded ON regie_bordereau;
DROP TRIGGER IF EXISTS regie_counter_guarded ON regie_documentcounter;
DROP TRIGGER IF EXISTS regie_cancel_request_once ON regie_cancellationrequest;
DROP FUNCTION IF EXISTS regie_cancel_request_once();
DROP TRIGGER IF EXISTS regie_cancel_request_guarded ON regie_cancellationrequest;
DROP TRIGGER IF EXISTS regie_block_guarded ON regie_quittanceblock;
DROP TRIGGER IF EXISTS regie_liquidation_frozen ON regie_liquidation;
DROP FUNCTION IF EXISTS regie_liquidation_frozen();
DROP TRIGGER IF EXISTS regie_liquidation_guarded ON regie_liquidation;
DROP FUNCTION IF EXISTS regie_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("regie", "0003_reference_liquidation_ordres_versements")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
