"""Pages of the police administrative (French/Arabic, phone widths for inspectors in the street): as thin as the
API. Roles by the kernel's decorator; a refusal goes on its form through run_in_form (no try/except here); 403 and
404 are the styled error pages; documents are rendered from what the selectors return.

The package re-exports every page of its parts, so `views.<name>` keeps working."""

from __future__ import annotations

from .authorisations import (
    authorisation_decide,
    authorisation_detail,
    authorisation_list,
    authorisation_pdf,
)
from .establishments import (
    establishment_create,
    establishment_detail,
    establishment_list,
    home,
    register_in_force,
)
from .inspections import (
    inspection_detail,
    inspection_list,
    inspection_photo,
    inspection_pv_pdf,
    inspection_record,
    sanction_impose,
    sanction_resolve,
)
from .requests import (
    avis_record,
    inquiry_close,
    inquiry_notice_pdf,
    inquiry_open,
    objection_record,
    request_detail,
    request_grant,
    request_list,
    request_minutes_pdf,
    request_receipt_pdf,
    request_refuse,
    request_submit,
    request_to_commission,
)

__all__ = [
    "authorisation_decide",
    "authorisation_detail",
    "authorisation_list",
    "authorisation_pdf",
    "avis_record",
    "establishment_create",
    "establishment_detail",
    "establishment_list",
    "home",
    "inquiry_close",
    "inquiry_notice_pdf",
    "inquiry_open",
    "inspection_detail",
    "inspection_list",
    "inspection_photo",
    "inspection_pv_pdf",
    "inspection_record",
    "objection_record",
    "register_in_force",
    "request_detail",
    "request_grant",
    "request_list",
    "request_minutes_pdf",
    "request_receipt_pdf",
    "request_refuse",
    "request_submit",
    "request_to_commission",
    "sanction_impose",
    "sanction_resolve",
]
