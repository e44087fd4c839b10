"""Property-based fuzzing of the JSON API from its own OpenAPI schema (schemathesis), on SQLite and
PostgreSQL: every operation gets generated requests (valid and invalid); no answer may be a server
error, and every answer must match the status codes and response schema the API documents.
Bounded: `EXAMPLES` per operation, no deadline per example."""

from __future__ import annotations

import base64

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from web_support import ADMIN, PASSWORD, REGIONS, make_client

pytestmark = pytest.mark.slow

AUTH = {"Authorization": "Basic " + base64.b64encode(f"{ADMIN}:{PASSWORD}".encode()).decode()}
EXAMPLES = 10


def test_api_never_fails_on_generated_requests(store, tiny_instrument):
    store.create_admin(ADMIN, PASSWORD)
    cid = store.create_campaign("Fuzz", store.add_instrument(tiny_instrument), languages=("en", "de"))
    store.add_regions(cid, REGIONS)
    store.create_invitations(cid, [("AT33", "company", "en"), ("SI", "other", "de")])
    app = make_client(store, login_rate=0, token_rate=0, bad_token_rate=0).app
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None,
                  derandomize=True)  # fmt: skip
        def run(case):
            # a well-formed request with content the API must refuse (a non-workbook upload, an unknown
            # region) is answered 4xx by design: only server errors and answers that break the
            # documented statuses, content types and schemas fail
            case.call_and_validate(headers=AUTH, excluded_checks=[positive_data_acceptance])

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - every operation's failure, then all
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:600]}")
    assert operations >= 10, "the API schema lists fewer operations than expected"
    assert not failures, "\n\n".join(failures)
