"""Property-based API tests from the OpenAPI spec (schemathesis): whatever the parameters,
authenticated or not, the service never answers with a server error, and every error is an
RFC 9457 problem (application/problem+json) with a stable code."""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from api_testdata import MAPS
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings

from api.app import create_app
from api.settings import Settings


@pytest.fixture
def database_url(sqlite_url):
    """The fuzzing does not depend on the database kind: SQLite only."""
    return sqlite_url


MAX_EXAMPLES = 20
REAL_KAART = MAPS["vaals_gel"].kaart_id


def _check(case, response) -> None:
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:300])
    content_type = response.headers.get("content-type", [""])
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    if response.status_code >= 400:  # RFC 9457 problem with a Dutch title and detail
        assert content_type == "application/problem+json", (case.formatted_path, content_type)
        body = response.json()
        assert body["status"] == response.status_code and body["code"], response.text[:300]
        assert body["title"] and body["detail"] and body["type"], response.text[:300]


def _runner(operation, headers: dict[str, str], seen: Counter):
    @given(case=operation.as_strategy())
    @hsettings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
               suppress_health_check=list(HealthCheck), database=None)
    def run(case) -> None:
        response = case.call(headers=headers)
        seen[response.status_code] += 1
        _check(case, response)
        if case.path_parameters and "kaart_id" in case.path_parameters:
            case.path_parameters["kaart_id"] = REAL_KAART  # the same input on a real map
            response = case.call(headers=headers)
            seen[response.status_code] += 1
            _check(case, response)

    return run


def test_no_server_errors(settings, tokens):
    """Every operation of the OpenAPI spec, MAX_EXAMPLES generated requests each (and the
    same request again on a real map), authenticated: no 5xx."""
    app = create_app(Settings(**{**settings.model_dump(), "migreer": False}))
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    seen: Counter = Counter()
    for operation in operations:
        assert not operation.path.startswith("/api"), operation.path  # relative to /api/v1
        who = "beheerder_vaals" if operation.path.startswith("/beheer") else "analist_mh"
        _runner(operation, {"Authorization": f"Bearer {tokens[who]}"}, seen)()
    print(f"{len(operations)} operaties, statussen: {dict(seen)}")
    assert sum(seen.values()) >= 10 * len(operations)
    assert seen[200] >= 20 and all(status < 500 for status in seen)
