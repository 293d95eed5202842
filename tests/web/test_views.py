"""The page data of ceasefire.web.views, on small hand-made findings, clocks, claims and cases."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from factories import EFFECTIVE

from ceasefire.model import Clock, Finding, Obligation, Party, Rule
from ceasefire.news.verdicts import ClaimVerdict
from ceasefire.web import views

PARTIES = (Party("gov", "Government"), Party("opp", "Opposition"))
OBLIGATIONS = (
    Obligation(
        "attacks", "cessation_of_hostilities", "No attacks.", ("gov", "opp"), EFFECTIVE, rule=Rule("no_attacks")
    ),
    Obligation(
        "air", "air_operations", "No air strikes.", ("gov",), EFFECTIVE, rule=Rule("no_air_strikes", zones=("z",))
    ),
    Obligation(
        "clock",
        "coordination",
        "Seven quiet days.",
        ("gov",),
        EFFECTIVE,
        rule=Rule("condition", over=("attacks",), max_per_day=1, consecutive_days=3),
    ),
    Obligation("separate", "separation_of_forces", "Separate.", ("opp",), EFFECTIVE),
)


def finding(
    ident: str,
    date: str,
    status: str = "violation",
    obligation: str = "attacks",
    parties: tuple[str, ...] = ("gov",),
    confidence: float = 0.5,
    category: str = "cessation_of_hostilities",
) -> Finding:
    return Finding(
        id=ident,
        obligation=obligation,
        category=category,
        status=status,
        parties=parties,
        attribution="certain",
        incidents=(ident,),
        date=dt.date.fromisoformat(date),
        lat=0.0,
        lon=0.0,
        confidence=confidence,
        explanation=f"why {ident}",
        location="X",
    )


FINDINGS = [
    finding("f1", "2016-09-13"),
    finding("f2", "2016-09-13", parties=("gov", "opp")),  # ambiguous: counts for both
    finding("f3", "2016-09-15", status="possible_violation"),
    finding("f4", "2016-09-15", obligation="air", category="air_operations"),
    finding("f5", "2016-09-16", status="exempt"),
    finding("f6", "2016-09-17", parties=("opp",)),
]


def cell(card: dict[str, Any], party: str, obligation: str | None) -> dict[str, Any]:
    row = next(r for r in card["parties"] if r["id"] == party)
    return row["total"] if obligation is None else next(c for c in row["cells"] if c["obligation"] == obligation)


# (party, obligation, from, to) -> (violations, possible violations), counted by hand from FINDINGS
COUNTS = [
    (("gov", "attacks", None, None), (2, 1)),
    (("gov", "air", None, None), (1, 0)),
    (("gov", None, None, None), (3, 1)),  # exempt f5 is not counted
    (("opp", "attacks", None, None), (2, 0)),
    (("opp", "air", None, None), (0, 0)),
    (("gov", "attacks", "2016-09-14", None), (0, 1)),
    (("opp", None, None, "2016-09-16"), (1, 0)),
    (("gov", None, "2016-09-15", "2016-09-15"), (1, 1)),
    (("gov", None, "2016-10-01", None), (0, 0)),  # after the run
]


@pytest.mark.parametrize(("key", "expected"), COUNTS, ids=[f"{k[0]}-{k[1]}-{k[2]}-{k[3]}" for k, _ in COUNTS])
def test_scorecard_counts(key: tuple[str, str | None, str | None, str | None], expected: tuple[int, int]) -> None:
    party, obligation, start, end = key
    card = views.scorecards(
        FINDINGS,
        PARTIES,
        OBLIGATIONS,
        dt.date.fromisoformat(start) if start else None,
        dt.date.fromisoformat(end) if end else None,
    )
    got = cell(card, party, obligation)
    assert (got["violation"], got["possible_violation"]) == expected


def test_scorecard_columns_are_verified_obligations_only() -> None:
    card = views.scorecards(FINDINGS, PARTIES, OBLIGATIONS)
    # the clock and the obligation without a rule have no findings of their own
    assert [o["id"] for o in card["obligations"]] == ["attacks", "air"]
    assert [r["id"] for r in card["parties"]] == ["gov", "opp"]


def test_scorecard_links_filter_the_map() -> None:
    card = views.scorecards(FINDINGS, PARTIES, OBLIGATIONS, dt.date(2016, 9, 14))
    href = cell(card, "gov", "air")["violation_href"]
    assert urlsplit(href).path == "/"
    assert parse_qs(urlsplit(href).query) == {
        "party": ["gov"],
        "obligation": ["air"],
        "status": ["violation"],
        "from": ["2016-09-14"],
    }
    total = parse_qs(urlsplit(cell(card, "opp", None)["possible_violation_href"]).query)
    assert "obligation" not in total and total["status"] == ["possible_violation"]


TRENDS = [
    (
        None,
        None,
        ["2016-09-13", "2016-09-14", "2016-09-15", "2016-09-16", "2016-09-17"],
        {"gov": [2, 0, 1, 0, 0], "opp": [1, 0, 0, 0, 1]},
    ),
    ("2016-09-15", None, ["2016-09-15", "2016-09-16", "2016-09-17"], {"gov": [1, 0, 0], "opp": [0, 0, 1]}),
    ("2016-09-01", "2016-09-14", ["2016-09-13", "2016-09-14"], {"gov": [2, 0], "opp": [1, 0]}),  # clipped to the run
]


@pytest.mark.parametrize(("start", "end", "days", "per_party"), TRENDS, ids=["whole-run", "from", "clipped"])
def test_scorecard_trend_has_one_cell_per_day(
    start: str | None, end: str | None, days: list[str], per_party: dict[str, list[int]]
) -> None:
    card = views.scorecards(
        FINDINGS,
        PARTIES,
        OBLIGATIONS,
        dt.date.fromisoformat(start) if start else None,
        dt.date.fromisoformat(end) if end else None,
    )
    assert card["days"] == days
    for row in card["parties"]:
        assert [t["date"] for t in row["trend"]] == days
        assert [t["violations"] for t in row["trend"]] == per_party[row["id"]]
        assert row["trend_peak"] == max(per_party[row["id"]])
    assert card["trend_peak"] == max(max(v) for v in per_party.values())


def test_scorecards_without_findings() -> None:
    card = views.scorecards([], PARTIES, OBLIGATIONS)
    assert card["days"] == [] and card["trend_peak"] == 0 and cell(card, "gov", None)["violation"] == 0


@pytest.mark.parametrize(
    ("first", "last", "count"),
    [("2016-09-01", "2016-09-01", 1), ("2016-09-02", "2016-09-01", 0), ("2015-01-01", "2016-12-31", views.MAX_DAYS)],
    ids=["one", "reversed", "capped"],
)
def test_day_range(first: str, last: str, count: int) -> None:
    days = views.day_range(dt.date.fromisoformat(first), dt.date.fromisoformat(last))
    assert len(days) == count
    if days:
        assert days[-1] == last and days == sorted(days)


def clock(quiet: str, met_on: str | None, need: int = 3) -> Clock:
    """A clock whose days start on 1 Sep: ``quiet`` is one letter a day, q (quiet) or b (broken)."""
    days = [
        {"date": f"2016-09-{i + 1:02d}", "violations": 0 if q == "q" else 5, "quiet": q == "q"}
        for i, q in enumerate(quiet)
    ]
    return Clock.from_document(
        {
            "obligation": "clock",
            "met_on": met_on,
            "days": days,
            "over": ["attacks"],
            "max_per_day": 1,
            "consecutive_days": need,
        }
    )


CLOCKS = [
    ("qqbqqqb", "2016-09-06", [1, 2, 0, 1, 2, 3, 0], 3, "2016-09-04", "Met on 2016-09-06."),
    ("qqqqbqq", "2016-09-03", [1, 2, 3, 4, 0, 1, 2], 4, "2016-09-01", "Met on 2016-09-03."),
    (
        "qqbqqbq",
        None,
        [1, 2, 0, 1, 2, 0, 1],
        2,
        "2016-09-01",
        "Never met: the longest quiet run was 2 days (2016-09-01 to 2016-09-02).",
    ),
    (
        "bbbqbbb",
        None,
        [0, 0, 0, 1, 0, 0, 0],
        1,
        "2016-09-04",
        "Never met: the longest quiet run was 1 day (2016-09-04).",
    ),
    ("bbb", None, [0, 0, 0], 0, None, "Never met: no day was quiet."),
]


@pytest.mark.parametrize(
    ("quiet", "met_on", "streaks", "longest", "longest_from", "ending"),
    CLOCKS,
    ids=["met-late", "met-then-broken", "never", "one-quiet-day", "none-quiet"],
)
def test_clock_strip(
    quiet: str, met_on: str | None, streaks: list[int], longest: int, longest_from: str | None, ending: str
) -> None:
    strip = views.clock_strips([clock(quiet, met_on)], {"clock": "Seven quiet days."})["clocks"][0]
    assert [d["streak"] for d in strip["days"]] == streaks
    assert (strip["longest"], strip["longest_from"], strip["met"]) == (longest, longest_from, met_on is not None)
    assert strip["text"] == "Seven quiet days." and strip["explanation"].endswith(ending)
    assert "at most 1 violation of attacks" in strip["explanation"] and "3 quiet days in a row" in strip["explanation"]
    # the threshold is marked where the streak reaches it; the first such day is the day it was met
    reached = [d["date"] for d in strip["days"] if d["reached"]]
    assert (reached[0] if reached else None) == met_on


def claim(
    kind: str = "accusation",
    accused: tuple[str, ...] = ("gov",),
    obligation: str | None = "attacks",
    category: str | None = None,
    cited: tuple[str, ...] = (),
    verdict: str = "supports",
    speaker_party: str | None = "opp",
) -> ClaimVerdict:
    document = {
        "file": "f.txt",
        "sentence": 0,
        "cited_by": None,
        "speaker": "S",
        "speaker_party": speaker_party,
        "kind": kind,
        "accused": list(accused),
        "obligation": obligation,
        "category": category,
        "quote": "q",
        "date": "2016-09-18",
        "verdict": verdict,
        "findings": list(cited),
        "explanation": "e",
    }
    return ClaimVerdict.from_document(document)


PAIRS = [
    (claim(), {"violation": 2, "possible_violation": 1, "exempt": 1}, ["f1", "f2", "f3"]),
    (claim(cited=("f3",)), {"violation": 2, "possible_violation": 1, "exempt": 1}, ["f3", "f1", "f2"]),
    (claim(accused=("opp",)), {"violation": 2, "possible_violation": 0, "exempt": 0}, ["f2", "f6"]),
    (claim(obligation=None, category="air_operations"), {"violation": 1, "possible_violation": 0, "exempt": 0}, ["f4"]),
    (
        claim(kind="commitment", accused=(), speaker_party="opp"),
        {"violation": 2, "possible_violation": 0, "exempt": 0},
        ["f2", "f6"],
    ),
    (claim(obligation=None), {"violation": 0, "possible_violation": 0, "exempt": 0}, []),
    (claim(accused=()), {"violation": 0, "possible_violation": 0, "exempt": 0}, []),
]


@pytest.mark.parametrize(
    ("row", "counts", "top"),
    PAIRS,
    ids=["accused", "cited-first", "other-party", "category", "commitment", "no-obligation", "no-party"],
)
def test_claims_pairing(row: ClaimVerdict, counts: dict[str, int], top: list[str]) -> None:
    findings = [dataclasses.replace(f, confidence=0.9 if f.id == "f1" else 0.5) for f in FINDINGS]
    evidence = views.claims_evidence([row], findings)["claims"][0]["evidence"]
    assert evidence["counts"] == counts
    assert [f["id"] for f in evidence["top"]] == top
    assert all(f["cited"] == (f["id"] in row.findings) for f in evidence["top"])
    for brief in evidence["top"]:  # each links to the map on the finding's day and obligation
        query = parse_qs(urlsplit(brief["href"]).query)
        assert query["from"] == query["to"] == [brief["date"]] and query["obligation"] == [brief["obligation"]]


def test_claims_top_is_limited_and_verdicts_counted() -> None:
    rows = [claim(), claim(verdict="no_evidence"), claim(verdict="no_evidence")]
    page = views.claims_evidence(rows, FINDINGS, top=1)
    assert [len(c["evidence"]["top"]) for c in page["claims"]] == [1, 1, 1]
    assert page["verdicts"] == {"supports": 1, "contradicts": 0, "no_evidence": 2} and page["total"] == 3


def test_claims_see_only_the_findings_given() -> None:
    hidden = views.claims_evidence([claim(cited=("f9",))], FINDINGS)["claims"][0]["evidence"]
    assert "f9" not in [f["id"] for f in hidden["top"]]


def step(kind: str, ident: int, log_index: int, **fields: Any) -> dict[str, Any]:
    return {"kind": kind, "id": ident, "log_index": log_index, "at": f"2016-09-2{log_index}T10:00:00Z", **fields}


def case(ident: int, reports: list[int], steps: list[dict[str, Any]], status: str = "open") -> dict[str, Any]:
    return {
        "id": ident,
        "title": f"case {ident}",
        "reports": reports,
        "status": status,
        "at": "2016-09-20T09:00:00Z",
        "steps": steps,
    }


CASES = [
    case(
        1,
        [1, 2],
        [
            step("request", 1, 1, party="gov", question="?", deadline="2016-09-22"),
            step("response", 1, 3, request_id=1, response="no", late=False),
            step("request", 2, 2, party="opp", question="?", deadline="2016-09-23"),
        ],
    ),
    case(2, [3], [step("request", 3, 4, party="gov", question="?", deadline="2016-09-30")], status="violation"),
    case(
        3,
        [3],
        [
            step("request", 4, 5, party="opp", question="?", deadline="2016-09-20"),
            step("response", 2, 6, request_id=4, response="late", late=True),
        ],
    ),
]
REPORTS = [{"id": i, "title": f"report {i}"} for i in (1, 2, 3, 4, 5)]

# today -> (request ids overdue, in queue order)
DEADLINES = [
    ("2016-09-22", [], [2, 3, 4, 1]),  # the deadline day itself is not overdue
    ("2016-09-24", [2], [2, 3, 4, 1]),
    ("2016-10-01", [2, 3], [2, 3, 4, 1]),
]


@pytest.mark.parametrize(("today", "overdue", "order"), DEADLINES, ids=["on-deadline", "one-overdue", "both-overdue"])
def test_case_queue_requests(today: str, overdue: list[int], order: list[int]) -> None:
    queue = views.case_queue(CASES, REPORTS, dt.date.fromisoformat(today))
    assert [q["id"] for q in queue["requests"]] == order  # unanswered first, soonest deadline first
    assert [q["id"] for q in queue["requests"] if q["overdue"]] == overdue and queue["overdue"] == len(overdue)
    answered = {q["id"]: (q["answered"], q["late"]) for q in queue["requests"]}
    assert answered[1] == (True, False) and answered[4] == (True, True) and answered[2] == (False, False)


def test_case_queue_triage_and_order() -> None:
    queue = views.case_queue(CASES, REPORTS, dt.date(2016, 9, 24))
    assert [r["id"] for r in queue["triage"]] == [5, 4]  # reports no case cites, newest first
    assert [c["id"] for c in queue["cases"]] == [3, 1, 2]  # open ones first
    first = next(c for c in queue["cases"] if c["id"] == 1)
    assert (first["open_requests"], first["overdue"], first["steps"]) == (1, 1, 3)


def test_case_detail_orders_steps_and_lists_open_requests() -> None:
    detail = views.case_detail(CASES[0], dt.date(2016, 9, 24))
    assert [(s["kind"], s["id"]) for s in detail["case"]["steps"]] == [("request", 1), ("request", 2), ("response", 1)]
    requests = [s for s in detail["case"]["steps"] if s["kind"] == "request"]
    assert [(s["answered"], s["overdue"]) for s in requests] == [(True, False), (False, True)]
    assert [q["id"] for q in detail["open_requests"]] == [2]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, "/"),
        ({"party": "gov", "status": None}, "/?party=gov"),
        ({"from_": "2016-09-01", "to": "2016-09-02"}, "/?from=2016-09-01&to=2016-09-02"),
    ],
    ids=["none", "skips-empty", "from"],
)
def test_map_href(filters: dict[str, str | None], expected: str) -> None:
    assert views.map_href(**filters) == expected
