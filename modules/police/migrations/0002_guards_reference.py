"""The police administrative's rules in SQL, so that no code path (nor a psql session) can break them:

- requests, authorisations, inspections are never deleted; their kind, year, number and code never change;
- a request's status moves only along models.REQUEST_TRANSITIONS, an authorisation's along
  models.AUTHORISATION_TRANSITIONS (a test compares them); an authorisation is personal: holder, surface,
  validity, conditions and revenue line never change;
- a fee-bearing authorisation has its revenue line (CHECK, migration 0001) and, by the end of the transaction that
  writes it, its first period's ordre de recette (deferred constraint trigger);
- objections, avis, status events, revenue periods, inspections, photos and notices are append-only; an
  inquiry is closed once, a sanction's outcome recorded once (kernel's set_once);
- the nomenclature of activities is seeded.
"""

from django.db import migrations

from jamaa.platform import db_guards

APPEND_ONLY = (
    "police_objection",
    "police_avis",
    "police_authorisationevent",
    "police_revenueperiod",
    "police_inspection",
    "police_inspectionphoto",
    "police_notice",
)

GUARDS = """
CREATE FUNCTION police_request_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'police: a request is never deleted' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.kind <> OLD.kind OR NEW.year <> OLD.year OR NEW.number <> OLD.number OR NEW.mail_id <> OLD.mail_id
       OR NEW.establishment_id <> OLD.establishment_id OR NEW.submitted_at <> OLD.submitted_at THEN
        RAISE EXCEPTION 'police: a request''s number, kind, letter and establishment never change'
            USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.status IN ('granted', 'refused') THEN
        RAISE EXCEPTION 'police: a decided request does not change' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status <> OLD.status AND NOT ((OLD.status, NEW.status) IN (
        ('submitted', 'inquiry'), ('submitted', 'commission'), ('submitted', 'refused'),
        ('inquiry', 'commission'), ('inquiry', 'refused'),
        ('commission', 'granted'), ('commission', 'refused')
    )) THEN
        RAISE EXCEPTION 'police: a request cannot go from % to %', OLD.status, NEW.status
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER police_request_guarded BEFORE UPDATE OR DELETE ON police_request
    FOR EACH ROW EXECUTE FUNCTION police_request_guard();

CREATE FUNCTION police_authorisation_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'active' THEN
            RAISE EXCEPTION 'police: an authorisation is granted in force' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'police: an authorisation is never deleted (withdraw it)' USING ERRCODE = 'check_violation';
    END IF;
    IF (NEW.kind, NEW.year, NEW.number, NEW.code, NEW.request_id, NEW.establishment_id, NEW.holder_name,
        NEW.holder_identifier, NEW.activity_label, NEW.occupation_type, NEW.valid_from, NEW.valid_until,
        NEW.conditions, NEW.fee_tax_code, NEW.granted_by_id, NEW.granted_at)
       IS DISTINCT FROM
       (OLD.kind, OLD.year, OLD.number, OLD.code, OLD.request_id, OLD.establishment_id, OLD.holder_name,
        OLD.holder_identifier, OLD.activity_label, OLD.occupation_type, OLD.valid_from, OLD.valid_until,
        OLD.conditions, OLD.fee_tax_code, OLD.granted_by_id, OLD.granted_at)
       OR NEW.surface_m2 IS DISTINCT FROM OLD.surface_m2
       OR NEW.regie_redevable_id IS DISTINCT FROM OLD.regie_redevable_id
       OR NEW.regie_asset_id IS DISTINCT FROM OLD.regie_asset_id THEN
        RAISE EXCEPTION 'police: an authorisation is personal: only its status changes'
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status <> OLD.status AND NOT ((OLD.status, NEW.status) IN (
        ('active', 'suspended'), ('active', 'withdrawn'), ('active', 'expired'),
        ('suspended', 'active'), ('suspended', 'withdrawn'), ('suspended', 'expired')
    )) THEN
        RAISE EXCEPTION 'police: an authorisation cannot go from % to %', OLD.status, NEW.status
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER police_authorisation_guarded BEFORE INSERT OR UPDATE OR DELETE ON police_authorisation
    FOR EACH ROW EXECUTE FUNCTION police_authorisation_guard();

-- An authorisation is granted in force; a fee-bearing one needs its first period's ordre by commit.
-- Deferred: it may fire at commit under another search_path, so the period table is named by the row's schema.
CREATE FUNCTION police_authorisation_revenue() RETURNS trigger AS $$
DECLARE
    has_period boolean;
BEGIN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.police_revenueperiod WHERE authorisation_id = $1)',
                   TG_TABLE_SCHEMA) INTO has_period USING NEW.id;
    IF NEW.fee_tax_code <> '' AND NEW.status IN ('active', 'suspended') AND NOT has_period THEN
        RAISE EXCEPTION 'police: authorisation % is in force without its ordre de recette', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE CONSTRAINT TRIGGER police_authorisation_has_revenue AFTER INSERT OR UPDATE ON police_authorisation
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION police_authorisation_revenue();

CREATE FUNCTION police_no_delete() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'police: % rows are never deleted', TG_TABLE_NAME USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER police_establishment_no_delete BEFORE DELETE ON police_establishment
    FOR EACH ROW EXECUTE FUNCTION police_no_delete();
"""

