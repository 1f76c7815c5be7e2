"""Invoices, credit notes, payments and reminders are official records: never updated, deleted or truncated; an
invoice's number is its series counter's current value; the counter only steps forward by what rows cover."""

from django.db import migrations

from jamaa.platform import db_guards

TABLES = ("billing_invoice", "billing_payment", "billing_reminder")
COUNTER = dict(
    table="billing_invoice",
    number="number",
    counter_table="billing_billingcounter",
    counter_fk="counter_id",
    counter_value="last_number",
)

GUARDS = "\n".join(
    [
        db_guards.functions(),
        db_guards.refuse_truncate(*TABLES, "billing_billingcounter"),
        db_guards.append_only(*TABLES),
        db_guards.number_from_counter(**COUNTER),
        db_guards.counter_steps(
            table="billing_billingcounter",
            value="last_number",
            uses=[db_guards.CounterUse(table="billing_invoice", fk="counter_id", number="number")],
        ),
    ]
)
GUARDS_REVERSE = "\n".join(
    [
        db_guards.counter_steps_reverse(table="billing_billingcounter"),
        db_guards.number_from_counter_reverse(table="billing_invoice", number="number"),
        db_guards.append_only_reverse(*TABLES),
        db_guards.refuse_truncate_reverse(*TABLES, "billing_billingcounter"),
    ]
)


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunSQL(GUARDS, GUARDS_REVERSE)]
