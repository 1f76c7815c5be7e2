"""What the concours module offers the citizen portal (kernel.portal): the online application to an open concours.
`services.application_register` is for a manager (it checks the actor) and numbers the candidate in the
concours' series at once, so the online request is the letter routed to the service (no `forward`): the
manager registers the candidate from it after checking the diploma."""

from __future__ import annotations

from jamaa.platform.kernel import portal
from jamaa.platform.kernel.portal import Field, RequestKind


def register() -> None:
    portal.register_request_kind(
        RequestKind(
            code="concours.application",
            module="concours",
            label_fr="Candidature à un concours de recrutement",
            label_ar="الترشح لمباراة التوظيف",
            deadline_days=15,
            questions=(
                Field(name="concours", type="string", title_fr="Concours (intitulé ou numéro)", title_ar="المباراة"),
                Field(name="birth_date", type="date", title_fr="Date de naissance", title_ar="تاريخ الازدياد"),
                Field(name="diploma", type="string", title_fr="Diplôme", title_ar="الشهادة"),
                Field(name="quota", type="string", title_fr="Quota (général, handicap…)", title_ar="الحصة"),
            ),
            order=40,
        )
    )
