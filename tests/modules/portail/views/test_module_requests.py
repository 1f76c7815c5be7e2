"""The online requests the modules offer through kernel.portal — a licence or terrace (police administrative), a
permit deposit (urbanisme), a concours application: the form asks the module's questions, the request is a letter
of the incoming register with its tracking number, and it waits on the portal's desk under its kind with the
citizen's answers (those modules' intake services need a staff actor: the desk files it from there)."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from jamaa.modules.courrier.models import Mail
from jamaa.modules.portail import permissions, selectors
from jamaa.modules.portail.models import OnlineRequest

from ..factories import citizen_client, user_with

pytestmark = pytest.mark.django_db

KINDS = {
    "police.authorisation": ({"q_kind": "terrasse", "q_surface_m2": "12", "q_address": "Place R'cif"}, "Surface"),
    "urbanisme.permit": ({"q_kind": "construire", "q_title_number": "4521/07", "q_address": "Lot 3"}, "Titre foncier"),
    "concours.application": ({"q_concours": "Technicien 2026", "q_birth_date": "1998-04-02", "q_diploma": "DUT"},
                             "Diplôme"),
}  # fmt: skip


def test_each_module_request_is_registered_and_queued_with_its_answers(fes, mailoutbox) -> None:
    citizen = citizen_client(fes.host, mailoutbox, name="Salma Idrissi")
    references = {}
    for kind, (answers, label) in KINDS.items():
        form = citizen.get(f"/portail/me/new/{kind}/")
        assert form.status_code == 200 and label in form.content.decode(), kind  # the module's questions
        sent = citizen.post(f"/portail/me/new/{kind}/", {"text": f"Demande {kind}", "cin": "SI445566", **answers})
        assert sent.status_code == 302, sent.content[:500]
        with schema_context("fes"):
            request = OnlineRequest.objects.get(pk=int(sent["Location"].rstrip("/").rsplit("/", 1)[1]))
        assert request.kind == kind
        assert {k.removeprefix("q_"): v for k, v in answers.items()}.items() <= request.details.items()
        references[kind] = (request.reference, request.mail_id)
    assert len({r for r, _ in references.values()}) == 3  # three letters, three tracking numbers
    with schema_context("fes"):
        agent = user_with("portal_modreq_agent", permissions.AGENT)
        for kind, (reference, mail_id) in references.items():
            queued = [d.line.reference for d in selectors.desk_list(viewer=agent, kind=kind)]
            assert reference in queued, kind
            letter = Mail.objects.get(pk=mail_id)  # the bureau d'ordre's incoming letter, same number
            assert (letter.category, letter.reference) == ("incoming", reference)
