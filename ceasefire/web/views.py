"""What the scorecards, clocks, claims and case pages show, computed from store records.

Pure functions: no web framework, no database. Each takes what the store (or the API's own
read functions) handed back — ``Finding``, ``Clock`` and ``ClaimVerdict`` records, case and
report dicts as the API shows them —
and returns the dict a template renders and the page's JSON twin answers unchanged (plain
data: strings, numbers, lists; links as URLs, never HTML).

- :func:`scorecards`: per party, violations and possible violations per obligation, with links
  to the map filtered to them, and violations per day over the run's dates;
- :func:`clock_strips`: each clock day by day, the run of quiet days, the threshold, met or not;
- :func:`claims_evidence`: each claim beside the findings for its obligation and party;
- :func:`case_queue` and :func:`case_detail`: the analyst's triage queue, the cases, the
  requests for information and their deadlines (overdue counted in the agreement's time zone by
  the caller, who passes ``today``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from ceasefire.api.body import JSONBody
from ceasefire.model import COUNTED, Clock, Finding, Obligation, Party
from ceasefire.store.aggregates import FindingCount, tally_findings

if TYPE_CHECKING:
    from ceasefire.news.verdicts import ClaimVerdict

__all__ = [
    "MAX_DAYS",
    "STATUS_LABELS",
    "case_detail",
    "case_queue",
    "claims_evidence",
    "clock_strips",
    "day_range",
    "map_href",
    "scorecards",
    "scorecards_of_counts",
]

STATUS_LABELS = {"violation": "violation", "possible_violation": "possible violation", "exempt": "exempt"}
MAX_DAYS = 400  # a day strip longer than this is cut: no page draws ten thousand cells


def map_href(**filters: str | None) -> str:
    """The map (``/``) filtered as given; empty filters are left out. ``from_`` is ``from``."""
    pairs = [(k.rstrip("_"), v) for k, v in filters.items() if v]
    return "/?" + urlencode(pairs) if pairs else "/"


def day_range(first: dt.date, last: dt.date) -> list[str]:
    """Every date from ``first`` to ``last`` inclusive, ISO 8601; at most MAX_DAYS (the last
    ones), none when ``last`` is before ``first``."""
    count = min((last - first).days + 1, MAX_DAYS)
    start = last - dt.timedelta(days=count - 1)
    return [(start + dt.timedelta(days=i)).isoformat() for i in range(max(count, 0))]


def _window(dates: Sequence[dt.date], date_from: dt.date | None, date_to: dt.date | None) -> list[str]:
    """The run's dates (first to last finding) within the filter."""
    if not dates:
        return []
    first = max(min(dates), date_from) if date_from else min(dates)
    last = min(max(dates), date_to) if date_to else max(dates)
    return day_range(first, last)


