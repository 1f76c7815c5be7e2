"""The portal's rules in SQL, so that no code path (nor a psql session) can break them:

- an online request is never deleted; its citizen, kind, letter (id, year, number, code, reference), CIN and
  creation never change; its status moves only along models.ALLOWED_TRANSITIONS (compared by a test), a final
  status (issued, answered, refused) changes no more, and an issued document is never swapped;
- its history and the citizen's pieces are append-only, never emptied;
- a publication is never deleted nor edited: only withdrawn, once (who, when, why together).
"""

from django.db import migrations

from jamaa.platform import db_guards

TRANSITIONS = {
    "submitted": ["in_progress", "awaiting_payment", "issued", "answered", "rejected"],
    "in_progress": ["awaiting_payment", "issued", "answered", "rejected"],
    "awaiting_payment": ["issued", "rejected"],
}

_ALLOWED = " OR ".join(
    f"(OLD.status = '{src}' AND NEW.status IN ({', '.join(repr(d) for d in dests)}))"
    for src, dests in TRANSITIONS.items()
)

GUARDS = f"""
CREATE FUNCTION portail_request_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'portail: an online request is never deleted' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.citizen_id <> OLD.citizen_id OR NEW.kind <> OLD.kind OR NEW.mail_id <> OLD.mail_id
       OR NEW.mail_year <> OLD.mail_year OR NEW.mail_number <> OLD.mail_number OR NEW.mail_code <> OLD.mail_code
       OR NEW.reference <> OLD.reference OR NEW.cin <> OLD.cin OR NEW.created_at <> OLD.created_at
       OR NEW.details <> OLD.details THEN
        RAISE EXCEPTION 'portail: a request''s citizen, kind, number and answers never change'
            USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.document_id IS NOT NULL AND NEW.document_id IS DISTINCT FROM OLD.document_id THEN
        RAISE EXCEPTION 'portail: an issued document is never replaced' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status <> OLD.status AND NOT ({_ALLOWED}) THEN
        RAISE EXCEPTION 'portail: status % cannot become %', OLD.status, NEW.status USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status = OLD.status AND OLD.status IN ('issued', 'answered', 'rejected')
       AND (NEW.public_note <> OLD.public_note OR NEW.quittance_code <> OLD.quittance_code
            OR NEW.document_code <> OLD.document_code) THEN
        RAISE EXCEPTION 'portail: a closed request changes no more' USING ERRCODE = 'check_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER portail_request_guard BEFORE UPDATE OR DELETE ON portail_onlinerequest
    FOR EACH ROW EXECUTE FUNCTION portail_request_guard();
"""

REVERSE = """
DROP TRIGGER IF EXISTS portail_request_guard ON portail_onlinerequest;
DROP FUNCTION IF EXISTS portail_request_guard();
"""

APPEND_ONLY = ("portail_requestevent", "portail_requestattachment")


class Migration(migrations.Migration):
    dependencies = [("portail", "0001_initial")]

    operations = [
        migrations.RunSQL(db_guards.functions(), migrations.RunSQL.noop),
        migrations.RunSQL(GUARDS, REVERSE),
        migrations.RunSQL(db_guards.append_only(*APPEND_ONLY), db_guards.append_only_reverse(*APPEND_ONLY)),
        migrations.RunSQL(
            db_guards.refuse_truncate(*APPEND_ONLY, "portail_onlinerequest", "portail_publication"),
            db_guards.refuse_truncate_reverse(*APPEND_ONLY, "portail_onlinerequest", "portail_publication"),
        ),
        migrations.RunSQL(
            db_guards.set_once("portail_publication", "withdrawn_at", "withdrawn_by_id", "withdrawn_reason"),
            db_guards.set_once_reverse("portail_publication"),
        ),
    ]
