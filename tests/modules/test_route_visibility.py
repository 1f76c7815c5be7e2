"""Every route of a commune's site, as every role: the page, the API route and the document of one resource give
the same answer (allowed everywhere, or refused everywhere with the same 403 or 404).

The URL resolver of commune hosts is walked (pages, /api/ routes, documents and exports of every module); each
route must appear in EXPECTED, an explicit table written from the screens' rules (docs/modules/*.md), not from
the code under test. A route answers once per role: GET for what can be read, an empty POST for what only
writes (an empty POST is refused before its body is read when the role may not write there; a role that may
gets 400 or its form back: "admitted"). Objects come from the modules' services.

Letters, one per role in ROLES order: A admitted (2xx, 3xx elsewhere than the login page, 400, 409), L sent to
log in (the login page, or 401 on the API), D 403, N 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.collecte import services as collecte_services
from jamaa.modules.etatcivil import permissions as ec_permissions
from jamaa.modules.etatcivil import services as ec_services
from jamaa.modules.regie import services as regie_services

pytestmark = pytest.mark.django_db

PASSWORD = "Pass-2026-word!"
ROLES = ("anonymous", "ec_agent", "ec_chief", "percepteur", "regisseur", "device")
TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name" as the resolver knows it
    expect: str  # one letter per role, in ROLES order
    method: str = "GET"
    kwargs: dict[str, str] = field(default_factory=dict)  # URL kwarg → key of the objects made below
    query: dict[str, str] = field(default_factory=dict)  # parameter → literal, or "@key" for an object's id
    group: str = ""  # the resource: every route of a group answers each role alike
    variant: str = ""
    data: dict[str, str] = field(default_factory=dict)  # a POST's body (none: empty)


PUBLIC = "AAAAAA"
SIGNED_IN = "LAAAAL"
NOBODY = "LDDDDL"  # the commune's administrators only (none of these roles)
EC = "LAADDL"  # the civil registry's staff
EC_CHIEF = "LDADDL"  # a chef de bureau (here also the delegated officer)
EC_OFFICER = "LDADDL"  # an officer delegated for the act's bureau (here the chef de bureau)
NOTE = {
    "kind": "rectification",
    "text_ar": "تصحيح",
    "authority": "Tribunal de Fès",
    "document_number": "12/2026",
    "document_date": "2026-01-10",
    "reason": "audit",
}
DOCUMENT = {
    "kind": "full_copy",
    "requester_name": "El Alaoui",
    "requester_capacity": "father",
    "fee_dh": "0",
    "reason": "audit",
}
REGIE = "LDDAAL"  # the régie's staff: percepteur and régisseur
REGISSEUR = "LDDDAL"  # kept for the régisseur
OTHERS_CLOSE = "LDDNAL"  # another's close: "not found" for an agent
COLLECTOR = "LDDAAA"  # the collectors' app, by session or by the device's token
DEVICE_ONLY = "LDDDDA"  # only over a registered device's channel
REGIE_API = "LDDAAL"  # the régie's API (the device's token is not an API token: 401)

EXPECTED: list[Route] = [
    # --- the commune's site --------------------------------------------------------------------------------
    Route("home", PUBLIC),  # visitors: the public home of an enabled module (the citizen portal), else login
    Route("login", PUBLIC),
    Route("logout", PUBLIC, "POST"),
    Route("password_change", SIGNED_IN),
    Route("password_change_done", SIGNED_IN),
    Route("set_language", PUBLIC, "POST"),
    Route("password_set", PUBLIC, kwargs={"uidb64": "=MQ", "token": "=set-password"}),
    Route("password_reset_complete", PUBLIC),
    Route("staff-list", NOBODY),
    Route("staff-create", NOBODY),
    Route("staff-roles", NOBODY, kwargs={"user_id": "percepteur"}),
    Route("staff-active", NOBODY, "POST", kwargs={"user_id": "percepteur"}),
    Route("api-me", SIGNED_IN),
    Route("api-token", PUBLIC, "POST"),
    Route("api-schema", PUBLIC),
    Route("api-docs", PUBLIC),
    Route("login-verify", PUBLIC),  # the second step: without a pending sign-in, back to the first
    Route("login-enrol", PUBLIC),
    Route("account-security", SIGNED_IN),
    Route("document-verify", PUBLIC, kwargs={"kind": "=etatcivil.document", "code": "document_code"}),
    # --- état civil --------------------------------------------------------------------------------------------
    Route("etatcivil:dashboard", EC),
    Route("etatcivil:act-create", EC, group="act.create"),
    Route("etatcivil:api-act-draft", EC, "POST", group="act.create"),
    Route("etatcivil:act-search", EC, query={"q": "Alaoui"}, group="act.search"),
    Route("etatcivil:api-act-search", EC, query={"q": "Alaoui"}, group="act.search"),
    Route("etatcivil:act-review", EC, kwargs={"act_id": "act"}, query={"reason": "audit"}, group="act.read"),
    Route("etatcivil:api-act-read", EC, kwargs={"act_id": "act"}, query={"reason": "audit"}, group="act.read"),
    Route("etatcivil:act-edit", EC, kwargs={"act_id": "draft"}),
    # the officer's acts, with bodies the forms accept: refused to anyone else for want of a delegation
    Route("etatcivil:act-sign", EC_OFFICER, "POST", {"act_id": "draft"}, group="act.sign", data={"reason": "audit"}),
    Route("etatcivil:api-act-sign", EC_OFFICER, "POST", {"act_id": "draft"}, group="act.sign"),
    Route("etatcivil:note-add", EC_OFFICER, "POST", {"act_id": "act"}, group="note.add", data=NOTE),
    Route("etatcivil:api-note-add", EC_OFFICER, "POST", {"act_id": "act"}, group="note.add", data=NOTE),
    Route("etatcivil:document-issue", EC_OFFICER, "POST", {"act_id": "act"}, group="document.issue", data=DOCUMENT),
    Route("etatcivil:api-document-issue", EC_OFFICER, "POST", {"act_id": "act"}, group="document.issue", data=DOCUMENT),
    Route("etatcivil:document-pdf", EC, kwargs={"document_id": "document"}, group="document.pdf"),
    Route("etatcivil:api-document-pdf", EC, kwargs={"document_id": "document"}, group="document.pdf"),
    Route("etatcivil:api-export", EC),
    Route("etatcivil:statistics", EC_CHIEF),
    Route("etatcivil:setup", EC_CHIEF),
    Route("etatcivil:setup-bureau-create", EC_CHIEF, "POST"),
    Route("etatcivil:setup-delegation-grant", EC_CHIEF, "POST"),
    Route("etatcivil:setup-register-close", EC_CHIEF, "POST", kwargs={"register_id": "register"}),
    Route("etatcivil:verify", PUBLIC, kwargs={"code": "document_code"}),
    # --- bureau d'ordre: its clerks and services only (none of these roles) -------------------------------------
    Route("courrier:mail-list", NOBODY, group="mail.list"),
    Route("courrier:api-mail-list", NOBODY, group="mail.list"),
    Route("courrier:mail-register", NOBODY, group="mail.register"),
    Route("courrier:api-mail-register", NOBODY, "POST", group="mail.register"),
    Route("courrier:mail-late", NOBODY),
    Route("courrier:mail-search", NOBODY, query={"q": "Alaoui"}, group="mail.search"),
    Route("courrier:api-mail-search", NOBODY, query={"q": "Alaoui"}, group="mail.search"),
    Route("courrier:correspondent-suggest", NOBODY, query={"q": "Al"}),
    Route("courrier:mail-detail", NOBODY, kwargs={"mail_id": "=1"}, group="mail.read"),
    Route("courrier:api-mail-detail", NOBODY, kwargs={"mail_id": "=1"}, group="mail.read"),
    Route("courrier:mail-route", NOBODY, "POST", {"mail_id": "=1"}, group="mail.route"),
    Route("courrier:api-mail-route", NOBODY, "POST", {"mail_id": "=1"}, group="mail.route"),
    Route("courrier:mail-status", NOBODY, "POST", {"mail_id": "=1"}, group="mail.status"),
    Route("courrier:api-mail-status", NOBODY, "POST", {"mail_id": "=1"}, group="mail.status"),
    Route("courrier:mail-annotate", NOBODY, "POST", {"mail_id": "=1"}, group="mail.annotate"),
    Route("courrier:api-mail-annotate", NOBODY, "POST", {"mail_id": "=1"}, group="mail.annotate"),
    Route("courrier:mail-reply", NOBODY, "POST", {"mail_id": "=1"}, group="mail.reply"),
    Route("courrier:api-mail-reply", NOBODY, "POST", {"mail_id": "=1"}, group="mail.reply"),
    Route("courrier:mail-attach", NOBODY, "POST", {"mail_id": "=1"}, group="mail.attach"),
    Route("courrier:api-mail-attach", NOBODY, "POST", {"mail_id": "=1"}, group="mail.attach"),
    Route("courrier:mail-receipt", NOBODY, kwargs={"mail_id": "=1"}),
    Route("courrier:day-register", NOBODY),
    Route("courrier:task-list", NOBODY, group="task.list"),
    Route("courrier:api-task-list", NOBODY, group="task.list"),
    Route("courrier:task-add", NOBODY, "POST", {"mail_id": "=1"}, group="task.add"),
    Route("courrier:api-task-add", NOBODY, "POST", {"mail_id": "=1"}, group="task.add"),
    Route("courrier:task-done", NOBODY, "POST", {"task_id": "=1"}, group="task.done"),
    Route("courrier:api-task-done", NOBODY, "POST", {"task_id": "=1"}, group="task.done"),
    Route("courrier:mail-receipt-email", NOBODY, "POST", {"mail_id": "=1"}, group="mail.email"),
    Route("courrier:mail-copy", NOBODY, "POST", {"mail_id": "=1"}, group="mail.copy"),
    Route("courrier:api-mail-copy", NOBODY, "POST", {"mail_id": "=1"}, group="mail.copy"),
    Route("courrier:attachment-download", NOBODY, kwargs={"attachment_id": "=1"}, group="mail.scan"),
    Route("courrier:api-attachment", NOBODY, kwargs={"attachment_id": "=1"}, group="mail.scan"),
    Route("courrier:api-mail-receipt-email", NOBODY, "POST", {"mail_id": "=1"}, group="mail.email"),
    # --- régie: the counter ---------------------------------------------------------------------------------
    Route("regie:dashboard", REGIE),
    Route("regie:redevable-search", REGIE, query={"q": "Bennani"}, group="redevables"),
    Route("regie:api-redevables", REGIE_API, query={"q": "Bennani"}, group="redevables"),
    Route("regie:redevable-create", REGIE),
    Route("regie:redevable-detail", REGIE, kwargs={"redevable_id": "person"}, group="redevable"),
    Route("regie:api-redevable", REGIE_API, kwargs={"redevable_id": "person"}, group="redevable"),
    Route("regie:asset-create", REGIE, "POST", kwargs={"redevable_id": "person"}, group="asset.create"),
    Route("regie:api-asset-create", REGIE_API, "POST", kwargs={"redevable_id": "person"}, group="asset.create"),
    Route(
        "regie:asset-deactivate",
        REGISSEUR,
        "POST",
        kwargs={"redevable_id": "company", "asset_id": "asset"},
        group="asset.deactivate",
    ),
    Route("regie:api-asset-deactivate", REGISSEUR, "POST", kwargs={"asset_id": "asset"}, group="asset.deactivate"),
    Route("regie:counter-pay", REGIE, kwargs={"redevable_id": "person"}),
    Route("regie:liquidation-create", REGIE, kwargs={"redevable_id": "person"}, group="liquidation.create"),
    Route("regie:api-liquidation-create", REGIE_API, "POST", group="liquidation.create"),
    Route("regie:liquidation-detail", REGIE, kwargs={"liquidation_id": "liquidation"}, group="liquidation"),
    Route("regie:api-liquidation", REGIE_API, kwargs={"liquidation_id": "liquidation"}, group="liquidation"),
    Route("regie:liquidation-pay", REGIE, "POST", kwargs={"liquidation_id": "liquidation"}, group="liquidation.pay"),
    Route(
        "regie:api-liquidation-pay",
        REGIE_API,
        "POST",
        kwargs={"liquidation_id": "liquidation"},
        group="liquidation.pay",
    ),
    Route("regie:liquidation-cancel", REGIE, "POST", kwargs={"liquidation_id": "liquidation"}),
    # quittances: any of the staff reads any quittance (a payer comes back for a copy), a day's list is one's own
    Route("regie:quittance-list", REGIE, group="quittances.day"),
    Route("regie:api-quittances", REGIE_API, group="quittances.day"),
    Route("regie:api-quittances", REGISSEUR, query={"agent_id": "@agent2"}, variant="another agent's"),
    Route("regie:quittance-detail", REGIE, kwargs={"quittance_id": "quittance2"}, group="quittance"),
    Route("regie:api-quittance", REGIE_API, kwargs={"quittance_id": "quittance2"}, group="quittance"),
    Route("regie:doc-quittance", REGIE, kwargs={"quittance_id": "quittance2"}, group="quittance"),
    Route("regie:doc-quittance-ticket", REGIE, kwargs={"quittance_id": "quittance2"}, group="quittance"),
    Route("regie:cancellation-request", REGIE, "POST", kwargs={"quittance_id": "quittance"}, group="cancellation.ask"),
    Route(
        "regie:api-cancellation-request",
        REGIE_API,
        "POST",
        kwargs={"quittance_id": "quittance"},
        group="cancellation.ask",
    ),
    Route("regie:cancellations", REGISSEUR, group="cancellations"),
    Route("regie:api-cancellations", REGISSEUR, group="cancellations"),
    Route(
        "regie:cancellation-decide", REGISSEUR, "POST", kwargs={"request_id": "cancellation"}, group="cancellation.do"
    ),
    Route(
        "regie:api-cancellation-decide",
        REGISSEUR,
        "POST",
        kwargs={"request_id": "cancellation"},
        group="cancellation.do",
    ),
    # --- régie: the day and its closes ------------------------------------------------------------------------
    Route("regie:close", REGIE, group="day"),
    Route("regie:api-day-summary", REGIE_API, group="day"),
    Route("regie:api-day-summary", REGISSEUR, query={"agent_id": "@agent2"}, variant="another agent's"),
    Route("regie:api-day-close", REGIE_API, "POST"),
    Route("regie:versement-list", REGIE, group="versements"),
    Route("regie:api-versements", REGIE_API, group="versements"),
    Route("regie:versement-detail", REGIE, kwargs={"versement_id": "own_close"}, group="close.own", variant="own"),
    Route("regie:api-versement", REGIE_API, kwargs={"versement_id": "own_close"}, group="close.own", variant="own"),
    Route("regie:doc-releve", REGIE, kwargs={"versement_id": "own_close"}, group="close.own", variant="own"),
    Route(
        "regie:versement-detail",
        OTHERS_CLOSE,
        kwargs={"versement_id": "other_close"},
        group="close.other",
        variant="another agent's",
    ),
    Route(
        "regie:api-versement",
        OTHERS_CLOSE,
        kwargs={"versement_id": "other_close"},
        group="close.other",
        variant="another agent's",
    ),
    Route(
        "regie:doc-releve",
        OTHERS_CLOSE,
        kwargs={"versement_id": "other_close"},
        group="close.other",
        variant="another agent's",
    ),
    Route(
        "regie:versement-detail",
        OTHERS_CLOSE,
        kwargs={"versement_id": "regie_close"},
        group="close.regie",
        variant="the régisseur's",
    ),
    Route(
        "regie:api-versement",
        OTHERS_CLOSE,
        kwargs={"versement_id": "regie_close"},
        group="close.regie",
        variant="the régisseur's",
    ),
    Route(
        "regie:doc-releve",
        OTHERS_CLOSE,
        kwargs={"versement_id": "regie_close"},
        group="close.regie",
        variant="the régisseur's",
    ),
    Route("regie:versement-reference", REGISSEUR, "POST", kwargs={"versement_id": "regie_close"}, group="treasury"),
    Route(
        "regie:api-versement-treasury-reference",
        REGISSEUR,
        "POST",
        kwargs={"versement_id": "regie_close"},
        group="treasury",
    ),
    # --- régie: kept for the régisseur ------------------------------------------------------------------------
    Route("regie:ordre-list", REGISSEUR, group="ordres"),
    Route("regie:api-ordres", REGISSEUR, group="ordres"),
    Route("regie:ordre-issue", REGISSEUR, "POST"),
    Route("regie:ordre-detail", REGISSEUR, kwargs={"ordre_id": "ordre"}, group="ordre"),
    Route("regie:api-ordre", REGISSEUR, kwargs={"ordre_id": "ordre"}, group="ordre"),
    Route("regie:doc-ordre", REGISSEUR, kwargs={"ordre_id": "ordre"}, group="ordre"),
    Route("regie:ordre-transition", REGISSEUR, "POST", kwargs={"ordre_id": "ordre"}, group="ordre.move"),
    Route("regie:api-ordre-transition", REGISSEUR, "POST", kwargs={"ordre_id": "ordre"}, group="ordre.move"),
    Route("regie:bordereau-list", REGISSEUR, group="bordereaux"),
    Route("regie:api-bordereaux", REGISSEUR, group="bordereaux"),
    Route("regie:bordereau-create", REGISSEUR, "POST"),
    Route("regie:bordereau-detail", REGISSEUR, kwargs={"bordereau_id": "bordereau"}, group="bordereau"),
    Route("regie:doc-bordereau", REGISSEUR, kwargs={"bordereau_id": "bordereau"}, group="bordereau"),
    Route("regie:bordereau-take", REGISSEUR, "POST", kwargs={"bordereau_id": "bordereau"}, group="bordereau.take"),
    Route(
        "regie:api-bordereau-take-in-charge",
        REGISSEUR,
        "POST",
        kwargs={"bordereau_id": "bordereau"},
        group="bordereau.take",
    ),
    Route("regie:restes", REGISSEUR, group="restes"),
    Route("regie:api-restes", REGISSEUR, group="restes"),
    Route("regie:doc-restes", REGISSEUR, group="restes"),
    Route("regie:journal", REGISSEUR, group="journal"),
    Route("regie:api-journal", REGISSEUR, group="journal"),
    Route("regie:export", REGISSEUR, query={"start": "2026-01-01", "end": "2026-12-31"}, group="receipts"),
    Route("regie:api-receipts-csv", REGISSEUR, query={"year": "2026"}, group="receipts"),
    Route("regie:audit", REGISSEUR),
    Route("regie:incident-list", REGISSEUR),
    # --- régie: the reference (read by the staff, kept by the régisseur) ----------------------------------------
    Route("regie:api-reference", REGIE_API),
    Route("regie:api-regie", REGIE_API),
    Route("regie:api-budget-lines", REGIE_API),
    Route("regie:api-staff", REGIE_API),
    Route("regie:api-taxes", REGIE_API),
    Route("regie:api-tax-tariffs", REGIE_API, kwargs={"tax_id": "tax"}),
    Route("regie:setup", REGISSEUR),
    Route("regie:setup-defaults", REGISSEUR, "POST"),
    Route("regie:setup-regie", REGISSEUR, "POST"),
    Route("regie:setup-budget-line", REGISSEUR, "POST"),
    Route("regie:setup-appoint", REGISSEUR, "POST"),
    Route("regie:setup-staff-end", REGISSEUR, "POST", kwargs={"staff_id": "appointment"}, group="staff.end"),
    Route("regie:api-staff-end", REGISSEUR, "POST", kwargs={"staff_id": "appointment"}, group="staff.end"),
    Route("regie:setup-tax", REGISSEUR, "POST"),
    Route("regie:setup-tariff", REGISSEUR, "POST", kwargs={"tax_id": "tax"}),
    Route("regie:verify", PUBLIC, kwargs={"code": "quittance_code"}),
    # --- the collectors' app ----------------------------------------------------------------------------------
    Route("collecte:app", PUBLIC),
    Route("collecte:manifest", PUBLIC),
    Route("collecte:service-worker", PUBLIC),
    Route("collecte:offline", PUBLIC),
    Route("collecte:supervision", REGISSEUR),
    Route("collecte:device-revoke", REGIE, "POST", kwargs={"device_id": "spare_device"}, group="device.revoke"),
    Route("collecte:api-device-revoke", COLLECTOR, "POST", kwargs={"device_id": "spare_device"}, group="device.revoke"),
    Route("collecte:api-device-register", PUBLIC, "POST"),
    Route("collecte:api-device-list", COLLECTOR),
    Route("collecte:api-session", DEVICE_ONLY),
    Route("collecte:api-blocks", DEVICE_ONLY),
    Route("collecte:api-block-return", DEVICE_ONLY, "POST", kwargs={"block_id": "block"}),
    Route("collecte:api-gaps", COLLECTOR),
    Route("collecte:api-reference", COLLECTOR),
    Route("collecte:api-payments", DEVICE_ONLY, "POST"),
    Route("collecte:api-close", DEVICE_ONLY, "POST"),
    Route("collecte:api-cancellations", COLLECTOR, "POST"),
    # --- police administrative: none of these roles (its agents, decision makers and inspectors have their own);
    # the public register of authorisations in force is open (the portal's) --------------------------------------
    Route("police:home", NOBODY),
    Route("police:establishment-list", NOBODY, group="police.establishments"),
    Route("police:api-establishment-list", NOBODY, group="police.establishments"),
    Route("police:establishment-create", NOBODY, group="police.establishment.new"),
    Route("police:api-establishment-create", NOBODY, "POST", group="police.establishment.new"),
    Route("police:establishment-detail", NOBODY, kwargs={"establishment_id": "=1"}),
    Route("police:request-submit", NOBODY, kwargs={"establishment_id": "=1"}, group="police.request.new"),
    Route("police:api-request-submit", NOBODY, "POST", group="police.request.new"),
    Route("police:inspection-record", NOBODY, kwargs={"establishment_id": "=1"}, group="police.inspection.new"),
    Route("police:api-inspection-record", NOBODY, "POST", group="police.inspection.new"),
    Route("police:request-list", NOBODY, group="police.requests"),
    Route("police:api-request-list", NOBODY, group="police.requests"),
    Route("police:request-detail", NOBODY, kwargs={"request_id": "=1"}, group="police.request"),
    Route("police:api-request-detail", NOBODY, kwargs={"request_id": "=1"}, group="police.request"),
    Route("police:request-minutes", NOBODY, kwargs={"request_id": "=1"}, group="police.request"),
    Route("police:request-receipt", NOBODY, kwargs={"request_id": "=1"}, group="police.request"),
    Route("police:inquiry-notice", NOBODY, kwargs={"request_id": "=1"}, group="police.request"),
    Route("police:inquiry-open", NOBODY, "POST", {"request_id": "=1"}, group="police.inquiry"),
    Route("police:api-inquiry-open", NOBODY, "POST", {"request_id": "=1"}, group="police.inquiry"),
    Route("police:objection-record", NOBODY, "POST", {"request_id": "=1"}, group="police.objection"),
    Route("police:api-objection", NOBODY, "POST", {"request_id": "=1"}, group="police.objection"),
    Route("police:inquiry-close", NOBODY, "POST", {"request_id": "=1"}, group="police.inquiry.close"),
    Route("police:api-inquiry-close", NOBODY, "POST", {"request_id": "=1"}, group="police.inquiry.close"),
    Route("police:request-commission", NOBODY, "POST", {"request_id": "=1"}, group="police.commission"),
    Route("police:api-commission", NOBODY, "POST", {"request_id": "=1"}, group="police.commission"),
    Route("police:avis-record", NOBODY, "POST", {"request_id": "=1"}, group="police.avis"),
    Route("police:api-avis", NOBODY, "POST", {"request_id": "=1"}, group="police.avis"),
    Route("police:request-grant", NOBODY, "POST", {"request_id": "=1"}, group="police.grant"),
    Route("police:api-grant", NOBODY, "POST", {"request_id": "=1"}, group="police.grant"),
    Route("police:request-refuse", NOBODY, "POST", {"request_id": "=1"}, group="police.refuse"),
    Route("police:api-refuse", NOBODY, "POST", {"request_id": "=1"}, group="police.refuse"),
    Route("police:authorisation-list", NOBODY, group="police.authorisations"),
    Route("police:api-authorisation-list", NOBODY, group="police.authorisations"),
    Route("police:authorisation-detail", NOBODY, kwargs={"authorisation_id": "=1"}, group="police.authorisation"),
    Route("police:api-authorisation", NOBODY, kwargs={"authorisation_id": "=1"}, group="police.authorisation"),
    Route("police:authorisation-pdf", NOBODY, kwargs={"authorisation_id": "=1"}, group="police.authorisation"),
    Route("police:authorisation-decide", NOBODY, "POST", {"authorisation_id": "=1"}, group="police.decide"),
    Route("police:api-authorisation-decide", NOBODY, "POST", {"authorisation_id": "=1"}, group="police.decide"),
    Route("police:inspection-list", NOBODY),
    Route("police:inspection-detail", NOBODY, kwargs={"inspection_id": "=1"}, group="police.inspection"),
    Route("police:api-inspection", NOBODY, kwargs={"inspection_id": "=1"}, group="police.inspection"),
    Route("police:inspection-pv", NOBODY, kwargs={"inspection_id": "=1"}, group="police.inspection"),
    Route("police:inspection-photo", NOBODY, kwargs={"inspection_id": "=1", "photo_id": "=1"}),
    Route("police:sanction-impose", NOBODY, "POST", {"inspection_id": "=1"}, group="police.sanction"),
    Route("police:api-sanction", NOBODY, "POST", {"inspection_id": "=1"}, group="police.sanction"),
    Route("police:sanction-resolve", NOBODY, "POST", {"inspection_id": "=1", "sanction_id": "=1"}),
    Route("police:register", NOBODY),
    Route("police:api-register", PUBLIC),
    # --- budget: none of these roles has a budget role (budget_service, budget_ordonnateur, budget_council) ---
    Route("budget:budget-list", NOBODY),
    Route("budget:budget-create", NOBODY, "POST"),
    Route("budget:budget-detail", NOBODY, kwargs={"budget_id": "=1"}),
    Route("budget:budget-vote", NOBODY, "POST", {"budget_id": "=1"}),
    Route("budget:budget-approve", NOBODY, "POST", {"budget_id": "=1"}),
    Route("budget:budget-execute", NOBODY, "POST", {"budget_id": "=1"}),
    Route("budget:budget-close", NOBODY, "POST", {"budget_id": "=1"}),
    Route("budget:budget-forecasts", NOBODY, kwargs={"budget_id": "=1"}),
    Route("budget:credits", NOBODY, kwargs={"budget_id": "=1"}),
    Route("budget:credit-amend", NOBODY, "POST", {"budget_id": "=1"}),
    Route("budget:credit-transfer", NOBODY, "POST", {"budget_id": "=1"}),
    Route("budget:engagement-list", NOBODY, kwargs={"budget_id": "=1"}),
    Route("budget:engagement-propose", NOBODY, "POST", {"budget_id": "=1"}),
    Route("budget:gid-xlsx", NOBODY, kwargs={"budget_id": "=1"}),
    Route("budget:execution-csv", NOBODY, kwargs={"budget_id": "=1"}),
    Route("budget:account-pdf", NOBODY, kwargs={"budget_id": "=1"}),
    Route("budget:engagement-detail", NOBODY, kwargs={"engagement_id": "=1"}),
    Route("budget:engagement-approve", NOBODY, "POST", {"engagement_id": "=1"}),
    Route("budget:engagement-reject", NOBODY, "POST", {"engagement_id": "=1"}),
    Route("budget:liquidation-record", NOBODY, "POST", {"engagement_id": "=1"}),
    Route("budget:order-issue", NOBODY, "POST", {"engagement_id": "=1", "liquidation_id": "=1"}),
    Route("budget:payment-record", NOBODY, "POST", {"engagement_id": "=1", "order_id": "=1"}),
    Route("budget:order-pdf", NOBODY, kwargs={"order_id": "=1"}),
    Route("budget:api-budget-list", NOBODY),
    Route("budget:api-budget-create", NOBODY, "POST"),
    Route("budget:api-budget-detail", NOBODY, kwargs={"budget_id": "=1"}),
    Route("budget:api-budget-vote", NOBODY, "POST", {"budget_id": "=1"}),
    Route("budget:api-budget-approve", NOBODY, "POST", {"budget_id": "=1"}),
    Route("budget:api-budget-execute", NOBODY, "POST", {"budget_id": "=1"}),
    Route("budget:api-budget-close", NOBODY, "POST", {"budget_id": "=1"}),
    Route("budget:api-execution", NOBODY, kwargs={"budget_id": "=1"}),
    Route("budget:api-engagement-list", NOBODY, kwargs={"budget_id": "=1"}),
    Route("budget:api-line-forecast", NOBODY, "POST", {"line_id": "=1"}),
    Route("budget:api-credit-amend", NOBODY, "POST", {"line_id": "=1"}),
    Route("budget:api-credit-transfer", NOBODY, "POST"),
    Route("budget:api-engagement-propose", NOBODY, "POST"),
    Route("budget:api-engagement-detail", NOBODY, kwargs={"engagement_id": "=1"}),
    Route("budget:api-engagement-approve", NOBODY, "POST", {"engagement_id": "=1"}),
    Route("budget:api-engagement-reject", NOBODY, "POST", {"engagement_id": "=1"}),
    Route("budget:api-liquidation-record", NOBODY, "POST", {"engagement_id": "=1"}),
    Route("budget:api-order-issue", NOBODY, "POST", {"liquidation_id": "=1"}),
    Route("budget:api-payment-record", NOBODY, "POST", {"order_id": "=1"}),
    # parc automobile: none of these roles manage the fleet or work at its garage (parc_manager, parc_garage)
    Route("parc:vehicle-list", NOBODY, group="parc.vehicles"),
    Route("parc:api-vehicle-list", NOBODY, group="parc.vehicles"),
    Route("parc:vehicle-create", NOBODY, group="parc.vehicle.create"),
    Route("parc:api-vehicle-create", NOBODY, "POST", group="parc.vehicle.create"),
    Route("parc:vehicle-detail", NOBODY, kwargs={"vehicle_id": "=1"}, group="parc.vehicle"),
    Route("parc:api-vehicle-detail", NOBODY, kwargs={"vehicle_id": "=1"}, group="parc.vehicle"),
    Route("parc:vehicle-state", NOBODY, "POST", {"vehicle_id": "=1"}, group="parc.state"),
    Route("parc:api-vehicle-state", NOBODY, "POST", {"vehicle_id": "=1"}, group="parc.state"),
    Route("parc:vehicle-assign", NOBODY, "POST", {"vehicle_id": "=1"}, group="parc.assign"),
    Route("parc:api-assignment-start", NOBODY, "POST", {"vehicle_id": "=1"}, group="parc.assign"),
    Route("parc:assignment-end", NOBODY, "POST", {"vehicle_id": "=1", "assignment_id": "=1"}, group="parc.end"),
    Route("parc:api-assignment-end", NOBODY, "POST", {"assignment_id": "=1"}, group="parc.end"),
    Route("parc:vehicle-document", NOBODY, "POST", {"vehicle_id": "=1"}, group="parc.document"),
    Route("parc:api-document-add", NOBODY, "POST", {"vehicle_id": "=1"}, group="parc.document"),
    Route("parc:vehicle-reading", NOBODY, "POST", {"vehicle_id": "=1"}, group="parc.reading"),
    Route("parc:api-reading", NOBODY, "POST", {"vehicle_id": "=1"}, group="parc.reading"),
    Route("parc:vehicle-maintenance", NOBODY, "POST", {"vehicle_id": "=1"}, group="parc.maintenance"),
    Route("parc:api-maintenance", NOBODY, "POST", {"vehicle_id": "=1"}, group="parc.maintenance"),
    Route("parc:vehicle-logbook", NOBODY, kwargs={"vehicle_id": "=1"}, group="parc.logbook"),
    Route("parc:api-logbook", NOBODY, kwargs={"vehicle_id": "=1"}, group="parc.logbook"),
    Route("parc:api-consumption", NOBODY, kwargs={"vehicle_id": "=1"}),
    Route("parc:book-list", NOBODY, group="parc.books"),
    Route("parc:api-book-list", NOBODY, group="parc.books"),
    Route("parc:api-book-issue", NOBODY, "POST"),
    Route("parc:book-detail", NOBODY, kwargs={"book_id": "=1"}, group="parc.book"),
    Route("parc:api-book-detail", NOBODY, kwargs={"book_id": "=1"}, group="parc.book"),
    Route("parc:book-pdf", NOBODY, kwargs={"book_id": "=1"}, group="parc.book"),
    Route("parc:voucher-find", NOBODY, query={"reference": "1"}, group="parc.voucher.find"),
    Route("parc:api-voucher-find", NOBODY, query={"reference": "1"}, group="parc.voucher.find"),
    Route("parc:voucher-detail", NOBODY, kwargs={"voucher_id": "=1"}, group="parc.voucher"),
    Route("parc:api-voucher-detail", NOBODY, kwargs={"voucher_id": "=1"}, group="parc.voucher"),
    Route("parc:voucher-use", NOBODY, "POST", {"voucher_id": "=1"}, group="parc.voucher.use"),
    Route("parc:api-voucher-use", NOBODY, "POST", {"voucher_id": "=1"}, group="parc.voucher.use"),
    Route("parc:voucher-cancel", NOBODY, "POST", {"voucher_id": "=1"}, group="parc.voucher.cancel"),
    Route("parc:api-voucher-cancel", NOBODY, "POST", {"voucher_id": "=1"}, group="parc.voucher.cancel"),
    Route("parc:mission-list", NOBODY, group="parc.missions"),
    Route("parc:api-mission-list", NOBODY, group="parc.missions"),
    Route("parc:mission-create", NOBODY, group="parc.mission.issue"),
    Route("parc:api-mission-issue", NOBODY, "POST", group="parc.mission.issue"),
    Route("parc:mission-detail", NOBODY, kwargs={"mission_id": "=1"}, group="parc.mission"),
    Route("parc:api-mission-detail", NOBODY, kwargs={"mission_id": "=1"}, group="parc.mission"),
    Route("parc:mission-pdf", NOBODY, kwargs={"mission_id": "=1"}, group="parc.mission"),
    Route("parc:mission-complete", NOBODY, "POST", {"mission_id": "=1"}, group="parc.mission.complete"),
    Route("parc:api-mission-complete", NOBODY, "POST", {"mission_id": "=1"}, group="parc.mission.complete"),
    Route("parc:mission-cancel", NOBODY, "POST", {"mission_id": "=1"}, group="parc.mission.cancel"),
    Route("parc:api-mission-cancel", NOBODY, "POST", {"mission_id": "=1"}, group="parc.mission.cancel"),
    Route("parc:report", NOBODY, query={"month": "2026-12"}, group="parc.report"),
    Route("parc:api-report", NOBODY, query={"year": "2026", "month": "12"}, group="parc.report"),
    Route("parc:setup", NOBODY),
    Route("parc:api-service-list", NOBODY),
    Route("parc:api-service-create", NOBODY, "POST"),
    Route("parc:api-driver-list", NOBODY),
    Route("parc:api-driver-create", NOBODY, "POST"),
    # --- urbanisme (none of these roles: its agents and signatories only) ---------------------------------------
    Route("urbanisme:desk", NOBODY, group="urb.desk"),
    Route("urbanisme:api-desk", NOBODY, group="urb.desk"),
    Route("urbanisme:dossier-list", NOBODY, group="urb.list"),
    Route("urbanisme:api-dossier-list", NOBODY, group="urb.list"),
    Route("urbanisme:dossier-deposit", NOBODY, group="urb.deposit"),
    Route("urbanisme:api-dossier-deposit", NOBODY, "POST", group="urb.deposit"),
    Route("urbanisme:late", NOBODY, group="urb.late"),
    Route("urbanisme:api-late", NOBODY, group="urb.late"),
    Route("urbanisme:api-public-status", NOBODY),
    Route("urbanisme:api-export", NOBODY, query={"year": "2026"}, group="urb.export"),
    Route("urbanisme:api-import", NOBODY, "POST"),
    Route("urbanisme:export", NOBODY, kwargs={"fmt": "=json"}, group="urb.export"),
    Route("urbanisme:display-register", NOBODY),
    Route("urbanisme:dossier-detail", NOBODY, kwargs={"dossier_id": "=1"}, group="urb.dossier"),
    Route("urbanisme:api-dossier-detail", NOBODY, kwargs={"dossier_id": "=1"}, group="urb.dossier"),
    Route("urbanisme:dossier-parcels", NOBODY, kwargs={"dossier_id": "=1"}, group="urb.dossier"),
    Route("urbanisme:dossier-instruct", NOBODY, "POST", {"dossier_id": "=1"}, group="urb.step"),
    Route("urbanisme:dossier-incomplete", NOBODY, "POST", {"dossier_id": "=1"}, group="urb.step"),
    Route("urbanisme:dossier-complete", NOBODY, "POST", {"dossier_id": "=1"}, group="urb.step"),
    Route("urbanisme:dossier-decide", NOBODY, "POST", {"dossier_id": "=1"}, group="urb.step"),
    Route("urbanisme:dossier-tax", NOBODY, "POST", {"dossier_id": "=1"}, group="urb.step"),
    Route("urbanisme:dossier-deliver", NOBODY, "POST", {"dossier_id": "=1"}, group="urb.step"),
    Route("urbanisme:dossier-withdraw", NOBODY, "POST", {"dossier_id": "=1"}, group="urb.step"),
    Route("urbanisme:api-dossier-step", NOBODY, "POST", {"dossier_id": "=1"}, group="urb.step"),
    Route("urbanisme:dossier-pieces", NOBODY, "POST", {"dossier_id": "=1"}, group="urb.pieces"),
    Route("urbanisme:api-dossier-pieces", NOBODY, "POST", {"dossier_id": "=1"}, group="urb.pieces"),
    Route("urbanisme:dossier-consult", NOBODY, "POST", {"dossier_id": "=1"}, group="urb.consult"),
    Route("urbanisme:api-dossier-consult", NOBODY, "POST", {"dossier_id": "=1"}, group="urb.consult"),
    Route(
        "urbanisme:consultation-return",
        NOBODY,
        "POST",
        {"dossier_id": "=1", "consultation_id": "=1"},
        group="urb.return",
    ),
    Route("urbanisme:api-consultation-return", NOBODY, "POST", {"consultation_id": "=1"}, group="urb.return"),
    Route("urbanisme:dossier-sign", NOBODY, "POST", {"dossier_id": "=1"}, group="urb.sign"),
    Route("urbanisme:api-dossier-sign", NOBODY, "POST", {"dossier_id": "=1"}, group="urb.sign"),
    Route("urbanisme:dossier-document", NOBODY, "POST", {"dossier_id": "=1", "kind": "=receipt"}),
    Route("urbanisme:document-download", NOBODY, kwargs={"document_id": "=1"}),
    Route("urbanisme:sitting-list", NOBODY),
    Route("urbanisme:api-sitting-create", NOBODY, "POST"),
    Route("urbanisme:sitting-detail", NOBODY, kwargs={"sitting_id": "=1"}, group="urb.sitting"),
    Route("urbanisme:api-sitting-detail", NOBODY, kwargs={"sitting_id": "=1"}, group="urb.sitting"),
    Route("urbanisme:sitting-add", NOBODY, "POST", {"sitting_id": "=1"}, group="urb.agenda"),
    Route("urbanisme:api-sitting-add", NOBODY, "POST", {"sitting_id": "=1"}, group="urb.agenda"),
    Route("urbanisme:sitting-avis", NOBODY, "POST", {"sitting_id": "=1"}),
    Route("urbanisme:api-sitting-avis", NOBODY, "POST", {"item_id": "=1"}),
    Route("urbanisme:sitting-hold", NOBODY, "POST", {"sitting_id": "=1"}, group="urb.hold"),
    Route("urbanisme:api-sitting-hold", NOBODY, "POST", {"sitting_id": "=1"}, group="urb.hold"),
    # --- ressources humaines (rh) and concours: none of these roles is RH's or the concours'; a signed-in user
    # without an agent file sees "no file" on /rh/me/ and nobody's file, act or leave (404) -------------------------
    Route("rh:staff-list", SIGNED_IN),  # the HR service's list; anyone else is sent to /rh/me/
    Route("rh:me", SIGNED_IN),
    Route("rh:agent-new", NOBODY),
    Route("rh:agent-detail", "LNNNNL", kwargs={"agent_id": "=1"}, group="rh.agent"),
    Route("rh:api-agent-detail", "LNNNNL", kwargs={"agent_id": "=1"}, group="rh.agent"),
    Route("rh:agent-act", NOBODY, "POST", kwargs={"agent_id": "=1"}, group="rh.act"),
    Route("rh:api-act-issue", NOBODY, "POST", kwargs={"agent_id": "=1"}, group="rh.act"),
    Route("rh:agent-leave", "LNNNNL", "POST", kwargs={"agent_id": "=1"}, group="rh.leave"),
    Route("rh:api-leave-request", "LNNNNL", "POST", kwargs={"agent_id": "=1"}, group="rh.leave"),
    Route("rh:api-balance", "LNNNNL", kwargs={"agent_id": "=1"}),
    Route("rh:agent-rating", NOBODY, "POST", kwargs={"agent_id": "=1"}),
    Route("rh:leave-list", NOBODY, group="rh.pending"),
    Route("rh:api-leave-pending", NOBODY, group="rh.pending"),
    Route("rh:leave-decide", NOBODY, "POST", kwargs={"leave_id": "=1"}, group="rh.decide"),
    Route("rh:api-leave-decide", NOBODY, "POST", kwargs={"leave_id": "=1"}, group="rh.decide"),
    Route("rh:leave-cancel", "LNNNNL", "POST", kwargs={"leave_id": "=1"}, group="rh.cancel"),
    Route("rh:api-leave-cancel", "LNNNNL", "POST", kwargs={"leave_id": "=1"}, group="rh.cancel"),
    Route("rh:act-list", NOBODY, group="rh.acts"),
    Route("rh:api-act-list", NOBODY, group="rh.acts"),
    Route("rh:act-pdf", "LNNNNL", kwargs={"act_id": "=1"}),
    Route("rh:holiday-list", NOBODY, group="rh.holidays"),
    Route("rh:api-holiday-list", NOBODY, group="rh.holidays"),
    Route("rh:holiday-prepare", NOBODY, "POST"),
    Route("rh:holiday-confirm", NOBODY, "POST", kwargs={"holiday_id": "=1"}, group="rh.holiday.confirm"),
    Route("rh:api-holiday-confirm", NOBODY, "POST", kwargs={"holiday_id": "=1"}, group="rh.holiday.confirm"),
    Route("rh:tables", NOBODY),
    Route("rh:api-headcount", NOBODY),
    Route("rh:api-agent-list", NOBODY, group="rh.staff"),
    Route("rh:api-agent-recruit", NOBODY, "POST"),
    Route("concours:concours-list", NOBODY, group="concours.list"),
    Route("concours:api-concours-list", NOBODY, group="concours.list"),
    Route("concours:api-concours-announce", NOBODY, "POST"),
    Route("concours:announcements", PUBLIC, group="concours.announced"),
    Route("concours:api-concours-announced", PUBLIC, group="concours.announced"),
    Route("concours:concours-detail", NOBODY, kwargs={"concours_id": "=1"}, group="concours.read"),
    Route("concours:api-concours-detail", NOBODY, kwargs={"concours_id": "=1"}, group="concours.read"),
    Route("concours:results-public", "NNNNNN", kwargs={"concours_id": "=1"}),
    Route("concours:concours-advance", NOBODY, "POST", kwargs={"concours_id": "=1"}, group="concours.advance"),
    Route("concours:api-concours-advance", NOBODY, "POST", kwargs={"concours_id": "=1"}, group="concours.advance"),
    Route("concours:application-register", NOBODY, "POST", kwargs={"concours_id": "=1"}, group="concours.apply"),
    Route("concours:api-application-register", NOBODY, "POST", kwargs={"concours_id": "=1"}, group="concours.apply"),
    Route("concours:convocations-issue", NOBODY, "POST", kwargs={"concours_id": "=1"}, group="concours.convene"),
    Route("concours:api-convocations-issue", NOBODY, "POST", kwargs={"concours_id": "=1"}, group="concours.convene"),
    Route("concours:written-mark", NOBODY, "POST", kwargs={"concours_id": "=1"}, group="concours.mark"),
    Route("concours:api-written-mark", NOBODY, "POST", kwargs={"concours_id": "=1"}, group="concours.mark"),
    Route("concours:results-publish", NOBODY, "POST", kwargs={"concours_id": "=1"}, group="concours.publish"),
    Route("concours:api-results-publish", NOBODY, "POST", kwargs={"concours_id": "=1"}, group="concours.publish"),
    Route("concours:application-screen", NOBODY, "POST", kwargs={"candidature_id": "=1"}, group="concours.screen"),
    Route("concours:api-application-screen", NOBODY, "POST", kwargs={"candidature_id": "=1"}, group="concours.screen"),
    Route("concours:convocation-pdf", NOBODY, kwargs={"candidature_id": "=1"}),
    Route("concours:oral-mark", NOBODY, "POST", kwargs={"candidature_id": "=1"}, group="concours.oral"),
    Route("concours:api-oral-mark", NOBODY, "POST", kwargs={"candidature_id": "=1"}, group="concours.oral"),
    Route("concours:appointment-make", NOBODY, "POST", kwargs={"candidature_id": "=1"}, group="concours.appoint"),
    Route("concours:api-appointment-make", NOBODY, "POST", kwargs={"candidature_id": "=1"}, group="concours.appoint"),
    # --- the citizen portal: public pages for everyone, the citizen's space by one-time code (none of these
    # roles is a signed-in citizen), the staff side for its own roles only --------------------------------------
    Route("portail:home", PUBLIC),
    Route("portail:language", PUBLIC, kwargs={"code": "=ar"}),
    Route("portail:news", PUBLIC, group="publications"),
    Route("portail:decisions", PUBLIC),
    Route("portail:api-publications", PUBLIC, group="publications"),
    Route("portail:publication", "NNNNNN", kwargs={"publication_id": "=1"}),
    Route("portail:check", PUBLIC),
    Route("portail:track", PUBLIC, group="track"),
    Route("portail:api-track", PUBLIC, "POST", group="track"),
    Route("portail:transparency", PUBLIC),
    Route("portail:transparency-detail", PUBLIC, kwargs={"code": "=portail.requests_per_month"}, group="dataset"),
    Route("portail:data", PUBLIC, group="datasets"),
    Route("portail:data-catalog", PUBLIC, group="datasets"),
    Route("portail:api-datasets", PUBLIC, group="datasets"),
    Route("portail:data-file", PUBLIC, kwargs={"code": "=portail.requests_per_month", "fmt": "=csv"}, group="dataset"),
    Route("portail:sign-in", PUBLIC),
    Route("portail:sign-out", PUBLIC, "POST"),
    Route("portail:me", PUBLIC),  # sends whoever is not a signed-in citizen to the citizen sign-in page
    Route("portail:request-new", PUBLIC, kwargs={"kind": "=portail.complaint"}),
    Route("portail:my-request", "DDDDDD", kwargs={"request_id": "=1"}, group="my.request"),
    Route("portail:my-document", "DDDDDD", kwargs={"request_id": "=1"}, group="my.request"),
    Route("portail:staff", NOBODY),
    Route("portail:desk", NOBODY, group="desk"),
    Route("portail:api-desk-list", NOBODY, group="desk"),
    Route("portail:desk-detail", NOBODY, kwargs={"request_id": "=1"}, group="desk.request"),
    Route("portail:api-desk-detail", NOBODY, kwargs={"request_id": "=1"}, group="desk.request"),
    Route("portail:api-desk-status", NOBODY, "POST", kwargs={"request_id": "=1"}),
    Route("portail:api-desk-issue", NOBODY, "POST", kwargs={"request_id": "=1"}),
    Route("portail:desk-attachment", NOBODY, kwargs={"attachment_id": "=1"}),
    Route("portail:editor", NOBODY, group="publish"),
    Route("portail:api-publication-create", NOBODY, "POST", group="publish"),
    Route("portail:elected", NOBODY, group="dashboard"),
    Route("portail:api-dashboard", NOBODY, group="dashboard"),
    # --- central support: a support session's entry (a bad token opens nothing), its end, the administrator's list
    Route("support:enter", "DDDDDD", kwargs={"token": "=not-a-token"}),
    Route("support:end", PUBLIC, "POST"),
    Route("support:sessions", NOBODY),
]


def commune_route_names() -> set[str]:
    """Every named route of a commune's site (ROOT_URLCONF is the commune hosts' urlconf)."""

    def walk(patterns: list[URLPattern | URLResolver], namespace: str) -> set[str]:
        names: set[str] = set()
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                names |= walk(pattern.url_patterns, inner)
            else:
                assert pattern.name, f"an unnamed route: {pattern.pattern}"
                names.add(f"{namespace}{pattern.name}")
        return names

    return walk(get_resolver().url_patterns, "")


def user(username: str, *groups: str) -> Any:
    made = get_user_model().objects.create_user(username=username, password=PASSWORD, first_name=username)
    made.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in groups))
    return made


def objects() -> dict[str, Any]:
    """One of everything a route names, made through the modules' services (in Fès)."""
    from jamaa.modules.regie import verification

    from .etatcivil.factories import birth_input
    from .regie.factories import installed

    made: dict[str, Any] = {}
    # état civil: a chef de bureau delegated as officer, an agent, a bureau, a signed act with a document, a draft
    chief = user("vis-chief", ec_permissions.CHIEF)
    ec_agent = user("vis-ec-agent", ec_permissions.AGENT)
    bureau = ec_services.bureau_create(actor=chief, code="VB1", name_ar="مكتب", name_fr="Bureau")
    ec_services.delegation_grant(
        actor=chief,
        user_id=chief.pk,
        bureau_id=bureau.pk,
        arrete_number="1/2026",
        arrete_date=TODAY - dt.timedelta(days=30),
        valid_from=TODAY - dt.timedelta(days=30),
    )
    chief = get_user_model().objects.get(pk=chief.pk)  # its groups, as the delegation left them
    act = ec_services.act_draft_create(
        actor=ec_agent, bureau_id=bureau.pk, kind="birth", year=TODAY.year, data=birth_input(event_date=YESTERDAY)
    )
    act = ec_services.act_sign(officer=chief, act_id=act.pk, acknowledge_flags=True)
    document = ec_services.document_issue(
        officer=chief, act_id=act.pk, kind="full_copy", requester_name="El Alaoui", requester_capacity="father"
    )
    made |= {
        "ec_agent": ec_agent,
        "ec_chief": chief,
        "act": act.pk,
        "register": act.register_id,
        "document": document.pk,
        "document_code": document.verification_code,
        "draft": ec_services.act_draft_create(
            actor=ec_agent, bureau_id=bureau.pk, kind="birth", year=TODAY.year, data=birth_input()
        ).pk,
    }
    # régie: the percepteur (agent1), another agent, the régisseur; quittances, closes, an ordre in a bordereau
    ref = installed("vis-")
    regie, percepteur, agent2, regisseur = ref["regie"], ref["agent"], ref["agent2"], ref["regisseur"]

    def pay(agent: Any, on: dt.date, base: str = "2") -> Any:
        return regie_services.quittance_issue(
            actor=agent,
            regie_id=regie.pk,
            exercice=on.year,
            redevable_id=ref["company"].pk,
            tax_id=ref["taxes"]["ODP"].pk,
            base=Decimal(base),
            period=str(on.year),
            payment_method="cash",
            on=on,
        )

    pay(percepteur, YESTERDAY)
    pay(agent2, YESTERDAY)
    own_close = regie_services.day_close(
        actor=percepteur, agent=percepteur, regie_id=regie.pk, day=YESTERDAY, counted_dh=Decimal("0")
    )
    other_close = regie_services.day_close(
        actor=agent2, agent=agent2, regie_id=regie.pk, day=YESTERDAY, counted_dh=Decimal("0")
    )
    regie_close = regie_services.day_close(actor=regisseur, regie_id=regie.pk, day=YESTERDAY, counted_dh=Decimal("0"))
    quittance = pay(percepteur, TODAY)
    quittance2 = pay(agent2, TODAY, base="3")
    asked = pay(agent2, TODAY, base="4")
    cancellation = regie_services.cancellation_request(quittance_id=asked.pk, requested_by=agent2, reason="erreur")
    asset = regie_services.asset_create(
        actor=percepteur,
        redevable_id=ref["company"].pk,
        kind="terrace",
        reference="T-9",
        surface_m2=Decimal("12"),
        tax_id=ref["taxes"]["ODP"].pk,
    )
    liquidation = regie_services.liquidation_create(
        actor=percepteur,
        regie_id=regie.pk,
        redevable_id=ref["person"].pk,
        tax_id=ref["taxes"]["ODP"].pk,
        base=Decimal("5"),
        period=str(TODAY.year),
        on=TODAY,
    )
    ordre = regie_services.ordre_issue(
        actor=regisseur,
        regie_id=regie.pk,
        exercice=TODAY.year,
        tax_id=ref["taxes"]["ODP"].pk,
        subject="Terrasse",
        period=str(TODAY.year),
        lines=[{"redevable_id": ref["person"].pk, "amount_dh": Decimal("1400")}],
    )
    bordereau = regie_services.bordereau_create(
        actor=regisseur, regie_id=regie.pk, exercice=TODAY.year, ordre_ids=[ordre.pk]
    )
    dummy = user("vis-dummy")
    appointment = regie_services.staff_appoint(
        actor=regisseur,
        regie_id=regie.pk,
        user_id=dummy.pk,
        role="agent",
        arrete_number="9/2026",
        arrete_date=TODAY,
        valid_from=TODAY,
    )
    made |= {
        "percepteur": percepteur,
        "regisseur": regisseur,
        "agent2": agent2.pk,
        "person": ref["person"].pk,
        "company": ref["company"].pk,
        "asset": asset.pk,
        "liquidation": liquidation.pk,
        "quittance": quittance.pk,
        "quittance2": quittance2.pk,
        "quittance_code": verification.quittance_code(quittance2),
        "cancellation": cancellation.pk,
        "own_close": own_close.pk,
        "other_close": other_close.pk,
        "regie_close": regie_close.pk,
        "ordre": ordre.pk,
        "bordereau": bordereau.pk,
        "tax": ref["taxes"]["ODP"].pk,
        "appointment": appointment.pk,
    }
    # the collectors' app: the percepteur's device (its token) with a block, and a spare device to revoke
    device, token = collecte_services.device_register(username=percepteur.username, password=PASSWORD, name="A")
    spare, _ = collecte_services.device_register(username=percepteur.username, password=PASSWORD, name="B")
    block = collecte_services.block_request(device_id=device.pk, regie_id=regie.pk, exercice=TODAY.year, size=5)
    made |= {"device_token": token, "spare_device": spare.pk, "block": block.block_id}
    return made


