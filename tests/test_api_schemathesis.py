"""schemathesis against /api/v1/openapi.json (issue #10).

Every GET operation gets a bounded number of generated requests (query and path parameters
from its schema), as two personas with an API token each: never a 5xx, and every documented
response conforms to its schema."""

from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import FailureGroup, not_a_server_error, response_schema_conformance
from schemathesis.core.errors import InvalidSchema

# "api_crawl": it walks the API, not the database; CI runs it on PostgreSQL only (see .ci/run)
pytestmark = [pytest.mark.django_db, pytest.mark.api_crawl]

TOKEN_PERSONAS = ["city_admin", "county_a"]
EXAMPLES = {"positive": 5, "negative": 3}  # per GET operation (103 of them on 2026-11-30)
# Operations whose response schema schemathesis refuses: hazards' HazardStatsOut declares
# list[tuple[str, int]], which comes out as "items": [..] (not valid OpenAPI 3.1; it would be
# prefixItems). To fix in yingji/hazards/schemas.py; any other invalid schema fails the test.
KNOWN_INVALID = {"/api/v1/hazards/stats"}


@pytest.fixture
def api_schema(db, as_user, settings):
    from django.core import signals
    from django.db import close_old_connections

    from yingji.wsgi import application

    settings.ALLOWED_HOSTS = ["*"]
    document = json.loads(as_user("city_admin").get("/api/v1/openapi.json").content)
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = application  # requests go through the WSGI application, in this process
    # as Django's test client does: the end of a request must not close the test's connection
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield loaded
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token_headers(persona):
    from yingji.core.context import actor_context
    from yingji.core.services import do_create_token

    headers = {}
    for name in TOKEN_PERSONAS:
        user = persona(name)
        with actor_context(user, source="test", label="schemathesis"):
            _token, key = do_create_token(actor=user, name="schemathesis", expires_at=None)
        # identity: the map layers are gzip-encoded for clients that accept it, and this WSGI
        # client would not decode them
        headers[name] = {"Authorization": f"Bearer {key}", "Accept-Encoding": "identity"}
    return headers


def _get_operations(loaded):
    for result in loaded.include(method="GET").get_all_operations():
        yield result.ok()


# schemathesis's own pytest plugin (schema.parametrize) does not run under pytest 9 (it reads
# a removed attribute of pytest's items), so each operation's strategy is drawn from here.
@pytest.mark.parametrize("generation", ["positive", "negative"])
def test_every_get_operation(api_schema, token_headers, generation):
    from schemathesis import GenerationMode

    mode = GenerationMode(generation)
    failures, invalid, tested = [], [], 0
    for operation in _get_operations(api_schema):
        if operation.path in {p.removeprefix("/api/v1") for p in KNOWN_INVALID} | KNOWN_INVALID:
            continue

        @settings(
            max_examples=EXAMPLES[generation],
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case):
            for name, headers in token_headers.items():
                response = case.call(headers=headers)
                try:
                    case.validate_response(
                        response, checks=[not_a_server_error, response_schema_conformance]
                    )
                except (AssertionError, FailureGroup) as failed:
                    failures.append(f"{name} {case.method} {case.formatted_path}: {failed}")
                    raise

        try:
            run()
        except (AssertionError, FailureGroup):
            pass  # recorded (the shrunk example last): the next operation is tested too
        except InvalidSchema as exc:
            invalid.append(f"{operation.path}: {str(exc)[:300]}")
        tested += 1
    assert tested > 30
    assert not invalid, "\n".join(invalid)
    assert not failures, "\n\n".join(failures[:10])
