"""schemathesis against the live server's own OpenAPI document (issue 3, "Reliability targets"):
for every operation, a bounded number of generated requests, none answered with a 5xx or with a
response that breaks the documented schema. Runs on each backend, a few seconds each."""

from __future__ import annotations

import warnings

import pytest
from api.apikit import Live
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

with warnings.catch_warnings():  # its optional GraphQL / HTTP stacks may warn on import
    warnings.simplefilter("ignore")
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.core.result import Ok
    from schemathesis.specs.openapi.checks import response_schema_conformance

EXAMPLES = 4  # per operation: keeps the whole test well under 30 s


def _token(live: Live, method: str, path: str) -> str:
    """Submissions as a monitor (who may submit), everything else as an analyst (reads all)."""
    return str(live.tokens["monitor" if method == "POST" and path.startswith("/api/v1/reports") else "analyst"])


def test_no_server_error_and_no_schema_violation(live: Live) -> None:
    schema = schemathesis.openapi.from_url(live.url + "/api/v1/openapi.json")
    results = list(schema.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results), f"operations schemathesis cannot read: {len(results) - len(operations)}"
    assert len(operations) >= 10, "the OpenAPI document lists fewer operations than expected"

    @settings(
        max_examples=EXAMPLES * len(operations), deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(st.data())
    def run(data: st.DataObject) -> None:
        operation = data.draw(st.sampled_from(operations))
        case = data.draw(operation.as_strategy())
        headers = {"Authorization": f"Bearer {_token(live, operation.method.upper(), operation.path)}"}
        response = case.call_and_validate(
            base_url=live.url, headers=headers, checks=[not_a_server_error, response_schema_conformance]
        )
        statuses.append(response.status_code)

    statuses: list[int] = []
    try:
        run()
    except schemathesis.errors.IncorrectUsage as error:  # pragma: no cover - a version mismatch
        pytest.fail(f"schemathesis {schemathesis.__version__} rejected the test's usage: {error}")
    assert any(200 <= status < 300 for status in statuses), f"no request was answered 2xx: {sorted(set(statuses))}"
