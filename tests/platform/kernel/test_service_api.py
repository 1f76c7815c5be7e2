"""The kernel's ServiceApi: input serializer → one service → output serializer, the refusal in the error shape, and
the OpenAPI operation documented from the same declarations (request and response schemas, status)."""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from jamaa.platform.errors import Conflict
from jamaa.platform.kernel.api import ServiceApi

CALLS: list[dict[str, Any]] = []


class ParcelSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    label = serializers.CharField()


class _Open(ServiceApi):
    # No roles in these tests: what is checked is the shape.
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]


class ParcelCreateApi(_Open):
    output, success_status = ParcelSerializer, 201

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        label = serializers.CharField(max_length=10)

    def perform(self, request: Request, data: dict[str, Any], lot_id: int) -> dict[str, Any]:
        if data["label"] == "taken":
            raise Conflict("Label taken.", extra={"label": data["label"]})
        CALLS.append({"lot_id": lot_id, **data})
        return {"id": lot_id * 10, "label": data["label"]}


class ParcelListApi(_Open):
    """The parcels of a lot."""

    method, output, many = "get", ParcelSerializer, True

    def perform(self, request: Request, data: dict[str, Any], lot_id: int) -> list[dict[str, Any]]:
        return [{"id": 1, "label": "a"}, {"id": 2, "label": "b"}]


urlpatterns = [
    path("lots/<int:lot_id>/parcels/", ParcelCreateApi.as_view()),
    path("lots/<int:lot_id>/parcels/all/", ParcelListApi.as_view()),
]


def test_valid_input_runs_the_service_once_and_answers_with_the_output_and_status() -> None:
    # given a valid body
    CALLS.clear()
    request = APIRequestFactory().post("/", {"label": "north"}, format="json")
    # when it is posted
    response = ParcelCreateApi.as_view()(request, lot_id=7)
    # then the service ran once with the URL keyword and the input, and the output serializer answers with 201
    assert CALLS == [{"lot_id": 7, "label": "north"}]
    assert response.status_code == 201
    assert response.data == {"id": 70, "label": "north"}


def test_invalid_input_is_a_400_in_the_error_shape_and_the_service_does_not_run() -> None:
    CALLS.clear()
    request = APIRequestFactory().post("/", {"label": "x" * 11}, format="json")
    response = ParcelCreateApi.as_view()(request, lot_id=7)
    assert response.status_code == 400
    assert response.data["code"] == "INVALID"
    assert set(response.data["extra"]["fields"]) == {"label"}
    assert CALLS == []


def test_a_refusal_is_its_status_in_the_error_shape() -> None:
    CALLS.clear()
    request = APIRequestFactory().post("/", {"label": "taken"}, format="json")
    response = ParcelCreateApi.as_view()(request, lot_id=7)
    assert response.status_code == 409
    assert response.data == {"code": "CONFLICT", "message": "Label taken.", "extra": {"label": "taken"}}
    assert CALLS == []


def test_a_read_lists_through_the_output_serializer_and_refuses_post() -> None:
    view = ParcelListApi.as_view()
    response = view(APIRequestFactory().get("/"), lot_id=7)
    assert response.status_code == 200
    assert response.data == [{"id": 1, "label": "a"}, {"id": 2, "label": "b"}]
    assert view(APIRequestFactory().post("/", {}, format="json"), lot_id=7).status_code == 405


def test_the_operation_is_documented_with_its_request_and_response_schemas() -> None:
    # when the schema of these two routes is generated
    schema = SchemaGenerator(patterns=urlpatterns).get_schema(request=None, public=True)
    create = schema["paths"]["/lots/{lot_id}/parcels/"]["post"]
    listing = schema["paths"]["/lots/{lot_id}/parcels/all/"]["get"]
    components = schema["components"]["schemas"]

    def ref(body: dict[str, Any]) -> str:
        return body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]

    # then the create documents its input as the request, its output under 201, and no description it did not write
    request_component = ref(create["requestBody"])
    assert set(components[request_component]["properties"]) == {"label"}
    assert components[request_component]["properties"]["label"]["maxLength"] == 10
    assert set(create["responses"]) >= {"201"} and "200" not in create["responses"]
    assert set(components[ref(create["responses"]["201"])]["properties"]) == {"id", "label"}
    assert "description" not in create
    assert create["parameters"][0]["name"] == "lot_id"
    # and the read documents an array of the output, no body, and its own docstring
    assert "requestBody" not in listing
    assert listing["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"
    assert listing["description"] == "The parcels of a lot."
