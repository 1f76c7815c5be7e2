"""The parc's rules in SQL, so that no code path (nor a psql session) can break them:

- a vehicle is never deleted; its state moves only along models.STATE_TRANSITIONS; a reformed vehicle changes
  no more;
- an odometer reading is never lower than the vehicle's last one (the message gives the last known value) and
  never zero; readings, state changes, documents, notices, maintenance, books, uses and cancellations are
  append-only and cannot be truncated;
- a vehicle has no two assignments at once, nor two missions that are not cancelled (exclusion constraints over
  date ranges, btree_gist); an assignment's end is written once;
- a voucher's number lies in its book's block; its status moves only issued → used (by inserting its use, which
  must be on the book's vehicle or a vehicle of the book's service, once) or issued → cancelled (by inserting
  its cancellation, the counter-entry); the use and the cancellation rows set the status themselves;
- a mission order moves only issued → completed / cancelled, then is frozen; what it says never changes.
"""

from django.db import migrations

from jamaa.platform import db_guards

APPEND_ONLY = (
    "parc_statechange",
    "parc_vehicledocument",
    "parc_expirynotice",
    "parc_odometerreading",
    "parc_maintenance",
    "parc_voucherbook",
    "parc_voucheruse",
    "parc_vouchercancellation",
)
NO_TRUNCATE = (*APPEND_ONLY, "parc_vehicle", "parc_assignment", "parc_voucher", "parc_missionorder")

