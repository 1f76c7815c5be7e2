"""Online requests through the service: pieces checked from their bytes and size (nothing registered when one is
refused: no letter, no number used), a CIN required, a kind of a disabled module refused."""

from __future__ import annotations

import io

import pytest
from django_tenants.utils import schema_context
from PIL import Image

from jamaa.modules.portail import exceptions, services
from jamaa.modules.portail.models import Citizen, OnlineRequest, RequestAttachment

pytestmark = pytest.mark.django_db

ENABLED = ("courrier", "etatcivil", "portail")


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, format="PNG")
    return out.getvalue()


def _submit(citizen: Citizen, *uploads: services.Upload, cin: str = "UP12345", enabled=ENABLED):
    return services.request_submit(
        citizen_id=citizen.pk,
        data=services.RequestInput(kind="portail.complaint", text="Égout bouché", cin=cin),
        uploads=uploads,
        enabled=enabled,
    )


def test_pieces_are_checked_and_a_refusal_registers_nothing(fes) -> None:
    with schema_context("fes"):
        citizen = Citizen.objects.create(email="pieces@example.ma", display_name="Pieces")
        for bad, error in (
            (services.Upload(name="virus.pdf", content=b"MZ\x90\x00 not a pdf"), exceptions.AttachmentInvalid),
            (services.Upload(name="fake.png", content=b"\x89PNG\r\n\x1a\n broken"), exceptions.AttachmentInvalid),
            (services.Upload(name="big.pdf", content=b"%PDF-1.4" + b"0" * services.MAX_UPLOAD + b"%%EOF"),
             exceptions.AttachmentTooLarge),
        ):  # fmt: skip
            with pytest.raises(error):
                _submit(citizen, bad)
        assert OnlineRequest.objects.count() == 0
        request = _submit(citizen, services.Upload(name="photo.png", content=_png()))
        assert request.reference.endswith("/000001")  # the refused ones used no number
        piece = RequestAttachment.objects.get(request=request)
        assert (piece.content_type, piece.name) == ("image/png", "photo.png")


def test_a_cin_is_required_and_kinds_follow_the_enabled_modules(fes) -> None:
    with schema_context("fes"):
        citizen = Citizen.objects.create(email="nocin@example.ma", display_name="No Cin")
        with pytest.raises(exceptions.RequestInvalid) as refused:
            _submit(citizen, cin="")
        assert "cin" in refused.value.extra["fields"]
        with pytest.raises(exceptions.RequestKindUnknown):
            _submit(citizen, enabled=("portail",))  # without the bureau d'ordre nothing is numbered
        with pytest.raises(exceptions.RequestKindUnknown):
            services.request_submit(
                citizen_id=citizen.pk,
                data=services.RequestInput(kind="etatcivil.extract", cin="UP1"),
                enabled=("courrier", "portail"),
            )
        assert OnlineRequest.objects.count() == 0
