"""The public-face registry (kernel.portal): entries filtered by the enabled modules, rows checked against the
declared schema (an undeclared column or a wrong type never leaves a module), the Table Schema and JSON Schema
derived from the fields, the public home."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import jsonschema
import pytest

from jamaa.platform.kernel import portal


def _dataset(rows: list[dict]) -> portal.Dataset:
    return portal.Dataset(
        code="testmod.figures",
        module="testmod",
        title_fr="Chiffres",
        title_ar="أرقام",
        description_fr="d",
        description_ar="d",
        fields=(
            portal.Field(name="month", type="month", title_fr="Mois", title_ar="الشهر"),
            portal.Field(name="count", type="integer", title_fr="Nombre", title_ar="العدد"),
            portal.Field(name="amount", type="number", title_fr="Montant", title_ar="المبلغ"),
            portal.Field(name="day", type="date", title_fr="Jour", title_ar="اليوم"),
        ),
        rows=lambda: rows,
        chart=portal.Chart(label="month", value="amount"),
    )


def test_rows_are_checked_against_the_schema() -> None:
    good = {"month": "2026-03", "count": 2, "amount": Decimal("10.50"), "day": dt.date(2026, 3, 1)}
    ds = _dataset([good])
    assert portal.check_rows(ds, ds.rows()) == [good]
    with pytest.raises(ValueError, match="undeclared"):
        portal.check_rows(ds, [good | {"name": "Ahmed"}])
    for bad in ({"count": "2"}, {"month": "2026-13"}, {"amount": "x"}, {"day": "2026-03-01"}, {"count": True}):
        with pytest.raises(ValueError):
            portal.check_rows(ds, [good | bad])


def test_schemas_describe_the_files() -> None:
    ds = _dataset([])
    table = portal.table_schema(ds)
    assert [(f["name"], f["type"]) for f in table["fields"]] == [  # type: ignore[index]
        ("month", "string"), ("count", "integer"), ("amount", "number"), ("day", "date"),
    ]  # fmt: skip
    schema = portal.json_schema(ds)
    ok = {"dataset": "testmod.figures", "licence": {}, "fields": [],
          "rows": [{"month": "2026-01", "count": 1, "amount": 2.5, "day": "2026-01-02"}]}  # fmt: skip
    jsonschema.validate(ok, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(ok | {"rows": [ok["rows"][0] | {"cin": "AB1"}]}, schema)


@pytest.fixture
def scratch_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test's entries go into copies of the registry, left behind afterwards."""
    monkeypatch.setattr(portal, "_REGISTRY", portal._Registry(  # noqa: SLF001
        datasets=dict(portal._REGISTRY.datasets),  # noqa: SLF001
        indicators=dict(portal._REGISTRY.indicators),  # noqa: SLF001
        request_kinds=dict(portal._REGISTRY.request_kinds),  # noqa: SLF001
    ))  # fmt: skip
    monkeypatch.setattr(portal, "_PUBLIC_HOMES", dict(portal._PUBLIC_HOMES))  # noqa: SLF001


def test_entries_follow_the_enabled_modules(scratch_registry: None) -> None:
    portal.register_dataset(_dataset([]))
    portal.register_request_kind(
        portal.RequestKind(code="testmod.ask", module="testmod", label_fr="Demande", label_ar="طلب", deadline_days=5)
    )
    portal.register_public_home(module="testmod", path="/testmod/")
    assert portal.dataset(code="testmod.figures", enabled=["other"]) is None
    assert portal.dataset(code="testmod.figures", enabled=["testmod"]) is not None
    assert "testmod.ask" in {k.code for k in portal.request_kinds(enabled=["testmod"])}
    assert "testmod.ask" not in {k.code for k in portal.request_kinds(enabled=[])}
    assert portal.public_home(enabled=["testmod"]) == "/testmod/"
    assert portal.public_home(enabled=["portail", "testmod"]) == "/portail/"  # the first in code order
    assert portal.public_home(enabled=["nothing"]) is None
    with pytest.raises(ValueError):
        portal.Dataset(code="Bad Code", module="m", title_fr="", title_ar="", description_fr="", description_ar="",
                       fields=(), rows=list)  # fmt: skip