def client_for(role: str, made: dict[str, Any], host: str) -> Client:
    """A fresh client for each request (a POST to logout/ must not sign the next one out)."""
    if role == "anonymous":
        return Client(HTTP_HOST=host)
    if role == "device":
        return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Device {made['device_token']}")
    client = Client(HTTP_HOST=host)
    client.force_login(made[role])
    return client


def url_of(route: Route, made: dict[str, Any]) -> str:
    from django.urls import reverse

    kwargs = {k: v[1:] if v.startswith("=") else str(getattr(made[v], "pk", made[v])) for k, v in route.kwargs.items()}
    return reverse(route.name, kwargs=kwargs)


def letter(response: Any) -> str:
    status = response.status_code
    if status == 401 or (status == 302 and "/login/?next=" in response.get("Location", "")):
        return "L"
    if status == 403:
        return "D"
    if status == 404:
        return "N"
    assert status < 500, (status, response.content[:500])
    return "A"


def test_the_table_names_every_route_of_a_commune_site() -> None:
    # given the resolver of commune hosts; then every route is in the table, and the table names no other
    assert commune_route_names() == {r.name for r in EXPECTED}


def test_every_route_answers_every_role_as_its_resource_does(fes: Any) -> None:
    # given one of everything, made through the services
    with schema_context("fes"):
        made = objects()
    # when every route is called as every role
    got: dict[int, str] = {}
    for index, route in enumerate(EXPECTED):
        with schema_context("fes"):
            url = url_of(route, made)
            query = {k: str(made[v[1:]]) if v.startswith("@") else v for k, v in route.query.items()}
        answers = ""
        for role in ROLES:
            client = client_for(role, made, fes.host)
            if route.method == "GET":
                response = client.get(url, query)
            elif "/api/" in url:
                response = client.post(url, route.data, content_type="application/json")
            else:
                response = client.post(url, route.data)
            answers += letter(response)
        got[index] = answers
    # then each route answers as the table says
    wrong = {
        f"{r.name} {r.variant}".strip(): f"expected {r.expect}, got {got[i]}"
        for i, r in enumerate(EXPECTED)
        if got[i] != r.expect
    }
    assert wrong == {}, "\n".join(f"{name}: {what}" for name, what in wrong.items())
    # and the routes of one resource (page, API, document) answer each role alike (the device's token opens no
    # page: its answers are the table's alone)
    groups: dict[str, set[str]] = {}
    for i, r in enumerate(EXPECTED):
        if r.group:
            groups.setdefault(r.group, set()).add(got[i][: ROLES.index("device")])
    disagree = {g: sorted(answers) for g, answers in groups.items() if len(answers) > 1}
    assert disagree == {}, "\n".join(f"{g}: {a}" for g, a in disagree.items())
