"""The table's vocabulary: a route and the letters it answers, one per role in ROLES order (A admitted, L sent to
log in, D 403, N 404), and the request bodies its POSTs send."""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("anonymous", "ec_agent", "ec_chief", "percepteur", "regisseur", "device")


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
