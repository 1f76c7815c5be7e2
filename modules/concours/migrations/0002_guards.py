"""The recruitment exams' rules in SQL, so that no code path (nor a psql session) can break them:

- a concours is never deleted; its status moves one step forward at a time along models.ORDER (compared by a
  test);
- an application is never deleted; its concours, number, CIN, identity and category never change; the screening
  (eligible, reason, who, when) is recorded once, and the anonymous code, seat and convocation code once;
- marks are append-only, and a mark is accepted only while its concours is at that paper's stage: once the
  concours moves on, the marks of the stage are locked;
- published lists, their lines and appointments are append-only, and a list takes no more lines than the count
  written with it at publication: a published list cannot change.
"""

from django.db import migrations

from jamaa.platform import db_guards

GUARDS = """
CREATE FUNCTION concours_concours_guard() RETURNS trigger AS $$
DECLARE
    steps text[] := ARRAY['announced', 'open', 'closed', 'screening', 'convocations', 'written', 'oral', 'final',
                          'appointments'];
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'concours: a concours is never deleted' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status <> OLD.status
       AND array_position(steps, NEW.status::text) IS DISTINCT FROM array_position(steps, OLD.status::text) + 1 THEN
        RAISE EXCEPTION 'concours: a concours cannot go from % to %', OLD.status, NEW.status
            USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.status <> 'announced' AND (NEW.posts <> OLD.posts OR NEW.grade_code <> OLD.grade_code
       OR NEW.quota_resistant_pct <> OLD.quota_resistant_pct OR NEW.quota_disabled_pct <> OLD.quota_disabled_pct
       OR NEW.age_min <> OLD.age_min OR NEW.age_max <> OLD.age_max) THEN
        RAISE EXCEPTION 'concours: posts, grade, quotas and ages are fixed once applications open'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER concours_concours_guarded BEFORE UPDATE OR DELETE ON concours_concours
    FOR EACH ROW EXECUTE FUNCTION concours_concours_guard();

CREATE FUNCTION concours_candidature_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'concours: an application is never deleted' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.concours_id <> OLD.concours_id OR NEW.number <> OLD.number OR NEW.cin <> OLD.cin
       OR NEW.first_name_fr <> OLD.first_name_fr OR NEW.last_name_fr <> OLD.last_name_fr
       OR NEW.first_name_ar <> OLD.first_name_ar OR NEW.last_name_ar <> OLD.last_name_ar
       OR NEW.birth_date <> OLD.birth_date OR NEW.quota <> OLD.quota OR NEW.diploma <> OLD.diploma THEN
        RAISE EXCEPTION 'concours: an application''s number, identity and category never change'
            USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.eligible IS NOT NULL AND (NEW.eligible IS DISTINCT FROM OLD.eligible
       OR NEW.eligibility_reason <> OLD.eligibility_reason OR NEW.screened_at IS DISTINCT FROM OLD.screened_at
       OR NEW.screened_by_id IS DISTINCT FROM OLD.screened_by_id) THEN
        RAISE EXCEPTION 'concours: a screening is recorded once' USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.anonymous_code <> '' AND (NEW.anonymous_code <> OLD.anonymous_code OR NEW.seat IS DISTINCT FROM OLD.seat
       OR NEW.room <> OLD.room OR NEW.convocation_code <> OLD.convocation_code OR NEW.centre <> OLD.centre) THEN
        RAISE EXCEPTION 'concours: an anonymous code and a seat are given once' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER concours_candidature_guarded BEFORE UPDATE OR DELETE ON concours_candidature
    FOR EACH ROW EXECUTE FUNCTION concours_candidature_guard();

CREATE FUNCTION concours_mark_stage() RETURNS trigger AS $$
DECLARE
    stage text;
BEGIN
    SELECT k.status INTO stage FROM concours_candidature c JOIN concours_concours k ON k.id = c.concours_id
    WHERE c.id = NEW.candidature_id;
    IF stage IS DISTINCT FROM NEW.paper THEN
        RAISE EXCEPTION 'concours: % marks are locked (the concours is at %)', NEW.paper, stage
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER concours_mark_staged BEFORE INSERT ON concours_mark
    FOR EACH ROW EXECUTE FUNCTION concours_mark_stage();

CREATE FUNCTION concours_resultentry_fresh() RETURNS trigger AS $$
BEGIN
    IF (SELECT count(*) FROM concours_resultentry e WHERE e.result_list_id = NEW.result_list_id)
       >= (SELECT r.entries_count FROM concours_resultlist r WHERE r.id = NEW.result_list_id) THEN
        RAISE EXCEPTION 'concours: a published list cannot change' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER concours_resultentry_fresh BEFORE INSERT ON concours_resultentry
    FOR EACH ROW EXECUTE FUNCTION concours_resultentry_fresh();
"""

GUARDS_REVERSE = """
DROP TRIGGER IF EXISTS concours_resultentry_fresh ON concours_resultentry;
DROP FUNCTION IF EXISTS concours_resultentry_fresh();
DROP TRIGGER IF EXISTS concours_mark_staged ON concours_mark;
DROP FUNCTION IF EXISTS concours_mark_stage();
DROP TRIGGER IF EXISTS concours_candidature_guarded ON concours_candidature;
DROP FUNCTION IF EXISTS concours_candidature_guard();
DROP TRIGGER IF EXISTS concours_concours_guarded ON concours_concours;
DROP FUNCTION IF EXISTS concours_concours_guard();
"""

APPEND_ONLY = ("concours_mark", "concours_resultlist", "concours_resultentry", "concours_appointment")
GUARDED = ("concours_concours", "concours_candidature")


class Migration(migrations.Migration):
    dependencies = [("concours", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "\n".join(
                [
                    db_guards.functions(),
                    db_guards.append_only(*APPEND_ONLY),
                    db_guards.refuse_truncate(*APPEND_ONLY, *GUARDED),
                    GUARDS,
                ]
            ),
            "\n".join(
                [
                    GUARDS_REVERSE,
                    db_guards.refuse_truncate_reverse(*APPEND_ONLY, *GUARDED),
                    db_guards.append_only_reverse(*APPEND_ONLY),
                ]
            ),
        ),
    ]
