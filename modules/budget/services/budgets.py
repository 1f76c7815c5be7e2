"""The budget and its states (draft, voted, approved, in execution, closed), its lines' forecasts, and the
checks the other writes share."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from jamaa.platform.core.services import audit_record

from .. import exceptions, permissions
from ..models import BUDGET_TRANSITIONS, Budget, BudgetLine, BudgetStatus, NomenclatureEntry
from .nomenclature import DEFAULT_NOMENCLATURE, nomenclature_load

CENT = Decimal("0.01")


def _require(ok: bool) -> None:
    if not ok:
        raise exceptions.NotAllowed()


def _amount(value: Any, field: str = "amount_dh", *, positive: bool = True) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, ValueError):
        raise exceptions.Invalid(extra={"fields": {field: ["not an amount"]}}) from None
    if (positive and amount <= 0) or (not positive and amount < 0) or amount >= Decimal("1e14"):
        raise exceptions.Invalid(extra={"fields": {field: ["out of range"]}})
    return amount


def _text(value: str, field: str, *, max_length: int = 200, required: bool = True) -> str:
    text = " ".join((value or "").split())
    if (required and not text) or len(text) > max_length:
        raise exceptions.Invalid(extra={"fields": {field: ["required" if not text else "too long"]}})
    return text


@transaction.atomic
def budget_create(*, actor: Any, year: int, nomenclature_version: str = DEFAULT_NOMENCLATURE) -> Budget:
    """A draft budget for the exercice with every line of the nomenclature; forecasts start from the previous
    exercice's credits when there is one, else 0. Raises NotAllowed, Invalid, BudgetExists, NomenclatureUnknown.
    Writes the budget, its lines, audit."""
    _require(permissions.is_service(actor))
    if not 2000 <= year <= 2100:
        raise exceptions.Invalid(extra={"fields": {"year": ["out of range"]}})
    if Budget.objects.filter(year=year).exists():
        raise exceptions.BudgetExists(extra={"year": year})
    nomenclature_load(version=nomenclature_version)
    budget = Budget.objects.create(year=year, nomenclature_version=nomenclature_version, created_by=actor)
    previous = {
        (p.direction, p.part, p.chapter, p.article, p.line): p.forecast_dh + p.adjustments_dh
        for p in BudgetLine.objects.filter(budget__year=year - 1)
    }
    BudgetLine.objects.bulk_create(
        BudgetLine(
            budget=budget,
            direction=n.direction,
            part=n.part,
            chapter=n.chapter,
            chapter_fr=n.chapter_fr,
            chapter_ar=n.chapter_ar,
            article=n.article,
            line=n.line,
            code_eco=n.code_eco,
            label_fr=n.label_fr,
            label_ar=n.label_ar,
            forecast_dh=previous.get((n.direction, n.part, n.chapter, n.article, n.line), Decimal(0)),
        )
        for n in NomenclatureEntry.objects.filter(version=nomenclature_version)
    )
    audit_record(actor=actor, action="budget.budget.created", target=budget, data={"year": year})
    return budget


def _locked_budget(budget_id: int) -> Budget:
    budget = Budget.objects.select_for_update(no_key=True).filter(pk=budget_id).first()
    if budget is None:
        raise exceptions.BudgetNotFound()
    return budget


@transaction.atomic
def line_forecast_set(*, actor: Any, line_id: int, forecast_dh: Any) -> BudgetLine:
    """Set a line's forecast while the budget is a draft. Raises NotAllowed, LineNotFound, NotDraft, Invalid.
    Writes the line, audit."""
    _require(permissions.is_service(actor))
    line = BudgetLine.objects.select_for_update(no_key=True).select_related("budget").filter(pk=line_id).first()
    if line is None:
        raise exceptions.LineNotFound()
    if line.budget.status != BudgetStatus.DRAFT:
        raise exceptions.NotDraft()
    amount = _amount(forecast_dh, "forecast_dh", positive=False)
    before = line.forecast_dh
    line.forecast_dh = amount
    line.save(update_fields=["forecast_dh"])
    audit_record(
        actor=actor,
        action="budget.line.forecast_set",
        target=line,
        data={"code": line.code, "before": str(before), "after": str(amount)},
    )
    return line


def _move(budget: Budget, to: str) -> None:
    if to not in BUDGET_TRANSITIONS[budget.status]:
        raise exceptions.TransitionRefused(extra={"from": budget.status, "to": to})


@transaction.atomic
def budget_vote(
    *, actor: Any, budget_id: int, council_session: str, voted_on: dt.date, deliberation_number: str
) -> Budget:
    """Record the council's vote (session, date, délibération number): draft → voted. Raises NotAllowed,
    BudgetNotFound, TransitionRefused, Invalid. Writes the budget, audit."""
    _require(permissions.is_staff(actor))
    budget = _locked_budget(budget_id)
    _move(budget, BudgetStatus.VOTED)
    budget.council_session = _text(council_session, "council_session")
    budget.deliberation_number = _text(deliberation_number, "deliberation_number", max_length=50)
    budget.voted_on = voted_on
    budget.status = BudgetStatus.VOTED
    budget.save(update_fields=["council_session", "deliberation_number", "voted_on", "status"])
    audit_record(
        actor=actor,
        action="budget.budget.voted",
        target=budget,
        data={"session": budget.council_session, "deliberation": budget.deliberation_number, "on": str(voted_on)},
    )
    return budget


@transaction.atomic
def budget_approve(*, actor: Any, budget_id: int, approved_on: dt.date, approval_reference: str) -> Budget:
    """Record the authority's approval (visa): voted → approved; the credits open. Raises NotAllowed,
    BudgetNotFound, TransitionRefused, Invalid. Writes the budget, audit."""
    _require(permissions.is_staff(actor))
    budget = _locked_budget(budget_id)
    _move(budget, BudgetStatus.APPROVED)
    if budget.voted_on is not None and approved_on < budget.voted_on:
        raise exceptions.Invalid(extra={"fields": {"approved_on": ["before the vote"]}})
    budget.approval_reference = _text(approval_reference, "approval_reference", max_length=100)
    budget.approved_on = approved_on
    budget.status = BudgetStatus.APPROVED
    budget.save(update_fields=["approval_reference", "approved_on", "status"])
    audit_record(
        actor=actor,
        action="budget.budget.approved",
        target=budget,
        data={"reference": budget.approval_reference, "on": str(approved_on)},
    )
    return budget


@transaction.atomic
def budget_execute(*, actor: Any, budget_id: int) -> Budget:
    """Start the execution of an approved budget: approved → executing. Raises NotAllowed, BudgetNotFound,
    TransitionRefused. Writes the budget, audit."""
    _require(permissions.is_staff(actor))
    budget = _locked_budget(budget_id)
    _move(budget, BudgetStatus.EXECUTING)
    budget.status = BudgetStatus.EXECUTING
    budget.save(update_fields=["status"])
    audit_record(actor=actor, action="budget.budget.executing", target=budget)
    return budget


@transaction.atomic
def budget_close(*, actor: Any, budget_id: int, closed_on: dt.date) -> Budget:
    """Close the exercice (the administrative account is then final): executing → closed. Raises NotAllowed,
    BudgetNotFound, TransitionRefused. Writes the budget, audit."""
    _require(permissions.is_ordonnateur(actor))
    budget = _locked_budget(budget_id)
    _move(budget, BudgetStatus.CLOSED)
    budget.status = BudgetStatus.CLOSED
    budget.closed_on = closed_on
    budget.save(update_fields=["status", "closed_on"])
    audit_record(actor=actor, action="budget.budget.closed", target=budget, data={"on": str(closed_on)})
    return budget