REVERSE = """
DROP TRIGGER IF EXISTS police_establishment_no_delete ON police_establishment;
DROP FUNCTION IF EXISTS police_no_delete();
DROP TRIGGER IF EXISTS police_authorisation_has_revenue ON police_authorisation;
DROP FUNCTION IF EXISTS police_authorisation_revenue();
DROP TRIGGER IF EXISTS police_authorisation_guarded ON police_authorisation;
DROP FUNCTION IF EXISTS police_authorisation_guard();
DROP TRIGGER IF EXISTS police_request_guarded ON police_request;
DROP FUNCTION IF EXISTS police_request_guard();
"""

# code, French, Arabic, class, the régie's tax a licence owes (empty: none)
ACTIVITIES = (
    ("cafe", "Café, salon de thé", "مقهى", "class3", ""),
    ("restaurant", "Restaurant", "مطعم", "class3", ""),
    ("epicerie", "Épicerie", "بقالة", "none", ""),
    ("boulangerie", "Boulangerie", "مخبزة", "regulated", ""),
    ("hammam", "Hammam", "حمام", "regulated", ""),
    ("pharmacie", "Pharmacie", "صيدلية", "regulated", ""),
    ("menuiserie", "Menuiserie", "نجارة", "class2", ""),
    ("garage", "Garage de réparation automobile", "مرآب لإصلاح السيارات", "class2", ""),
    ("taxi", "Taxi (2e catégorie)", "سيارة أجرة (الصنف الثاني)", "regulated", "TRANSPORT"),
    ("boutique", "Commerce de détail", "متجر للبيع بالتقسيط", "none", ""),
)


def seed(apps, schema_editor):
    Activity = apps.get_model("police", "Activity")
    for code, fr, ar, klass, tax in ACTIVITIES:
        Activity.objects.get_or_create(
            code=code, defaults={"label_fr": fr, "label_ar": ar, "nuisance_class": klass, "fee_tax_code": tax}
        )


class Migration(migrations.Migration):
    dependencies = [("police", "0001_initial")]

    operations = [
        migrations.RunSQL(db_guards.functions()),
        migrations.RunSQL(GUARDS, REVERSE),
        migrations.RunSQL(db_guards.append_only(*APPEND_ONLY), db_guards.append_only_reverse(*APPEND_ONLY)),
        migrations.RunSQL(
            db_guards.refuse_truncate(
                *APPEND_ONLY, "police_request", "police_authorisation", "police_establishment", "police_sanction"
            ),
            db_guards.refuse_truncate_reverse(
                *APPEND_ONLY, "police_request", "police_authorisation", "police_establishment", "police_sanction"
            ),
        ),
        migrations.RunSQL(
            db_guards.set_once("police_inquiry", "closed_at", "closed_by_id", "conclusion"),
            db_guards.set_once_reverse("police_inquiry"),
        ),
        migrations.RunSQL(
            db_guards.set_once("police_sanction", "resolved_at", "resolved_by_id", "outcome"),
            db_guards.set_once_reverse("police_sanction"),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
