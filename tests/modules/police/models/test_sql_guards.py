"""The database holds the rules even without the services: every status change of a request and of an
authorisation is tried in SQL and accepted exactly when models.REQUEST_TRANSITIONS / AUTHORISATION_TRANSITIONS
allow it; an authorisation is personal (only its status changes) and never deleted; a fee-bearing authorisation
cannot be in force without its revenue line (CHECK) nor without its ordre de recette (deferred trigger); the
histories are append-only; an inquiry is closed once."""

from __future__ import annotations

import itertools

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.police.models import (
    AUTHORISATION_TRANSITIONS,
    REQUEST_TRANSITIONS,
    Authorisation,
    AuthorisationStatus,
    Request,
    RequestStatus,
)

from ..factories import cafe, granted_terrace, staff

pytestmark = pytest.mark.django_db
_n = itertools.count(1)


def _request(establishment, user, status: str = "submitted") -> Request:
    decided = status in ("granted", "refused")
    return Request.objects.create(
        kind="economic",
        year=1999,
        number=next(_n),
        establishment=establishment,
        nuisance_class="none",
        period_start=timezone.localdate(),
        period_end=timezone.localdate(),
        mail_id=1,
        mail_reference="A-1999/000001",
        status=status,
        decision_reason="r" if decided else "",
        decided_by=user if decided else None,
        decided_at=timezone.now() if decided else None,
        submitted_by=user,
        submitted_at=timezone.now(),
    )


def _sql(statement: str, params: list) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
        return True
    except DatabaseError:
        return False


def test_every_request_transition_in_sql_exactly_as_the_table(fes) -> None:
    with schema_context("fes"):
        people = staff("sq1")
        establishment = cafe(people["agent"], cin="C900001")
        user = people["agent"]
        for source, target in itertools.permutations(RequestStatus.values, 2):
            request = _request(establishment, user, source)
            accepted = _sql(
                "UPDATE police_request SET status = %s, decision_reason = 'r', decided_by_id = %s,"
                " decided_at = now() WHERE id = %s",
                [target, user.pk, request.pk],
            )
            assert accepted == (target in REQUEST_TRANSITIONS[source]), (source, target)
        request = _request(establishment, user)
        assert not _sql("UPDATE police_request SET number = number + 1000 WHERE id = %s", [request.pk])
        assert not _sql("DELETE FROM police_request WHERE id = %s", [request.pk])


def _authorisation(establishment, user, status: str) -> Authorisation:
    authorisation = Authorisation.objects.create(
        kind="economic",
        year=1999,
        number=next(_n),
        code=f"T{next(_n):09d}",
        request=_request(establishment, user, "granted"),
        establishment=establishment,
        holder_name="X",
        holder_identifier="C1",
        activity_label="Café",
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate(),
        granted_by=user,
        granted_at=timezone.now(),
    )
    if status != "active":
        with connection.cursor() as cursor:
            cursor.execute("UPDATE police_authorisation SET status = %s WHERE id = %s", [status, authorisation.pk])
    return authorisation


def test_every_authorisation_transition_in_sql_exactly_as_the_table(fes) -> None:
    with schema_context("fes"):
        people = staff("sq2")
        establishment = cafe(people["agent"], cin="C900002")
        user = people["agent"]
        for source, target in itertools.permutations(AuthorisationStatus.values, 2):
            authorisation = _authorisation(establishment, user, source)
            accepted = _sql("UPDATE police_authorisation SET status = %s WHERE id = %s", [target, authorisation.pk])
            assert accepted == (target in AUTHORISATION_TRANSITIONS[source]), (source, target)
        # personal: the holder, the validity, the surface never change; never deleted; granted in force only
        authorisation = _authorisation(establishment, user, "active")
        for column, value in (("holder_name", "Y"), ("valid_until", "2099-01-01"), ("number", 999999)):
            assert not _sql(f"UPDATE police_authorisation SET {column} = %s WHERE id = %s", [value, authorisation.pk])
        assert not _sql("DELETE FROM police_authorisation WHERE id = %s", [authorisation.pk])
        with pytest.raises(DatabaseError, match="granted in force"), transaction.atomic():
            Authorisation.objects.create(
                kind="economic",
                year=1999,
                number=next(_n),
                code=f"T{next(_n):09d}",
                request=_request(establishment, user, "granted"),
                establishment=establishment,
                holder_name="X",
                holder_identifier="C1",
                activity_label="Café",
                valid_from=timezone.localdate(),
                valid_until=timezone.localdate(),
                granted_by=user,
                granted_at=timezone.now(),
                status="withdrawn",
            )


def _fee_bearing(establishment, user, **revenue) -> None:
    Authorisation.objects.create(
        kind="occupation",
        year=1999,
        number=next(_n),
        code=f"T{next(_n):09d}",
        request=_request(establishment, user, "granted"),
        establishment=establishment,
        holder_name="X",
        holder_identifier="C1",
        activity_label="Café",
        occupation_type="terrace",
        surface_m2=24,
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate(),
        fee_tax_code="ODP",
        granted_by=user,
        granted_at=timezone.now(),
        **revenue,
    )


def test_an_active_authorisation_needs_its_revenue_line_and_its_ordre(fes) -> None:
    with schema_context("fes"):
        people = staff("sq3")
        establishment = cafe(people["agent"], cin="C900003")
        user = people["agent"]
        # no revenue line at all: the CHECK refuses at once
        with pytest.raises(IntegrityError, match="police_authorisation_revenue_line"), transaction.atomic():
            _fee_bearing(establishment, user)
        # a revenue line but no ordre de recette by the end of the transaction: the deferred trigger refuses
        with pytest.raises(DatabaseError, match="without its ordre de recette"), transaction.atomic():
            _fee_bearing(establishment, user, regie_redevable_id=1, regie_asset_id=1)
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        assert not Authorisation.objects.filter(kind="occupation", year=1999).exists()


def test_histories_are_append_only_and_an_inquiry_closes_once(fes) -> None:
    with schema_context("fes"):
        authorisation = granted_terrace(staff("sq4"), cin="C900004")
        for table in ("police_authorisationevent", "police_revenueperiod", "police_avis"):
            assert not _sql(f"UPDATE {table} SET id = id WHERE id > 0", [])  # noqa: S608 (our table names)
            assert not _sql(f"DELETE FROM {table} WHERE id > 0", [])  # noqa: S608
        assert not _sql("TRUNCATE police_revenueperiod CASCADE", [])
        assert authorisation.periods.count() == 1
