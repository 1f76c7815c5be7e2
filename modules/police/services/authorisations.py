"""An authorisation's life: suspended, withdrawn, reinstated; the daily job (periods, expiries, notices)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from jamaa.modules.regie import services as regie_services
from jamaa.platform.core.services import audit_record

from .. import exceptions, permissions
from ..models import (
    AUTHORISATION_TRANSITIONS,
    Authorisation,
    AuthorisationEvent,
    AuthorisationStatus,
    Notice,
    NoticeKind,
)
from ._common import RENEWAL_NOTICE_DAYS, _clean, _refuse, _require, quarter_of
from .grants import _period_issue

# --- An authorisation's life --------------------------------------------------------------------------------


def _authorisation_move(
    authorisation: Authorisation, to: str, *, by: Any, reason: str, decision: str = ""
) -> Authorisation:
    if to not in AUTHORISATION_TRANSITIONS[authorisation.status]:
        raise exceptions.TransitionRefused(extra={"from": authorisation.status, "to": to})
    before = authorisation.status
    authorisation.status = to
    authorisation.save(update_fields=["status"])
    if to in (AuthorisationStatus.WITHDRAWN, AuthorisationStatus.EXPIRED) and authorisation.regie_asset_id:
        # no more periods: the régie's bien stops owing (its audit list would show it next exercice)
        regie_services.police_revenue_line_close(by=by, asset_id=authorisation.regie_asset_id, reason=reason)
    AuthorisationEvent.objects.create(
        authorisation=authorisation, from_status=before, to_status=to, reason=reason, decision=decision, by=by
    )
    audit_record(
        actor=by,
        action=f"police.authorisation.{to}",
        target=authorisation,
        reason=reason,
        data={"from": before, "decision": decision},
    )
    return authorisation


@transaction.atomic
def authorisation_decide(
    *, actor: Any, authorisation_id: int, to_status: str, reason: str, decision: str, on: dt.date | None = None
) -> Authorisation:
    """Suspend, withdraw or reinstate (back in force) an authorisation, with the reason and the decision (arrêté)
    it rests on, on `on` (today by default). A suspended authorisation is not billed: the daily job issues no
    ordre while it lasts, even when a new quarter (or year) begins; reinstated, it gets at once the ordre of the
    quarter it is back in (if not issued yet), and the quarters wholly suspended are never billed. Raises
    NotADecisionMaker, AuthorisationNotFound, TransitionRefused, Invalid, RevenueRefused."""
    _require(permissions.is_decider(actor), exceptions.NotADecisionMaker)
    if to_status not in (AuthorisationStatus.SUSPENDED, AuthorisationStatus.WITHDRAWN, AuthorisationStatus.ACTIVE):
        raise _refuse(to_status="Suspend, withdraw or reinstate.")
    if not _clean(reason) or not _clean(decision):
        raise _refuse(**{k: "Required." for k, v in (("reason", reason), ("decision", decision)) if not _clean(v)})
    authorisation = Authorisation.objects.select_for_update().filter(pk=authorisation_id).first()
    if authorisation is None:
        raise exceptions.AuthorisationNotFound()
    _authorisation_move(
        authorisation, to_status, by=actor, reason=str(reason).strip()[:1000], decision=_clean(decision)[:100]
    )
    day = on or timezone.localdate()
    if to_status == AuthorisationStatus.ACTIVE and _billed_by_period(authorisation):
        start = quarter_of(day)[1]
        if (
            authorisation.valid_from <= day <= authorisation.valid_until
            and not authorisation.periods.filter(start__gte=start).exists()
        ):
            _period_issue(authorisation, on=day, by=actor)
    return authorisation


def _billed_by_period(authorisation: Authorisation) -> bool:
    return bool(authorisation.fee_tax_code) and not authorisation.fee_on_declarations


@dataclass(frozen=True)
class DailyRun:
    expired: int
    ordres: int
    notices: int


@transaction.atomic
def commune_daily(*, on: dt.date | None = None) -> DailyRun:
    """The day's work of the commune's police administrative (run by the beat, once a day per commune): each
    fee-bearing authorisation in force (not suspended; its tax not declared) gets the ordre of every quarter
    started since its last one; holders whose authorisation ends within 30 days are told that the renewal is
    due; authorisations past their end expire (and the holder is told). Idempotent: a second run the same day
    does nothing."""
    today = on or timezone.localdate()
    ordres = 0
    for authorisation in (
        Authorisation.objects.select_for_update()
        .filter(status=AuthorisationStatus.ACTIVE, fee_on_declarations=False)  # suspended: not billed
        .exclude(fee_tax_code="")
        .filter(valid_from__lte=today)
        .order_by("pk")
    ):
        last = authorisation.periods.order_by("-start").first()
        day = (last.end + dt.timedelta(days=1)) if last else authorisation.valid_from
        while day <= min(today, authorisation.valid_until):
            _period_issue(authorisation, on=day, by=authorisation.granted_by)
            ordres += 1
            day = quarter_of(day)[2] + dt.timedelta(days=1)
    expired = 0
    for authorisation in Authorisation.objects.select_for_update().filter(
        status__in=(AuthorisationStatus.ACTIVE, AuthorisationStatus.SUSPENDED), valid_until__lt=today
    ):
        _authorisation_move(authorisation, AuthorisationStatus.EXPIRED, by=None, reason="validity ended")
        expired += 1
    notices = 0
    due = Authorisation.objects.filter(
        status=AuthorisationStatus.ACTIVE, valid_until__lte=today + dt.timedelta(days=RENEWAL_NOTICE_DAYS)
    ).exclude(notices__kind=NoticeKind.RENEWAL_DUE)
    ended = Authorisation.objects.filter(status=AuthorisationStatus.EXPIRED).exclude(notices__kind=NoticeKind.EXPIRED)
    for kind, queryset in ((NoticeKind.RENEWAL_DUE, due), (NoticeKind.EXPIRED, ended)):
        for authorisation in queryset.select_related("establishment"):
            _notice(authorisation, kind=kind)
            notices += 1
    return DailyRun(expired=expired, ordres=ordres, notices=notices)


def _notice(authorisation: Authorisation, *, kind: str) -> Notice:
    """Record the announcement (the service's list shows it) and email the holder when an address is known."""
    email = authorisation.establishment.owner_email
    notice = Notice.objects.create(authorisation=authorisation, kind=kind, sent_to=email)
    audit_record(actor=None, action=f"police.notice.{kind}", target=authorisation, data={"to": email})
    if email:
        subject = (
            f"Renouvellement de l'autorisation {authorisation.reference} / تجديد الرخصة"
            if kind == NoticeKind.RENEWAL_DUE
            else f"Autorisation {authorisation.reference} expirée / انتهت صلاحية الرخصة"
        )
        body = (
            f"{authorisation.holder_name},\n{authorisation.activity_label} — {authorisation.reference}\n"
            f"Valable jusqu'au / صالحة إلى غاية: {authorisation.valid_until.isoformat()}\n"
        )
        transaction.on_commit(lambda: send_mail(subject, body, None, [email], fail_silently=True))
    return notice
