"""The endpoint x role x party matrix, built from the OpenAPI document: every operation the
server publishes must have a row here (a new endpoint without one fails), and every cell is
checked against a real server, each on a fresh report submitted by the party `syria-gov` and a
fresh case opened from it with a request for information addressed to `syria-gov`."""

from __future__ import annotations

from typing import Any

import pytest
from api.apikit import Live, report
from store.storekit import SYRIA

ROLES = ["anonymous", "admin", "analyst", "monitor", "gov", "gov2", "opposition", "observer"]
ALL_200 = {role: 200 for role in ROLES} | {"anonymous": 401}
PUBLIC = {role: 200 for role in ROLES}  # the public (no token) too: published material
ANALYST = {"anonymous": 401} | {role: 403 for role in ROLES[1:]}


def row(**statuses: int) -> dict[str, int]:
    return {"anonymous": 401, **statuses}


# (method, path) -> the status each caller gets; "gov" submitted the (unpublished) report,
# "gov2" is another token of the same party, "opposition" another party.
MATRIX: dict[tuple[str, str], dict[str, int]] = {
    ("post", "/api/v1/reports"): row(
        admin=403, analyst=403, monitor=201, gov=201, gov2=201, opposition=201, observer=403
    ),
    ("get", "/api/v1/reports"): ALL_200,
    ("get", "/api/v1/reports/{report_id}"): row(
        admin=200, analyst=200, monitor=404, gov=200, gov2=200, opposition=404, observer=404
    ),
    ("post", "/api/v1/reports/{report_id}/versions"): row(
        admin=403, analyst=403, monitor=404, gov=201, gov2=201, opposition=404, observer=403
    ),
    ("post", "/api/v1/reports/{report_id}/publish"): row(
        admin=403, analyst=200, monitor=403, gov=403, gov2=403, opposition=403, observer=403
    ),
    ("post", "/api/v1/reports/{report_id}/evidence"): row(
        admin=403, analyst=403, monitor=404, gov=201, gov2=201, opposition=404, observer=403
    ),
    ("get", "/api/v1/log/checkpoint"): ALL_200,
    ("get", "/api/v1/log/key"): ALL_200,
    ("get", "/api/v1/log/proof"): ALL_200,
    ("get", "/api/v1/log/consistency"): ALL_200,
    ("get", "/api/v1/findings"): PUBLIC,
    ("get", "/api/v1/clocks"): PUBLIC,
    ("get", "/api/v1/claims"): PUBLIC,
    ("get", "/api/v1/incidents"): PUBLIC,
    ("get", "/api/v1/map"): PUBLIC,
    ("get", "/api/v1/map/incidents/{incident_id}"): PUBLIC,  # an imported incident: every reader's
    ("get", "/api/v1/agreement"): PUBLIC,
    ("get", "/api/v1/agreements"): row(
        admin=200, analyst=200, monitor=403, gov=403, gov2=403, opposition=403, observer=403
    ),
    ("post", "/api/v1/agreements"): row(
        admin=201, analyst=403, monitor=403, gov=403, gov2=403, opposition=403, observer=403
    ),
    ("get", "/api/v1/runs"): PUBLIC,
    ("post", "/api/v1/runs"): ANALYST | {"analyst": 201},
    ("post", "/api/v1/runs/{run_id}/publish"): ANALYST | {"analyst": 200},
    ("get", "/api/v1/tokens"): row(
        admin=200, analyst=403, monitor=403, gov=403, gov2=403, opposition=403, observer=403
    ),
    ("post", "/api/v1/tokens"): row(
        admin=201, analyst=403, monitor=403, gov=403, gov2=403, opposition=403, observer=403
    ),
    ("post", "/api/v1/tokens/{token_id}/revoke"): row(
        admin=200, analyst=403, monitor=403, gov=403, gov2=403, opposition=403, observer=403
    ),
    ("post", "/api/v1/cases"): row(
        admin=403, analyst=201, monitor=403, gov=403, gov2=403, opposition=403, observer=403
    ),
    ("get", "/api/v1/cases"): PUBLIC,
    ("get", "/api/v1/cases/{case_id}"): row(
        admin=200, analyst=200, monitor=404, gov=200, gov2=200, opposition=404, observer=404, anonymous=404
    ),
    ("post", "/api/v1/cases/{case_id}/publish"): ANALYST | {"analyst": 200},
    ("post", "/api/v1/cases/{case_id}/requests"): row(
        admin=403, analyst=201, monitor=403, gov=403, gov2=403, opposition=403, observer=403
    ),
    ("post", "/api/v1/cases/{case_id}/responses"): row(
        admin=403, analyst=403, monitor=403, gov=201, gov2=201, opposition=404, observer=403
    ),
    ("post", "/api/v1/cases/{case_id}/assessment"): row(
        admin=403, analyst=201, monitor=403, gov=403, gov2=403, opposition=403, observer=403
    ),
    ("post", "/api/v1/links"): row(
        admin=403, analyst=201, monitor=403, gov=403, gov2=403, opposition=403, observer=403
    ),
    ("get", "/api/v1/links"): row(admin=200, analyst=200, monitor=403, gov=403, gov2=403, opposition=403, observer=403),
    ("get", "/api/v1/links/candidates"): row(
        admin=200, analyst=200, monitor=403, gov=403, gov2=403, opposition=403, observer=403
    ),
    ("get", "/bulletin/"): PUBLIC,
    ("get", "/bulletin/index.json"): PUBLIC,
    ("get", "/bulletin/{day}.html"): PUBLIC,
    ("get", "/bulletin/{day}.json"): PUBLIC,
    ("get", "/bulletin/{day}.pdf"): PUBLIC,
    ("get", "/export/findings.csv"): PUBLIC,
    ("get", "/export/findings.hxl.csv"): PUBLIC,
    ("get", "/export/findings.geojson"): PUBLIC,
    ("get", "/export/findings.parquet"): PUBLIC,
}
# What each operation is called with, beyond the path.
REQUEST: dict[tuple[str, str], dict[str, Any]] = {
    ("post", "/api/v1/reports"): {"json": report()},
    ("post", "/api/v1/reports/{report_id}/versions"): {"json": report(fatalities=5)},
    ("post", "/api/v1/reports/{report_id}/evidence"): {"files": {"file": ("a.txt", b"evidence", "text/plain")}},
    ("get", "/api/v1/log/proof"): {"params": {"index": 0}},
    ("get", "/api/v1/log/consistency"): {"params": {"from": 1, "to": 2}},
    ("post", "/api/v1/cases"): {"json": {"title": "matrix", "reports": [1]}},
    ("post", "/api/v1/cases/{case_id}/requests"): {
        "json": {"party": "syria-gov", "question": "q", "deadline": "2016-10-01"}
    },
    ("post", "/api/v1/cases/{case_id}/responses"): {"json": {"response": "r"}},
    ("post", "/api/v1/cases/{case_id}/assessment"): {
        "json": {"conclusion": "inconclusive", "grades": [{"source": "SOHR", "reliability": "B", "credibility": 2}]}
    },
    ("post", "/api/v1/agreements"): {
        "content": (SYRIA / "agreement.yaml").read_bytes(),
        "headers": {"Content-Type": "application/yaml"},
    },
    ("post", "/api/v1/tokens"): {"json": {"role": "observer", "name": "matrix"}},
    ("post", "/api/v1/links"): {"json": {"records": ["SYR-ILL-0001", "SYR-ILL-0002"], "decision": "split"}},
    ("get", "/api/v1/links/candidates"): {"params": {"report": 1}},
}
CELLS = [(op, role) for op in MATRIX for role in ROLES]


