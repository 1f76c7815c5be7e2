"""Fuzzing every commune's API from its own OpenAPI schema (issue 13.6 and 13.8), in-process against the WSGI
application: as the régisseur, a chef de bureau and a collector's device, generated requests (valid and
invalid ones) never get a 5xx, and every answer has a documented status, content type and body schema. Each
distinct schema is fuzzed once: communes that publish the same one would get the very same requests.

Bounded for CI: JAMAA_FUZZ_EXAMPLES examples per operation and identity (default 4), derandomized so a run is
repeatable; set JAMAA_FUZZ_EXAMPLES higher and JAMAA_FUZZ_SEED to explore more on a workstation."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import IntegrityError, close_old_connections, connection, transaction
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, Phase, given, seed, settings
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from jamaa.modules.collecte import services as collecte_services
from jamaa.modules.etatcivil import permissions as etatcivil_roles
from jamaa.modules.regie import permissions as regie_roles
from tests.modules.etatcivil.factories import bureau
from tests.modules.etatcivil.factories import user_with as etatcivil_user
from tests.modules.regie.factories import installed, user_with

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("JAMAA_FUZZ_EXAMPLES", "4"))
SEED = os.environ.get("JAMAA_FUZZ_SEED")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """The production WSGI application, sharing the test's connection (and so its transaction): Django's test
    client does the same, closing no connection between requests."""
    from jamaa.platform.wsgi import application

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield application
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def identities(slug: str) -> dict[str, str]:
    """The régisseur, a chef de bureau and a collector's device of the commune, with data to point at."""
    with schema_context(slug):
        ref = installed(passwords=False)
        bureau()
        chief = etatcivil_user("chief", etatcivil_roles.CHIEF, etatcivil_roles.AGENT)
        user_with("collector", regie_roles.AGENT)
        _, device_token = collecte_services.device_register(username="collector", password="Pass-2026-word!", name="P")
        return {
            "regisseur": f"Token {Token.objects.create(user=ref['regisseur']).key}",
            "chief": f"Token {Token.objects.create(user=chief).key}",
            "device": f"Device {device_token}",
        }


def fuzz(operation: Any, base_url: str, users: dict[str, str]) -> None:
    """Generated cases of one operation, each sent as every identity. Each request runs in a savepoint that is
    rolled back after its deferred constraints are checked: a foreign key that would only fail at commit (a 500
    in production) fails here, and no case sees another's writes."""
    strategy = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=SEED is None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        for who, authorization in users.items():
            headers = {"Authorization": authorization}
            with transaction.atomic():
                response = case.call(base_url=base_url, headers=headers)
                try:
                    connection.check_constraints()
                except IntegrityError as exc:
                    raise AssertionError(f"as {who}: a constraint fails at commit: {exc}") from None
                finally:
                    transaction.set_rollback(True)
            case.validate_response(response, checks=CHECKS, headers=headers)

    if SEED is not None:
        run = seed(int(SEED))(run)
    run()


def test_no_operation_answers_a_server_error_or_off_schema(fes, meknes, wsgi_app) -> None:
    failures: list[str] = []
    operations = 0
    fuzzed: dict[str, str] = {}  # the schema's text → the commune whose API was fuzzed with it
    for commune in (fes, meknes):
        # Both communes enable every module, so they publish the same schema; the cases are derandomized and each
        # commune gets the same identities and data: fuzzing the second would send the very same requests again
        # (about half of this test's time). A commune whose schema differs (other modules) is fuzzed on its own.
        base_url = f"http://{commune.host}"
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, base_url=base_url)
        text = json.dumps({k: v for k, v in schema.raw_schema.items() if k != "servers"}, sort_keys=True)
        if text in fuzzed:
            continue
        fuzzed[text] = commune.slug
        users = identities(commune.slug)
        for result in schema.get_all_operations():
            operation = result.ok()
            operations += 1
            try:
                fuzz(operation, base_url, users)
            except (Exception, BaseExceptionGroup) as exc:  # every failing operation is reported, not just the first
                failures.append(f"{commune.slug} {operation.label}: {exc}")
    assert operations > 80  # every operation of every distinct schema the communes publish
    assert failures == [], "\n\n".join(failures)
