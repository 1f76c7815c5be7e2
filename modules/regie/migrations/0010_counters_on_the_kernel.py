"""Ordres, bordereaux and versements take their numbers from the kernel's counter (key "regie:<régie>:<kind>",
year = exercice): each (régie, exercice, kind) row of the régie's own counter table is carried over with its last
number (never lowered if the kernel already holds one), then that table goes."""

from django.db import migrations

CARRY_OVER = """
INSERT INTO kernel_counter (key, year, last_number)
SELECT 'regie:' || regie_id || ':' || kind, exercice, last_number FROM regie_documentcounter
ON CONFLICT (key, year) DO UPDATE SET last_number = GREATEST(kernel_counter.last_number, EXCLUDED.last_number);
"""

CARRY_BACK = """
INSERT INTO regie_documentcounter (regie_id, exercice, kind, last_number)
SELECT split_part(key, ':', 2)::bigint, year, split_part(key, ':', 3), last_number FROM kernel_counter
WHERE key ~ '^regie:[0-9]+:(ordre|bordereau|versement)$';
"""


class Migration(migrations.Migration):
    dependencies = [
        ("regie", "0009_redevable_name_ar_trigram"),
        ("kernel", "0002_counter_guard"),
    ]

    operations = [
        migrations.RunSQL(CARRY_OVER, CARRY_BACK),
        migrations.DeleteModel(name="DocumentCounter"),
    ]