def test_every_endpoint_of_the_openapi_document_is_in_the_matrix(live: Live) -> None:
    with live.client() as client:
        paths = client.get("/openapi.json").json()["paths"]
    published = {(method, path) for path, operations in paths.items() for method in operations}
    assert published - set(MATRIX) == set(), "endpoints without a row in the role matrix"
    assert set(MATRIX) - published == set(), "matrix rows for endpoints the server does not publish"


@pytest.mark.parametrize(
    ("op", "role"), CELLS, ids=[f"{m.upper()} {p.removeprefix('/api/v1')} as {r}" for (m, p), r in CELLS]
)
def test_matrix_cell(live: Live, op: tuple[str, str], role: str) -> None:
    with live.client("gov") as client:
        report_id = client.post("/reports", json=report(title="matrix")).json()["id"]
    with live.client("analyst") as client:  # a case with a request addressed to syria-gov
        case_id = client.post("/cases", json={"title": "matrix", "reports": [report_id]}).json()["id"]
        client.post(f"/cases/{case_id}/requests", json=REQUEST[("post", "/api/v1/cases/{case_id}/requests")]["json"])
    method, path = op
    token_id = 0
    if "{token_id}" in path:  # a token of its own to revoke, never one the other cells use
        with live.client("admin") as client:
            token_id = client.post("/tokens", json={"role": "observer", "name": "to revoke"}).json()["id"]
    with live.client(None if role == "anonymous" else role) as client:
        ids = {"report_id": report_id, "case_id": case_id, "run_id": 1, "token_id": token_id}
        url = path.removeprefix("/api/v1").format(**ids, day="2016-09-19", incident_id="SYR-ILL-0001")
        if not path.startswith("/api/v1"):  # the root routes (/bulletin/, /export/): leave the client's /api/v1 base
            url = live.url + url
        answer = client.request(method.upper(), url, **REQUEST.get(op, {}))
    assert answer.status_code == MATRIX[op][role], answer.text
    if answer.status_code >= 400:
        assert answer.headers["content-type"] == "application/problem+json"
