"""The kernel's counter rows only move forward and never disappear, even for the owner role: a number once
given is never given again (no update backwards, no change of key or year, no delete, no truncate)."""

from django.db import migrations

from jamaa.platform import db_guards

SQL = f"""
{db_guards.functions()}
CREATE FUNCTION kernel_counter_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'counter % cannot disappear', OLD.key USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.key <> OLD.key OR NEW.year <> OLD.year OR NEW.last_number < OLD.last_number THEN
        RAISE EXCEPTION 'counter % % cannot go back (% -> %)', OLD.key, OLD.year, OLD.last_number, NEW.last_number
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER kernel_counter_forward BEFORE UPDATE OR DELETE ON kernel_counter
    FOR EACH ROW EXECUTE FUNCTION kernel_counter_forward();
{db_guards.refuse_truncate("kernel_counter")}
"""

REVERSE = f"""
{db_guards.refuse_truncate_reverse("kernel_counter")}
DROP TRIGGER IF EXISTS kernel_counter_forward ON kernel_counter;
DROP FUNCTION IF EXISTS kernel_counter_forward();
"""


class Migration(migrations.Migration):
    dependencies = [("kernel", "0001_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