GUARDS = r"""
CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public;

CREATE FUNCTION parc_vehicle_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'parc: a vehicle is never deleted (reform it)' USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.state = 'reformed' THEN
        RAISE EXCEPTION 'parc: vehicle % is reformed: it changes no more', OLD.plate USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.state <> OLD.state AND NOT ((OLD.state, NEW.state) IN (
        ('in_service', 'in_repair'), ('in_service', 'reformed'), ('in_repair', 'in_service'), ('in_repair', 'reformed')
    )) THEN
        RAISE EXCEPTION 'parc: a vehicle cannot go from % to %', OLD.state, NEW.state
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER parc_vehicle_guarded BEFORE UPDATE OR DELETE ON parc_vehicle
    FOR EACH ROW EXECUTE FUNCTION parc_vehicle_guard();

-- Readings only go up: the vehicle's row is locked first, so two readings at once are compared in turn.
CREATE FUNCTION parc_reading_up() RETURNS trigger AS $$
DECLARE
    last_value integer;
BEGIN
    PERFORM 1 FROM parc_vehicle WHERE id = NEW.vehicle_id FOR UPDATE;
    SELECT max(value) INTO last_value FROM parc_odometerreading WHERE vehicle_id = NEW.vehicle_id;
    IF last_value IS NOT NULL AND NEW.value < last_value THEN
        RAISE EXCEPTION 'parc: odometer % km refused: the last known reading of this vehicle is % km',
            NEW.value, last_value USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER parc_reading_only_up BEFORE INSERT ON parc_odometerreading
    FOR EACH ROW EXECUTE FUNCTION parc_reading_up();

ALTER TABLE parc_assignment ADD CONSTRAINT parc_assignment_no_overlap
    EXCLUDE USING gist (vehicle_id WITH =, daterange(start_on, end_on, '[]') WITH &&);
ALTER TABLE parc_missionorder ADD CONSTRAINT parc_mission_no_overlap
    EXCLUDE USING gist (vehicle_id WITH =, daterange(depart_on, return_on, '[]') WITH &&)
    WHERE (status <> 'cancelled');

CREATE FUNCTION parc_voucher_guard() RETURNS trigger AS $$
DECLARE
    b record;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT first_number, count, year INTO b FROM parc_voucherbook WHERE id = NEW.book_id;
        IF NEW.status <> 'issued' OR NEW.year <> b.year
           OR NEW.number < b.first_number OR NEW.number > b.first_number + b.count - 1 THEN
            RAISE EXCEPTION 'parc: voucher % is not an issued voucher of its book''s block', NEW.number
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'parc: a voucher is never deleted (cancel it)' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.book_id <> OLD.book_id OR NEW.year <> OLD.year OR NEW.number <> OLD.number OR NEW.code <> OLD.code THEN
        RAISE EXCEPTION 'parc: a voucher''s book, number and code never change' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status = OLD.status THEN
        RETURN NEW;
    END IF;
    IF OLD.status = 'issued' AND NEW.status = 'used'
       AND EXISTS (SELECT 1 FROM parc_voucheruse WHERE voucher_id = NEW.id) THEN
        RETURN NEW;
    END IF;
    IF OLD.status = 'issued' AND NEW.status = 'cancelled'
       AND EXISTS (SELECT 1 FROM parc_vouchercancellation WHERE voucher_id = NEW.id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'parc: voucher % cannot go from % to %', OLD.number, OLD.status, NEW.status
        USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER parc_voucher_guarded BEFORE INSERT OR UPDATE OR DELETE ON parc_voucher
    FOR EACH ROW EXECUTE FUNCTION parc_voucher_guard();

-- A use: the voucher (locked) is still issued, and the vehicle is the book's or of the book's service.
CREATE FUNCTION parc_voucheruse_check() RETURNS trigger AS $$
DECLARE
    v record;
    vehicle_service bigint;
BEGIN
    SELECT pv.status, pv.number, b.vehicle_id, b.service_id INTO v
        FROM parc_voucher pv JOIN parc_voucherbook b ON b.id = pv.book_id WHERE pv.id = NEW.voucher_id
        FOR UPDATE OF pv;
    IF v.status <> 'issued' THEN
        RAISE EXCEPTION 'parc: voucher % is %: it cannot be used', v.number, v.status
            USING ERRCODE = 'check_violation';
    END IF;
    IF v.vehicle_id IS NOT NULL AND v.vehicle_id <> NEW.vehicle_id THEN
        RAISE EXCEPTION 'parc: voucher % belongs to another vehicle', v.number USING ERRCODE = 'check_violation';
    END IF;
    IF v.service_id IS NOT NULL THEN
        SELECT service_id INTO vehicle_service FROM parc_vehicle WHERE id = NEW.vehicle_id;
        IF vehicle_service IS DISTINCT FROM v.service_id THEN
            RAISE EXCEPTION 'parc: voucher % belongs to another service''s vehicles', v.number
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER parc_voucheruse_checked BEFORE INSERT ON parc_voucheruse
    FOR EACH ROW EXECUTE FUNCTION parc_voucheruse_check();

CREATE FUNCTION parc_voucheruse_mark() RETURNS trigger AS $$
BEGIN
    UPDATE parc_voucher SET status = 'used' WHERE id = NEW.voucher_id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER parc_voucheruse_marks AFTER INSERT ON parc_voucheruse
    FOR EACH ROW EXECUTE FUNCTION parc_voucheruse_mark();

CREATE FUNCTION parc_cancellation_check() RETURNS trigger AS $$
DECLARE
    v record;
BEGIN
    SELECT status, number INTO v FROM parc_voucher WHERE id = NEW.voucher_id FOR UPDATE;
    IF v.status <> 'issued' THEN
        RAISE EXCEPTION 'parc: voucher % is %: it cannot be cancelled', v.number, v.status
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER parc_cancellation_checked BEFORE INSERT ON parc_vouchercancellation
    FOR EACH ROW EXECUTE FUNCTION parc_cancellation_check();

CREATE FUNCTION parc_cancellation_mark() RETURNS trigger AS $$
BEGIN
    UPDATE parc_voucher SET status = 'cancelled' WHERE id = NEW.voucher_id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER parc_cancellation_marks AFTER INSERT ON parc_vouchercancellation
    FOR EACH ROW EXECUTE FUNCTION parc_cancellation_mark();

CREATE FUNCTION parc_mission_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'parc: a mission order is never deleted (cancel it)' USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.status <> 'issued' THEN
        RAISE EXCEPTION 'parc: mission order % is %: it changes no more', OLD.number, OLD.status
            USING ERRCODE = 'check_violation';
    END IF;
    IF (to_jsonb(OLD) - ARRAY['status', 'end_odometer', 'cancel_reason', 'closed_at', 'closed_by_id'])
       IS DISTINCT FROM (to_jsonb(NEW) - ARRAY['status', 'end_odometer', 'cancel_reason', 'closed_at', 'closed_by_id']) THEN
        RAISE EXCEPTION 'parc: what a mission order says never changes' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status NOT IN ('completed', 'cancelled') THEN
        RAISE EXCEPTION 'parc: a mission order cannot go from % to %', OLD.status, NEW.status
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER parc_mission_guarded BEFORE UPDATE OR DELETE ON parc_missionorder
    FOR EACH ROW EXECUTE FUNCTION parc_mission_guard();
"""

