"""The OpenAPI schema tells the truth (issue 13.8): it generates without a warning, is valid OpenAPI, names one
component per serializer, documents the error responses in the one error shape, and what the API answers
validates against it."""

from __future__ import annotations

import jsonschema
import pytest
from django.test import Client
from django_tenants.utils import schema_context
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from jamaa.modules.collecte import services as collecte_services
from jamaa.modules.regie import permissions as regie_roles
from jamaa.platform.openapi import component_name
from tests.modules.regie.factories import installed, user_with

pytestmark = pytest.mark.django_db

ERRORS = {"400", "401", "403", "404", "429"}
WRITE_ERRORS = {"409", "413", "415"}


@pytest.fixture(scope="module")
def generated() -> dict:
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    warnings, errors = dict(GENERATOR_STATS._warn_cache), dict(GENERATOR_STATS._error_cache)  # noqa: SLF001
    GENERATOR_STATS.reset()
    return {"schema": schema, "warnings": warnings, "errors": errors}


def test_the_schema_generates_without_warnings_and_is_valid_openapi(generated) -> None:
    assert generated["warnings"] == {} and generated["errors"] == {}
    validate_schema(generated["schema"])  # raises on an invalid document


def test_each_serializer_has_its_own_component(generated) -> None:
    paths = generated["schema"]["paths"]

    def ref(path: str, method: str = "get", status: str = "200") -> str:
        return paths[path][method]["responses"][status]["content"]["application/json"]["schema"]["$ref"]

    assert ref("/collecte/api/session/") == "#/components/schemas/CollecteSessionApiOutput"
    assert ref("/collecte/api/reference/") == "#/components/schemas/CollecteReferenceDownloadApiOutput"
    assert ref("/api/me/") == "#/components/schemas/MeApiOutput"
    assert ref("/regie/api/quittances/{quittance_id}/") == "#/components/schemas/RegieQuittance"
    components = generated["schema"]["components"]["schemas"]
    assert not {"Output", "Input"} & set(components)
    assert set(components["CollecteSessionApiOutput"]["properties"]) == {
        "device", "collector", "collector_name", "regies", "commune", "server_time", "today"
    }  # fmt: skip


def test_component_names_carry_the_app_and_the_enclosing_classes() -> None:
    from jamaa.modules.collecte.api import DayCloseApi as CollecteDayClose
    from jamaa.modules.regie.api import DayCloseApi as RegieDayClose
    from jamaa.modules.regie.api import QuittanceSerializer

    assert component_name(CollecteDayClose.InputSerializer) == "CollecteDayCloseApiInputSerializer"
    assert component_name(RegieDayClose.RegieDayCloseInputSerializer) == "RegieDayCloseInputSerializer"
    assert component_name(QuittanceSerializer) == "RegieQuittanceSerializer"


def test_every_operation_documents_its_errors_in_the_error_shape(generated) -> None:
    schema = generated["schema"]
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"code", "message", "extra"}
    operations = [(p, m, op) for p, ops in schema["paths"].items() for m, op in ops.items()]
    assert len(operations) > 40
    for path, method, operation in operations:
        expected = ERRORS | (WRITE_ERRORS if method in {"post", "put", "patch", "delete"} else set())
        assert expected <= set(operation["responses"]), (path, method)
        for status in expected:
            content = operation["responses"][status]["content"]["application/json"]["schema"]
            assert content == {"$ref": "#/components/schemas/Error"}, (path, method, status)


def _json_schema(node):
    """OpenAPI 3.0's `nullable: true` as JSON Schema's `null` type (the rest is the same)."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") is True:
        out = {"anyOf": [out, {"type": "null"}]}
    return out


def _validator(schema: dict, path: str, status: str = "200") -> jsonschema.Draft4Validator:
    response = schema["paths"][path]["get"]["responses"][status]["content"]["application/json"]["schema"]
    document = _json_schema({**response, "components": schema["components"]})
    return jsonschema.Draft4Validator(document)


def test_the_collectors_session_and_reference_validate_against_the_served_schema(fes) -> None:
    with schema_context("fes"):
        installed(passwords=False)
        user_with("collector", regie_roles.AGENT)
        _, token = collecte_services.device_register(username="collector", password="Pass-2026-word!", name="P1")
    client = Client(HTTP_HOST=fes.host)
    served = client.get("/api/schema/", {"format": "json"})
    assert served.status_code == 200
    schema = served.json()
    validate_schema(schema)
    device = Client(HTTP_HOST=fes.host, HTTP_AUTHORIZATION=f"Device {token}")
    for path in ("/collecte/api/session/", "/collecte/api/reference/"):
        response = device.get(path)
        assert response.status_code == 200, response.content
        errors = list(_validator(schema, path).iter_errors(response.json()))
        assert errors == [], (path, [e.message for e in errors])
    refused = device.get("/collecte/api/reference/", {"since": "not-a-cursor"})
    assert refused.status_code == 400
    assert list(_validator(schema, "/collecte/api/reference/", "400").iter_errors(refused.json())) == []


def test_the_docs_still_render(fes) -> None:
    response = Client(HTTP_HOST=fes.host).get("/api/docs/")
    assert response.status_code == 200 and b"swagger-ui" in response.content
