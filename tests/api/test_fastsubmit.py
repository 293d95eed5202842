"""The fast path of ``POST /api/v1/reports`` (``api/fastsubmit.py``) answers as the FastAPI route
does: the same status, headers and body, for requests it takes and for those it declines.

Two servers over one database, on both backends: the app as served, and the same app without
the fast path (every request through FastAPI's route). Each case is sent to both; answers must
match but for what a new report makes differ (ids, log indexes, receipts, token ids).
"""

from __future__ import annotations

import dataclasses
import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from api.apikit import REPORT, database, report, running
from fastapi import FastAPI
from store.storekit import BACKENDS

from ceasefire.api import fastsubmit
from ceasefire.api.fastsubmit import SubmitFastPath
from ceasefire.api.state import Settings
from ceasefire.server import create_app

QUOTA = 6  # report versions a day per token and per party (the cases write at most 4 per token)
Pair = tuple[str, str, dict[str, str]]  # (fast URL, route URL, tokens)


def _without_fast_path(settings: Settings) -> FastAPI:
    app = create_app(settings)
    app.user_middleware = [m for m in app.user_middleware if m.cls is not SubmitFastPath]
    return app


@pytest.fixture(scope="module", params=BACKENDS)
def pair(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    """The served app and the app without the fast path, over one database."""
    with database(request.param, tmp_path_factory.mktemp("fastsubmit")) as (settings, tokens):
        settings = dataclasses.replace(settings, reports_per_day=QUOTA)
        with running(create_app(settings)) as fast, running(_without_fast_path(settings)) as route:
            yield fast, route, tokens


def _send(url: str, headers: dict[str, str], content: bytes) -> httpx.Response:
    return httpx.post(f"{url}/api/v1/reports", headers=headers, content=content, timeout=30)


def _shape(value: Any) -> Any:
    """Keys and value types: what two receipts (or log entries) of new reports share."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    return "list" if isinstance(value, list) else type(value).__name__


def _comparable(answer: httpx.Response) -> tuple[int, list[tuple[str, str]], Any]:
    """Status, headers and body, with what differs between two new reports (ids, indexes, the
    receipt, the entry's time) reduced to its shape; token ids and seconds in messages masked."""
    headers = [(k, re.sub(r"\d+", "N", v)) for k, v in answer.headers.items() if k not in ("date", "content-length")]
    if answer.status_code != 201:
        return answer.status_code, headers, re.sub(r"(token|in) \d+", r"\1 N", answer.text)
    body = answer.json()
    entry = json.loads(body["entry"])
    written = {key: entry[key] for key in ("kind", "version", "party")}
    return answer.status_code, headers, (_shape({**body, "entry": entry}), written, body["version"])


def _json(document: Any) -> bytes:
    return json.dumps(document).encode()


# (id, token name or None, extra headers, body); each case gets a fresh Idempotency-Key unless it sets one
CASES: list[tuple[str, str | None, dict[str, str], bytes]] = [
    ("new report", "monitor", {}, _json(report(title="a"))),
    ("party", "gov", {}, _json(report(title="b"))),
    ("no key", "monitor2", {"Idempotency-Key": ""}, _json(report(title="c"))),
    ("lower-case scheme", "opposition", {"Authorization": "bearer {token}"}, _json(report(title="d"))),
    ("no token", None, {}, _json(REPORT)),
    ("unknown token", None, {"Authorization": "Bearer cf_nope"}, _json(REPORT)),
    ("basic auth", None, {"Authorization": "Basic Zm9vOmJhcg=="}, _json(REPORT)),
    ("bearer, no token", None, {"Authorization": "Bearer"}, _json(REPORT)),
    ("observer", "observer", {}, _json(REPORT)),
    ("analyst", "analyst", {}, _json(REPORT)),
    ("missing title", "monitor", {}, _json({k: v for k, v in REPORT.items() if k != "title"})),
    ("extra field", "monitor", {}, _json(report(colour="red"))),
    ("bad latitude", "monitor", {}, _json(report(lat=91))),
    ("future day", "monitor", {}, _json(report(occurred_on="2999-01-01"))),
    ("not JSON", "monitor", {}, b"{not json"),
    ("a list", "monitor", {}, b"[1, 2]"),
    ("empty body", "monitor", {}, b""),
    ("not UTF-8", "monitor", {}, b'{"title": "\xff"}'),
    ("text/plain", "monitor", {"Content-Type": "text/plain"}, _json(REPORT)),
    ("charset", "monitor", {"Content-Type": "application/json; charset=utf-8"}, _json(report(title="e"))),
    ("key too long", "monitor", {"Idempotency-Key": "k" * 201}, _json(REPORT)),
    ("bad body, bad token", None, {"Authorization": "Bearer cf_nope"}, _json(report(lat=91))),
    ("bad body, no token", None, {}, b"{not json"),
]


def _headers(case_headers: dict[str, str], token: str | None) -> dict[str, str]:
    headers = {"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    for name, value in case_headers.items():
        if name == "Idempotency-Key" and not value:
            del headers[name]
        else:
            headers[name] = value.format(token=token)
    return headers


@pytest.mark.parametrize(("name", "holder", "extra", "body"), CASES, ids=[c[0] for c in CASES])
def test_same_answer(pair: Pair, name: str, holder: str | None, extra: dict[str, str], body: bytes) -> None:
    fast, route, tokens = pair
    token = tokens[holder] if holder else None
    answers = [_send(url, _headers(extra, token), body) for url in (fast, route)]
    assert _comparable(answers[0]) == _comparable(answers[1]), name


def test_replay_and_mismatch(pair: Pair) -> None:
    """The same key again replays the first answer; with another body it is a 422; a key first
    used on one path replays on the other."""
    fast, route, tokens = pair
    headers = _headers({}, tokens["gov2"])
    first = _send(fast, headers, _json(report(title="once")))
    assert first.status_code == 201, first.text
    for url in (fast, route):
        again = _send(url, headers, _json(report(title="once")))
        assert (again.status_code, again.headers["Idempotent-Replayed"]) == (201, "true")
        assert again.json() == first.json()
    mismatch = [_comparable(_send(url, headers, _json(report(title="other")))) for url in (fast, route)]
    assert mismatch[0] == mismatch[1]
    assert mismatch[0][0] == 422


def test_quota(pair: Pair) -> None:
    """Past the daily quota both paths answer the same 429 (the fast path checks it too)."""
    fast, route, tokens = pair
    answers = []
    for url in (fast, route):
        headers = _headers({}, tokens["admin"])  # never a submitter: 403 after the token checks
        answers.append(_comparable(_send(url, headers, _json(REPORT))))
    assert answers[0] == answers[1]
    assert answers[0][0] == 403
    for _ in range(QUOTA):  # fill monitor2's quota (some cases above may have used it already)
        _send(fast, _headers({}, tokens["monitor2"]), _json(REPORT))
    refused = [_comparable(_send(url, _headers({}, tokens["monitor2"]), _json(REPORT))) for url in (fast, route)]
    assert refused[0] == refused[1]
    assert refused[0][0] == 429


def test_the_fast_path_takes_valid_submissions(pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    """A valid submission is answered by the fast path (else the cases above compare the route
    with itself), one it declines by the route."""
    fast, route, tokens = pair
    taken: list[str] = []
    answer = fastsubmit._submit

    async def counted(*args: Any) -> Any:
        taken.append("fast")
        return await answer(*args)

    monkeypatch.setattr(fastsubmit, "_submit", counted)
    assert _send(fast, _headers({}, tokens["opposition"]), _json(report(title="f"))).status_code == 201
    assert _send(fast, _headers({}, tokens["opposition"]), _json(report(lat=91))).status_code == 422
    assert _send(route, _headers({}, tokens["opposition"]), _json(report(title="g"))).status_code == 201
    assert taken == ["fast"]