GUARDS_REVERSE = r"""
DROP TRIGGER IF EXISTS parc_mission_guarded ON parc_missionorder;
DROP FUNCTION IF EXISTS parc_mission_guard();
DROP TRIGGER IF EXISTS parc_cancellation_marks ON parc_vouchercancellation;
DROP FUNCTION IF EXISTS parc_cancellation_mark();
DROP TRIGGER IF EXISTS parc_cancellation_checked ON parc_vouchercancellation;
DROP FUNCTION IF EXISTS parc_cancellation_check();
DROP TRIGGER IF EXISTS parc_voucheruse_marks ON parc_voucheruse;
DROP FUNCTION IF EXISTS parc_voucheruse_mark();
DROP TRIGGER IF EXISTS parc_voucheruse_checked ON parc_voucheruse;
DROP FUNCTION IF EXISTS parc_voucheruse_check();
DROP TRIGGER IF EXISTS parc_voucher_guarded ON parc_voucher;
DROP FUNCTION IF EXISTS parc_voucher_guard();
ALTER TABLE parc_missionorder DROP CONSTRAINT IF EXISTS parc_mission_no_overlap;
ALTER TABLE parc_assignment DROP CONSTRAINT IF EXISTS parc_assignment_no_overlap;
DROP TRIGGER IF EXISTS parc_reading_only_up ON parc_odometerreading;
DROP FUNCTION IF EXISTS parc_reading_up();
DROP TRIGGER IF EXISTS parc_vehicle_guarded ON parc_vehicle;
DROP FUNCTION IF EXISTS parc_vehicle_guard();
"""

KERNEL_GUARDS = "\n".join(
    [
        db_guards.functions(),
        db_guards.append_only(*APPEND_ONLY),
        db_guards.set_once("parc_assignment", "end_on", "ended_by_id"),
        db_guards.refuse_truncate(*NO_TRUNCATE),
    ]
)
KERNEL_GUARDS_REVERSE = "\n".join(
    [
        db_guards.refuse_truncate_reverse(*NO_TRUNCATE),
        db_guards.set_once_reverse("parc_assignment"),
        db_guards.append_only_reverse(*APPEND_ONLY),
    ]
)

# Litres per 100 km beyond which a fill is flagged (editable per commune).
THRESHOLDS = [("car", 12), ("utility", 16), ("truck", 40), ("bus", 35), ("motorcycle", 6), ("machine", 60)]


def seed(apps, schema_editor):
    Threshold = apps.get_model("parc", "ConsumptionThreshold")
    for kind, limit in THRESHOLDS:
        Threshold.objects.get_or_create(kind=kind, defaults={"max_l_per_100km": limit})


class Migration(migrations.Migration):
    dependencies = [("parc", "0001_initial")]

    operations = [
        migrations.RunSQL(GUARDS, GUARDS_REVERSE),
        migrations.RunSQL(KERNEL_GUARDS, KERNEL_GUARDS_REVERSE),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
