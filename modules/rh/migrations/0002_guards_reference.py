"""Human resources' rules in SQL, so that no code path (nor a psql session) can break them:

- an agent file is never deleted; its matricule, CIN, recruitment date and author never change, and its user
  link is set once;
- arrêtés, career entries and ratings are append-only (a correction is a new act and a new entry);
- a leave request is never deleted; agent, kind, dates, days and year never change; its status moves only along
  models.LEAVE_TRANSITIONS (compared by a test); a decided request changes no more;
- a leave balance is never deleted nor moved to another agent or year (its CHECK keeps it within the entitlement);
- a religious holiday is never deleted; once confirmed it changes no more;
- the reference lists: grades and the (indicative) grid of échelons.
"""

from decimal import Decimal

from django.db import migrations

from jamaa.platform import db_guards

GUARDS = """
CREATE FUNCTION rh_agent_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'rh: an agent file is never deleted' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.matricule <> OLD.matricule OR NEW.cin <> OLD.cin OR NEW.recruited_on <> OLD.recruited_on
       OR NEW.created_by_id <> OLD.created_by_id OR NEW.created_at <> OLD.created_at
       OR (OLD.user_id IS NOT NULL AND NEW.user_id IS DISTINCT FROM OLD.user_id) THEN
        RAISE EXCEPTION 'rh: an agent''s matricule, CIN, recruitment and account link never change'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER rh_agent_guarded BEFORE UPDATE OR DELETE ON rh_agent FOR EACH ROW EXECUTE FUNCTION rh_agent_guard();

CREATE FUNCTION rh_leaverequest_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'rh: a leave request is never deleted' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.agent_id <> OLD.agent_id OR NEW.kind <> OLD.kind OR NEW.start <> OLD.start OR NEW."end" <> OLD."end"
       OR NEW.days <> OLD.days OR NEW.year <> OLD.year OR NEW.requested_by_id <> OLD.requested_by_id
       OR NEW.requested_at <> OLD.requested_at THEN
        RAISE EXCEPTION 'rh: a leave request''s agent, kind and days never change' USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.status <> 'pending' AND OLD.status = NEW.status AND to_jsonb(OLD) IS DISTINCT FROM to_jsonb(NEW) THEN
        RAISE EXCEPTION 'rh: a decided leave request changes no more' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status <> OLD.status AND NOT ((OLD.status, NEW.status) IN (
        ('pending', 'approved'), ('pending', 'refused'), ('pending', 'cancelled'), ('approved', 'cancelled')
    )) THEN
        RAISE EXCEPTION 'rh: a leave request cannot go from % to %', OLD.status, NEW.status
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER rh_leaverequest_guarded BEFORE UPDATE OR DELETE ON rh_leaverequest
    FOR EACH ROW EXECUTE FUNCTION rh_leaverequest_guard();

CREATE FUNCTION rh_leavebalance_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'rh: a leave balance is never deleted' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.agent_id <> OLD.agent_id OR NEW.year <> OLD.year THEN
        RAISE EXCEPTION 'rh: a leave balance stays with its agent and year' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER rh_leavebalance_guarded BEFORE UPDATE OR DELETE ON rh_leavebalance
    FOR EACH ROW EXECUTE FUNCTION rh_leavebalance_guard();

CREATE FUNCTION rh_holiday_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'rh: a holiday is never deleted' USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.confirmed_at IS NOT NULL OR NEW.year <> OLD.year OR NEW.key <> OLD.key THEN
        RAISE EXCEPTION 'rh: a confirmed holiday changes no more' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER rh_holiday_guarded BEFORE UPDATE OR DELETE ON rh_religiousholiday
    FOR EACH ROW EXECUTE FUNCTION rh_holiday_guard();
"""

GUARDS_REVERSE = """
DROP TRIGGER IF EXISTS rh_holiday_guarded ON rh_religiousholiday;
DROP FUNCTION IF EXISTS rh_holiday_guard();
DROP TRIGGER IF EXISTS rh_leavebalance_guarded ON rh_leavebalance;
DROP FUNCTION IF EXISTS rh_leavebalance_guard();
DROP TRIGGER IF EXISTS rh_leaverequest_guarded ON rh_leaverequest;
DROP FUNCTION IF EXISTS rh_leaverequest_guard();
DROP TRIGGER IF EXISTS rh_agent_guarded ON rh_agent;
DROP FUNCTION IF EXISTS rh_agent_guard();
"""

APPEND_ONLY = ("rh_act", "rh_careerentry", "rh_rating")
GUARDED = ("rh_agent", "rh_leaverequest", "rh_leavebalance", "rh_religiousholiday")

GRADES = [
    # code, French, Arabic, échelle, last échelon
    ("agent-service", "Agent de service", "عون خدمة", 5, 10),
    ("adjoint-administratif", "Adjoint administratif", "مساعد إداري", 6, 10),
    ("adjoint-technique", "Adjoint technique", "مساعد تقني", 6, 10),
    ("redacteur", "Rédacteur", "محرر", 8, 10),
    ("technicien-4", "Technicien de 4e grade", "تقني من الدرجة الرابعة", 8, 10),
    ("technicien-3", "Technicien de 3e grade", "تقني من الدرجة الثالثة", 9, 10),
    ("administrateur-3", "Administrateur de 3e grade", "متصرف من الدرجة الثالثة", 10, 10),
    ("administrateur-2", "Administrateur de 2e grade", "متصرف من الدرجة الثانية", 11, 11),
    ("ingenieur-etat", "Ingénieur d'État de 1er grade", "مهندس دولة من الدرجة الأولى", 11, 11),
]
# An indicative grid (indice of échelon 1 and the step per échelon, pay per indice point) for the payroll-mass
# projection; the commune replaces it with the grid in force (EchelonIndex rows).
GRID = {5: (207, 7), 6: (217, 9), 7: (235, 12), 8: (275, 14), 9: (275, 21), 10: (275, 26), 11: (336, 34)}
POINT_DH = Decimal("14.50")


def seed(apps, schema_editor):
    Grade = apps.get_model("rh", "Grade")
    EchelonIndex = apps.get_model("rh", "EchelonIndex")
    for code, fr, ar, echelle, last in GRADES:
        Grade.objects.get_or_create(
            code=code, defaults={"name_fr": fr, "name_ar": ar, "echelle": echelle, "max_echelon": last}
        )
    for echelle, (first, step) in GRID.items():
        for echelon in range(1, 12):
            indice = first + step * (echelon - 1)
            EchelonIndex.objects.get_or_create(
                echelle=echelle,
                echelon=echelon,
                defaults={"indice": indice, "monthly_gross_dh": POINT_DH * indice},
            )


class Migration(migrations.Migration):
    dependencies = [("rh", "0001_initial")]

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
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
