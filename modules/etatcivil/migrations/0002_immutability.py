from django.db import migrations

# Official records are enforced by the database itself, whoever connects: a signed act is never updated or
# deleted; marginal notes, issued documents and the journal are append-only (a note may only receive the date
# the court was notified, once); a register's counter only goes up and a closed register stays closed.
SQL = """
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;

CREATE FUNCTION etatcivil_act_guard() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'signed' THEN
        RAISE EXCEPTION 'signed act % is immutable (% refused): amend it with a marginal note', OLD.id, TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER etatcivil_act_immutable BEFORE UPDATE OR DELETE ON etatcivil_act
    FOR EACH ROW EXECUTE FUNCTION etatcivil_act_guard();

CREATE FUNCTION etatcivil_note_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.court_notified_on IS NULL AND NEW.court_notified_on IS NOT NULL
       AND (to_jsonb(NEW) - 'court_notified_on') = (to_jsonb(OLD) - 'court_notified_on') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'marginal note % is immutable (% refused)', OLD.id, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER etatcivil_note_immutable BEFORE UPDATE OR DELETE ON etatcivil_marginalnote
    FOR EACH ROW EXECUTE FUNCTION etatcivil_note_guard();

CREATE FUNCTION etatcivil_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER etatcivil_document_append_only BEFORE UPDATE OR DELETE ON etatcivil_issueddocument
    FOR EACH ROW EXECUTE FUNCTION etatcivil_append_only();
CREATE TRIGGER etatcivil_journal_append_only BEFORE UPDATE OR DELETE ON etatcivil_journalentry
    FOR EACH ROW EXECUTE FUNCTION etatcivil_append_only();

CREATE FUNCTION etatcivil_register_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.last_number > 0 THEN
        RAISE EXCEPTION 'register % holds acts and cannot be deleted', OLD.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF OLD.closed_at IS NOT NULL THEN
            RAISE EXCEPTION 'register % is closed', OLD.id USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.last_number < OLD.last_number THEN
            RAISE EXCEPTION 'register % numbering cannot go back', OLD.id USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER etatcivil_register_guarded BEFORE UPDATE OR DELETE ON etatcivil_register
    FOR EACH ROW EXECUTE FUNCTION etatcivil_register_guard();
"""

REVERSE = """
DROP TRIGGER IF EXISTS etatcivil_register_guarded ON etatcivil_register;
DROP FUNCTION IF EXISTS etatcivil_register_guard();
DROP TRIGGER IF EXISTS etatcivil_journal_append_only ON etatcivil_journalentry;
DROP TRIGGER IF EXISTS etatcivil_document_append_only ON etatcivil_issueddocument;
DROP FUNCTION IF EXISTS etatcivil_append_only();
DROP TRIGGER IF EXISTS etatcivil_note_immutable ON etatcivil_marginalnote;
DROP FUNCTION IF EXISTS etatcivil_note_guard();
DROP TRIGGER IF EXISTS etatcivil_act_immutable ON etatcivil_act;
DROP FUNCTION IF EXISTS etatcivil_act_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("etatcivil", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
