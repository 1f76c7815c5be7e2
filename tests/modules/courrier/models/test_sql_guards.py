"""The database holds the rules even without the services: no DELETE of a letter, its number never changes, the
status moves only along models.ALLOWED_TRANSITIONS (every pair tried in SQL), histories are append-only."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.courrier import services
from jamaa.modules.courrier.models import ALLOWED_TRANSITIONS, Annotation, Mail, Status

from ..factories import clerk, incoming

pytestmark = pytest.mark.django_db


def _mail_in(status: str, base: Mail, n: int) -> Mail:
    return Mail.objects.create(
        category="internal",
        year=2000,
        number=n,
        code=f"T{n:09d}",
        correspondent_id=base.correspondent_id,
        subject="t",
        status=status,
        deleted_reason="r" if status == "deleted" else "",
        closing_date=timezone.localdate() if status == "closed" else None,
        registered_by_id=base.registered_by_id,
        registered_at=timezone.now(),
    )


def test_every_transition_is_allowed_in_sql_exactly_when_the_table_says_so(fes) -> None:
    with schema_context("fes"):
        base = incoming(clerk())
        n = 0
        for source in Status.values:
            for target in Status.values:
                if source == target:
                    continue
                n += 1
                mail = _mail_in(source, base, n)
                reason = "r" if target == "deleted" else ""
                allowed = target in ALLOWED_TRANSITIONS[source]
                try:
                    with transaction.atomic(), connection.cursor() as cursor:
                        cursor.execute(
                            "UPDATE courrier_mail SET status = %s, deleted_reason = %s, closing_date = %s"
                            " WHERE id = %s",
                            [target, reason, timezone.localdate(), mail.pk],
                        )
                    accepted = True
                except DatabaseError:
                    accepted = False
                assert accepted == allowed, (source, target)


def test_a_letter_is_never_deleted_nor_renumbered(fes) -> None:
    with schema_context("fes"):
        mail = incoming(clerk())
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM courrier_mail WHERE id = %s", [mail.pk])
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE courrier_mail SET number = 99 WHERE id = %s", [mail.pk])
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE courrier_mail SET status = 'deleted' WHERE id = %s", [mail.pk])  # no reason
        assert Mail.objects.filter(pk=mail.pk, number=1, status="to_qualify").exists()


def test_annotations_are_append_only(fes) -> None:
    with schema_context("fes"):
        c = clerk()
        mail = incoming(c)
        note = services.mail_annotate(actor=c, mail_id=mail.pk, text="original")
        with pytest.raises(IntegrityError), transaction.atomic():
            Annotation.objects.filter(pk=note.pk).update(text="changed")
        with pytest.raises(IntegrityError), transaction.atomic():
            Annotation.objects.filter(pk=note.pk).delete()
        assert Annotation.objects.get(pk=note.pk).text == "original"
