"""One problem+json body for every error, with the field named; never a 500 for bad input."""

from __future__ import annotations

import httpx
import pytest
from api.apikit import Live, report

PROBLEM = "application/problem+json"


def assert_problem(answer: object, status: int) -> dict[str, object]:
    import httpx

    assert isinstance(answer, httpx.Response)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == PROBLEM
    body = answer.json()
    assert {"type", "title", "status", "detail"} <= set(body) and body["status"] == status
    assert "Traceback" not in answer.text
    return dict(body)


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer cf_not-a-token"}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer"}],
    ids=["none", "unknown", "basic", "empty"],
)
@pytest.mark.parametrize("path", ["/reports", "/reports/1", "/log/checkpoint", "/tokens"])
def test_without_a_valid_token_401(live: Live, headers: dict[str, str], path: str) -> None:
    with live.client(**headers) as client:
        assert_problem(client.get(path), 401)


PUBLIC = ["/findings", "/clocks", "/claims", "/incidents", "/agreement", "/runs", "/cases"]


@pytest.mark.parametrize("path", PUBLIC)
def test_public_reads_need_no_token_but_a_sent_token_must_be_valid(live: Live, path: str) -> None:
    with live.client() as client:
        assert client.get(path).status_code == 200
    with live.client(Authorization="Bearer cf_not-a-token") as client:
        assert_problem(client.get(path), 401)


# (body, the fields the problem must name)
BAD = [
    (report(lat=91), ["lat"]),
    (report(lon="east"), ["lon"]),
    (report(occurred_on="2016-02-30"), ["occurred_on"]),
    (report(occurred_on="9999-12-31"), ["occurred_on"]),  # in the future
    (report(weapon="spear"), ["weapon"]),
    (report(fatalities=-1), ["fatalities"]),
    (report(title=""), ["title"]),
    (report(description="nul \x00 inside"), ["description"]),  # PostgreSQL text cannot hold NUL
    (report(sources=[{"name": "a\x00b"}]), ["sources.0.name"]),
    (report(sources=[{"name": "x", "url": "javascript:alert(1)"}]), ["sources.0.url"]),
    (report(client_hash="abc"), ["client_hash"]),
    (report(extra="field"), ["extra"]),
    ({k: v for k, v in report().items() if k != "event_type"}, ["event_type"]),
    ([1, 2], [""]),
]


@pytest.mark.parametrize(("body", "fields"), BAD, ids=[f[0] or "not-an-object" for _, f in BAD])
def test_validation_errors_name_the_field(live: Live, body: object, fields: list[str]) -> None:
    with live.client("monitor") as client:
        problem = assert_problem(client.post("/reports", json=body), 422)
    named = [e["field"] for e in problem["errors"]]  # type: ignore[attr-defined]
    for field in fields:
        assert any(n == field or (not field and n) for n in named), (field, named)


@pytest.mark.parametrize(
    ("method", "path", "content", "status"),
    [
        ("POST", "/reports", b"{not json", 422),
        ("POST", "/reports", b"", 422),
        ("POST", "/reports", b'{"lat": NaN}', 422),
        ("GET", "/reports/abc", None, 422),
        ("GET", "/reports/0", None, 422),
        ("GET", "/reports/99999999999999999999999", None, 422),
        ("GET", "/reports?limit=0", None, 422),
        ("GET", "/reports?limit=1e99", None, 422),
        ("GET", "/reports?offset=-1", None, 422),
        ("GET", "/findings?from=yesterday", None, 422),
        ("GET", "/findings?status=maybe", None, 422),
        ("GET", "/log/proof?index=-1", None, 422),
        ("GET", "/log/proof?index=0&size=1000000", None, 422),
        ("GET", "/log/proof?index=5&size=5", None, 422),
        ("GET", "/log/consistency?from=0&to=1", None, 422),
        ("GET", "/log/consistency?from=3&to=2", None, 422),
        ("GET", "/nowhere", None, 404),
        ("DELETE", "/reports/1", None, 405),
        ("PUT", "/reports/1", None, 405),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_requests_get_a_problem_never_a_500(
    live: Live, method: str, path: str, content: bytes | None, status: int
) -> None:
    with live.client("analyst", **{"content-type": "application/json"}) as client:
        assert_problem(client.request(method, path, content=content), status)


def test_the_openapi_document_is_public_and_declares_problem_bodies(live: Live) -> None:
    with live.client() as client:
        document = client.get("/openapi.json").json()
    operation = document["paths"]["/api/v1/reports"]["post"]
    assert "application/problem+json" in operation["responses"]["422"]["content"]
    assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_the_documented_example_report_is_valid(live: Live) -> None:
    from ceasefire.api.reports import EXAMPLE_REPORT, ReportIn

    assert ReportIn.model_validate(EXAMPLE_REPORT).title == EXAMPLE_REPORT["title"]
    schema = httpx.get(live.url + "/api/v1/openapi.json").json()["components"]["schemas"]["ReportIn"]
    assert schema["examples"] == [EXAMPLE_REPORT]
