"""Gapless numbering: the next number of a (key, year) series under a row lock, in the caller's transaction.

The rule every numbered record shares (civil acts per register, quittances per series, ordres, bordereaux,
versements): the number is drawn inside the transaction that writes the record, on a row that stays locked until
that transaction ends. Concurrent callers queue on the row and get consecutive numbers; a transaction that rolls
back releases its number with the lock, so the next caller gets it again: no gap, no duplicate. What a series is
(per bureau, per régie and exercice, which letter) is the module's business: it builds the key.

    with transaction.atomic():
        number = counter_next(key=f"regie:{regie_id}:ordre", year=exercice)
        Ordre.objects.create(number=number, …)
"""

from __future__ import annotations

from django.db import connection, models

from jamaa.platform.errors import DomainError

from .models import Counter


class CounterOutsideTransaction(DomainError):
    code = "COUNTER_OUTSIDE_TRANSACTION"
    http_status = 500
    message = "A number can only be drawn inside the transaction that records it."


def counter_next(*, key: str, year: int, count: int = 1) -> int:
    """The first of `count` consecutive numbers of (key, year), starting at 1; the row stays locked until the
    caller's transaction ends. Raises CounterOutsideTransaction outside `transaction.atomic` (a number drawn in
    its own transaction would be lost if the record's failed: a gap). Writes the counter row."""
    if count < 1:
        raise ValueError("count must be at least 1")
    if not connection.in_atomic_block:
        raise CounterOutsideTransaction()
    table = Counter._meta.db_table
    # One statement: creates the row or bumps it, and takes its row lock either way (no get-or-create race).
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{table}" (key, year, last_number) VALUES (%s, %s, %s) '  # noqa: S608 (our table name)
            f'ON CONFLICT (key, year) DO UPDATE SET last_number = "{table}".last_number + EXCLUDED.last_number '
            "RETURNING last_number",
            [key, year, count],
        )
        row = cursor.fetchone()
    assert row is not None
    return int(row[0]) - count + 1


def counter_last(*, key: str, year: int) -> int:
    """The last number given for (key, year), 0 when none (committed, or drawn by this transaction). No lock."""
    return Counter.objects.filter(key=key, year=year).values_list("last_number", flat=True).first() or 0


def row_next(*, model: type[models.Model], pk: int, field: str = "last_number", count: int = 1) -> int:
    """The first of `count` consecutive numbers of a counter row a module keeps in its own table (an état civil
    register, a régie's quittance series: rows that other tables point at and that SQL guards tie to the numbers
    they give), drawn as `counter_next` draws them: one UPDATE that bumps the column and takes the row lock until
    the caller's transaction ends. Raises CounterOutsideTransaction outside `transaction.atomic`,
    `model.DoesNotExist` when there is no such row. Writes the counter row (its triggers see an ordinary UPDATE).
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    if not connection.in_atomic_block:
        raise CounterOutsideTransaction()
    meta = model._meta
    counter_field = meta.get_field(field)
    if not isinstance(counter_field, models.Field):
        raise ValueError(f"{meta.label}.{field} is not a column")
    column = counter_field.column
    assert meta.pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{meta.db_table}" SET "{column}" = "{column}" + %s '  # noqa: S608 (names from the model)
            f'WHERE "{meta.pk.column}" = %s RETURNING "{column}"',
            [count, pk],
        )
        row = cursor.fetchone()
    if row is None:
        raise model.DoesNotExist(f"{meta.label} {pk} does not exist")  # type: ignore[attr-defined]
    return int(row[0]) - count + 1