def scorecards(
    findings: Sequence[Finding],
    parties: Sequence[Party],
    obligations: Sequence[Obligation],
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> JSONBody:
    """:func:`scorecards_of_counts` of ``findings``."""
    return scorecards_of_counts(tally_findings(findings), parties, obligations, date_from, date_to)


def scorecards_of_counts(
    found: Sequence[FindingCount],
    parties: Sequence[Party],
    obligations: Sequence[Obligation],
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> JSONBody:
    """Per party a row: per obligation (those verified by a rule other than a clock) the
    violations and possible violations in ``date_from``..``date_to`` (inclusive, the findings'
    own local dates), each with a link to the map filtered to it, totals, and a trend: the
    violations per day over the run's dates within the filter. A finding that lists two
    parties (an ambiguous attribution) counts for both. ``found``: the findings counted
    (``store.aggregates``: a million findings are a few thousand counts, issue 14)."""
    days = _window([c.date for c in found], date_from, date_to)
    first, last = (dt.date.fromisoformat(days[0]), dt.date.fromisoformat(days[-1])) if days else (None, None)
    kept = [
        c for c in found if c.status in COUNTED and first is not None and last is not None and first <= c.date <= last
    ]
    columns = [o for o in obligations if o.rule is not None and o.rule.kind != "condition"]
    counts: Counter[tuple[str, str, str]] = Counter()
    per_day: Counter[tuple[str, str]] = Counter()
    for c in kept:
        for p in c.parties:
            counts[(p, c.obligation, c.status)] += c.findings
            if c.status == "violation":
                per_day[(p, c.date.isoformat())] += c.findings
    span = {"from_": date_from.isoformat() if date_from else None, "to": date_to.isoformat() if date_to else None}
    rows = [_scorecard(party, columns, counts, per_day, days, span) for party in parties]
    return {
        "filters": {"from": span["from_"], "to": span["to"]},
        "days": days,
        "obligations": [{"id": o.id, "category": o.category, "text": o.text} for o in columns],
        "parties": rows,
        "trend_peak": max(per_day.values(), default=0),
    }


def _scorecard(
    party: Party,
    columns: Sequence[Obligation],
    counts: Counter[tuple[str, str, str]],
    per_day: Counter[tuple[str, str]],
    days: Sequence[str],
    span: Mapping[str, str | None],
) -> JSONBody:
    return {
        "id": party.id,
        "name": party.name,
        "cells": [_cell(counts, party.id, o.id, span) for o in columns],
        "total": _cell(counts, party.id, None, span),
        "trend": [{"date": d, "violations": per_day[(party.id, d)]} for d in days],
        "trend_peak": max((per_day[(party.id, d)] for d in days), default=0),
    }


def _cell(
    counts: Counter[tuple[str, str, str]], party: str, obligation: str | None, span: Mapping[str, str | None]
) -> JSONBody:
    """The counts of ``party`` for one obligation (None: all of them) and their map links."""
    cell: JSONBody = {"obligation": obligation}
    for status in COUNTED:
        cell[status] = sum(
            n for (p, o, s), n in counts.items() if p == party and s == status and obligation in (None, o)
        )
        cell[f"{status}_href"] = map_href(party=party, obligation=obligation, status=status, **span)
    return cell


def clock_strips(clocks: Sequence[Clock], texts: Mapping[str, str]) -> JSONBody:
    """Each clock of a run summary as a day strip:
    each day with ``streak`` (consecutive quiet days up to it) and ``reached`` (the streak is at
    the threshold), the longest quiet run, and a sentence saying what the clock needs and
    whether it was met. ``texts``: obligation id -> its text, shown beside the clock."""
    return {"clocks": [_clock(c, texts.get(c.obligation, "")) for c in clocks]}


def _clock(clock: Clock, text: str) -> JSONBody:
    need = clock.consecutive_days
    streak, best, best_end, days = 0, 0, None, []
    for day in clock.days:
        streak = streak + 1 if day.quiet else 0
        if streak > best:
            best, best_end = streak, day.date.isoformat()
        reached = need > 0 and streak == need
        days.append(
            {"date": day.date.isoformat(), "quiet": day.quiet, "violations": day.violations}
            | {"streak": streak, "reached": reached}
        )
    best_start = None
    if best_end is not None:
        best_start = (dt.date.fromisoformat(best_end) - dt.timedelta(days=best - 1)).isoformat()
    return {
        "obligation": clock.obligation,
        "met_on": clock.met_on.isoformat() if clock.met_on else None,
        "over": list(clock.over),
        "max_per_day": clock.max_per_day,
        "consecutive_days": clock.consecutive_days,
        "text": text,
        "met": clock.met_on is not None,
        "days": days,
        "longest": best,
        "longest_from": best_start,
        "longest_to": best_end,
        "explanation": _clock_sentence(clock, best, best_start, best_end),
    }


def _clock_sentence(clock: Clock, best: int, start: str | None, end: str | None) -> str:
    need, most = clock.consecutive_days, clock.max_per_day
    over = ", ".join(clock.over) or "no obligation"
    rule = (
        f"A day is quiet when it has at most {most} violation{'s' if most != 1 else ''} of {over}; "
        f"the clock needs {need} quiet day{'s' if need != 1 else ''} in a row."
    )
    if clock.met_on:
        return f"{rule} Met on {clock.met_on.isoformat()}."
    if not best:
        return f"{rule} Never met: no day was quiet."
    run = f"{start}" if best == 1 else f"{start} to {end}"
    return f"{rule} Never met: the longest quiet run was {best} day{'s' if best != 1 else ''} ({run})."


def claims_evidence(claims: Sequence[ClaimVerdict], findings: Sequence[Finding], top: int = 3) -> JSONBody:
    """Each judged claim as ``GET /api/v1/claims`` shows it (claim fields, ``verdict``,
    ``findings``, ``explanation``) with
    ``evidence``: the findings of the claim's obligation (or, when it names only a category, of
    that category) whose parties include the party whose conduct it speaks of (the accused; for
    a commitment the speaker's party): counts by status, the ``top`` ones (those the verdict
    rests on first, then by confidence; never exempt ones) and a map link. Only ``findings`` are looked at, so a
    finding the reader may not see is neither counted nor linked."""
    rows = [{**c.to_document(), "evidence": _evidence(c, findings, top)} for c in claims]
    verdicts = Counter(c.verdict for c in claims)
    return {
        "claims": rows,
        "total": len(rows),
        "verdicts": {v: verdicts[v] for v in ("supports", "contradicts", "no_evidence")},
    }


def _evidence(verdict: ClaimVerdict, findings: Sequence[Finding], top: int) -> JSONBody:
    claim = verdict.claim
    parties = [claim.speaker_party] if claim.kind == "commitment" and claim.speaker_party else list(claim.accused)
    if claim.obligation:
        concerns = [f for f in findings if f.obligation == claim.obligation]
    elif claim.category:
        concerns = [f for f in findings if f.category == claim.category]
    else:
        concerns = []
    related = [f for f in concerns if set(f.parties) & set(parties)]
    cited = set(verdict.findings)
    ranked = sorted(
        (f for f in related if f.status in COUNTED),
        key=lambda f: (f.id not in cited, -f.confidence, f.date, f.id),
    )
    counts = Counter(f.status for f in related)
    return {
        "parties": parties,
        "counts": {s: counts[s] for s in STATUS_LABELS},
        "top": [_finding_brief(f, f.id in cited) for f in ranked[:top]],
        "map_href": map_href(party=parties[0] if len(parties) == 1 else None, obligation=claim.obligation),
    }


def _finding_brief(finding: Finding, cited: bool) -> JSONBody:
    """A finding as a claim's evidence lists it; ``href``: the map on its day, obligation and
    first party (the map has no link to one finding; this narrows it to a handful)."""
    keys = ("id", "obligation", "status", "date", "parties", "confidence", "location", "explanation")
    document = finding.to_document()
    day = finding.date.isoformat()
    href = map_href(
        from_=day,
        to=day,
        party=finding.parties[0] if finding.parties else None,
        obligation=finding.obligation,
    )
    return {key: document[key] for key in keys} | {"cited": cited, "href": href}


def case_queue(cases: Sequence[JSONBody], reports: Iterable[JSONBody], today: dt.date) -> JSONBody:
    """The case pages' overview. ``cases``: as ``GET /api/v1/cases`` shows them to the reader
    (so a party's hold only its own requests); ``reports``: those the reader may see (only an
    analyst's queue uses them). ``triage``: reports no case cites, newest first; ``cases``: open
    ones first; ``requests``: every request for information shown, unanswered and soonest
    deadline first, ``overdue`` when unanswered after its deadline (``today``: the date in the
    agreement's time zone)."""
    cited = {r for c in cases for r in c["reports"]}
    triage = sorted((r for r in reports if r["id"] not in cited), key=lambda r: -int(r["id"]))
    requests = [q for c in cases for q in _requests(c, today)]
    requests.sort(key=lambda q: (q["answered"], q["deadline"], q["case_id"], q["id"]))
    listed = [_case_brief(c, today) for c in sorted(cases, key=lambda c: (c["status"] != "open", -int(c["id"])))]
    return {
        "today": today.isoformat(),
        "triage": [_report_brief(r) for r in triage],
        "cases": listed,
        "requests": requests,
        "overdue": sum(q["overdue"] for q in requests),
    }


def case_detail(case: JSONBody, today: dt.date) -> JSONBody:
    """One case as the reader may see it: its steps in log order, each request with whether
    and when it was answered and whether it is overdue, and ``open_requests`` (unanswered)."""
    requests = {q["id"]: q for q in _requests(case, today)}
    steps = [
        {**s, **({k: requests[s["id"]][k] for k in ("answered", "overdue")} if s["kind"] == "request" else {})}
        for s in sorted(case["steps"], key=lambda s: int(s["log_index"]))
    ]
    return {
        "today": today.isoformat(),
        "case": {**{k: v for k, v in case.items() if k != "steps"}, "steps": steps},
        "open_requests": [q for q in requests.values() if not q["answered"]],
    }


def _requests(case: JSONBody, today: dt.date) -> list[JSONBody]:
    answers: dict[int, JSONBody] = {}
    for step in case["steps"]:
        if step["kind"] == "response":
            answers.setdefault(int(step["request_id"]), step)
    out = []
    for step in case["steps"]:
        if step["kind"] != "request":
            continue
        answer = answers.get(int(step["id"]))
        out.append(
            {
                "case_id": case["id"],
                "case_title": case["title"],
                "id": step["id"],
                "party": step["party"],
                "question": step["question"],
                "deadline": step["deadline"],
                "at": step["at"],
                "answered": answer is not None,
                "answered_at": answer["at"] if answer else None,
                "late": bool(answer and answer.get("late")),
                "overdue": answer is None and today.isoformat() > str(step["deadline"]),
            }
        )
    return out


def _case_brief(case: JSONBody, today: dt.date) -> JSONBody:
    requests = _requests(case, today)
    return {
        "id": case["id"],
        "title": case["title"],
        "status": case["status"],
        "reports": case["reports"],
        "at": case["at"],
        "steps": len(case["steps"]),
        "open_requests": sum(not q["answered"] for q in requests),
        "overdue": sum(q["overdue"] for q in requests),
    }


def _report_brief(report: JSONBody) -> JSONBody:
    keys = (
        "id",
        "version",
        "title",
        "occurred_on",
        "event_type",
        "actor1",
        "lat",
        "lon",
        "submitted_by",
        "created_at",
        "published",
    )
    return {k: report.get(k) for k in keys}
