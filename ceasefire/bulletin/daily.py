"""What the daily bulletin says about one day of a verification run (pure: reads nothing).

``compute(inputs, day)`` -> :class:`Bulletin`. The day is a calendar date in the agreement's
timezone, and a finding belongs to it by its ``date`` (the date the source reports, as the
clocks count). Contracts (docs/bulletin.md):

- **Counts** are of *incidents*, each counted once per row at its worst status among the
  findings in that row: an air strike that breaks three obligations is one violation in the
  weapon and area tables, and one in each obligation's row. Rows: every party (plus
  "unattributed"), every obligation verified by a rule, and the governorates (``admin1`` of the
  incident's event: ``corroboration.event_admin1``), zones and weapons seen on the day or the
  day before. Each row carries the day before, for the change.
- **Notable incidents**: the day's incidents with a violation or a possible violation, ranked
  by fatalities, then worst status, then confidence; at most ``NOTABLE``.
- **Access**: for each route and besieged area, the day's findings of access obligations there
  (``obstructed`` when one is a violation, ``possibly obstructed`` when only possible ones) and
  the other incidents on or near it.
- **Clocks**: each clock's days up to the day, and its run of quiet days ending on the day.
- **Claims**: the claims dated that day, with their verdict and the findings it rests on.
- **Bounded**: long tables keep their first rows and count the rest (``bulletin.bounds``), so a
  day of a million-incident run prints on a few pages.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from ceasefire.bulletin.bounds import bounded
from ceasefire.bulletin.content import (
    AccessState,
    Bulletin,
    ClaimLine,
    ClockState,
    Count,
    CountTable,
    DayIndex,
    DayLine,
    FindingLine,
    Inputs,
    MapPoint,
    Notable,
    OutsideRun,
)
from ceasefire.bulletin.places import Places
from ceasefire.corroboration import event_admin1
from ceasefire.model import COUNTED, Clock, Finding, severity, worst_status

__all__ = ["NOTABLE", "compute", "day_lines", "days", "index_of", "long_date", "run_period"]

NOTABLE = 8
ACCESS_CATEGORIES = ("humanitarian_access", "route_access")


def days(inputs_findings: Sequence[Finding], clocks: Sequence[Clock] = ()) -> list[DayLine]:
    """Every day of the run, first to last, with its headline counts."""
    by_day: dict[dt.date, list[Finding]] = defaultdict(list)
    for f in inputs_findings:
        by_day[f.date].append(f)
    totals = {day: _totals(found, 0) for day, found in by_day.items()}
    return day_lines(run_period(inputs_findings, clocks), totals)


def day_lines(period: tuple[dt.date, dt.date] | None, totals: Mapping[dt.date, Mapping[str, int]]) -> list[DayLine]:
    """Every day of ``period`` with its headline counts: ``totals`` by day (``violation``,
    ``possible``, ``incidents``: incidents at their worst status; a day absent has none)."""
    if period is None:
        return []
    out = []
    for n in range((period[1] - period[0]).days + 1):
        day = period[0] + dt.timedelta(days=n)
        t = totals.get(day, {})
        out.append(DayLine(day.isoformat(), t.get("violation", 0), t.get("possible", 0), t.get("incidents", 0)))
    return out


def run_period(findings: Iterable[Finding], clocks: Iterable[Clock] = ()) -> tuple[dt.date, dt.date] | None:
    """The run's first and last days: its findings' dates and its clocks' days."""
    dates = {f.date for f in findings} | {d.date for c in clocks for d in c.days}
    if not dates:
        return None
    return min(dates), max(dates)


def index_of(inputs: Inputs) -> DayIndex:
    """The day index of ``inputs`` (one pass over its findings and incidents)."""
    by_day: dict[dt.date, list[Finding]] = defaultdict(list)
    for f in inputs.findings:
        by_day[f.date].append(f)
    reported: dict[dt.date, int] = defaultdict(int)
    for i in inputs.incidents.values():
        reported[i.date_reported or i.date] += 1
    by_id = {f.id: f for f in inputs.findings}
    return DayIndex(run_period(inputs.findings, inputs.clocks), dict(by_day), dict(reported), by_id)


def compute(inputs: Inputs, day: dt.date) -> Bulletin:
    """The bulletin of ``day``; OutsideRun when the run has no such day. Give ``inputs`` their
    ``index`` (``index_of``) when computing several days of them."""
    index = inputs.index or index_of(inputs)
    period = index.period
    if period is None or not period[0] <= day <= period[1]:
        span = f"{period[0]} to {period[1]}" if period else "no findings"
        raise OutsideRun(f"{day}: outside run {inputs.run.id} ({span}); choose a day in that period")
    previous = day - dt.timedelta(days=1)
    today, before = list(index.by_day.get(day, ())), list(index.by_day.get(previous, ()))
    places = Places(inputs.agreement)
    areas = _areas(inputs, [*today, *before])
    notable = _notable(inputs, today, areas)
    totals = _totals(today, index.reported.get(day, 0))
    was = _totals(before, index.reported.get(previous, 0))
    clocks = tuple(_clock(inputs, c, day) for c in inputs.clocks)
    return bounded(
        Bulletin(
            agreement_id=inputs.agreement.id,
            title=inputs.agreement.title,
            timezone=inputs.agreement.timezone,
            date=day.isoformat(),
            previous=previous.isoformat(),
            run=inputs.run,
            log=inputs.log,
            summary=_summary(day, totals, was, notable, clocks),
            totals=totals,
            was=was,
            counts=_count_tables(inputs, places, today, before, areas),
            notable=notable,
            access=_access(inputs, places, today),
            clocks=clocks,
            claims=_claims(inputs, index.by_id, day),
            points=_points(today, notable),
            first=period[0].isoformat(),
            last=period[1].isoformat(),
        )
    )


def _incident_of(f: Finding) -> str:
    return f.incidents[0] if f.incidents else f.id


def _worst(statuses: Iterable[str]) -> str:
    return worst_status(statuses, "exempt")


def _lead(found: Iterable[Finding]) -> Finding:
    """The finding that speaks for an incident's findings: the worst status, then the highest
    confidence, then the first given."""
    return sorted(found, key=lambda x: (severity(x.status), -x.confidence))[0]


def _areas(inputs: Inputs, findings: Iterable[Finding]) -> dict[str, str]:
    """Each incident's (an event's) governorate, "" when none of its records gives one: the
    admin1 of its lead finding's event (``corroboration.event_admin1``). One area per incident,
    even when its findings for different obligations were made from different records."""
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        groups[_incident_of(f)].append(f)

    def admin1(record: str) -> str:
        incident = inputs.incidents.get(record)
        return incident.admin1 if incident is not None else ""

    return {incident: event_admin1(_lead(found), admin1) for incident, found in groups.items()}


# -- counts ------------------------------------------------------------------------------------

Keys = Callable[[Finding], Iterable[str]]


def _tally(findings: Iterable[Finding], keys: Keys) -> dict[str, tuple[int, int]]:
    """key -> (incidents at worst a violation, incidents at worst a possible violation)."""
    worst: dict[str, dict[str, str]] = defaultdict(dict)
    for f in findings:
        if f.status not in COUNTED:
            continue
        for key in keys(f):
            seen = worst[key].get(_incident_of(f))
            worst[key][_incident_of(f)] = _worst([f.status, *([seen] if seen else [])])
    return {
        k: (sum(s == "violation" for s in v.values()), sum(s == "possible_violation" for s in v.values()))
        for k, v in worst.items()
    }


def _table(
    title: str,
    today: list[Finding],
    before: list[Finding],
    keys: Keys,
    labels: Mapping[str, str],
    always: Sequence[str] = (),
) -> CountTable:
    now, then = _tally(today, keys), _tally(before, keys)
    order = [
        *always,
        *sorted(
            (now.keys() | then.keys()) - set(always),
            key=lambda k: (-now.get(k, (0, 0))[0], -now.get(k, (0, 0))[1], labels.get(k, k)),
        ),
    ]
    rows = tuple(Count(k, labels.get(k, k), *now.get(k, (0, 0)), *then.get(k, (0, 0))) for k in order)
    return CountTable(title, rows)


def _count_tables(
    inputs: Inputs, places: Places, today: list[Finding], before: list[Finding], areas: Mapping[str, str]
) -> tuple[CountTable, ...]:
    a = inputs.agreement
    parties = {p.id: p.name for p in a.parties} | {"": "unattributed"}
    verified = [o.id for o in a.obligations if o.rule is not None and o.rule.kind != "condition"]
    zones = {z.id: z.name for z in a.zones} | {"": "outside every zone"}
    zone_rows = [*(z.id for z in a.zones), ""]

    both = [*today, *before]
    held = places.zones_holding(
        np.array([f.lon for f in both], np.float64), np.array([f.lat for f in both], np.float64)
    )
    zones_of = {id(f): zones for f, zones in zip(both, held, strict=True)}  # every point at once

    def admin1(f: Finding) -> list[str]:
        return [areas.get(_incident_of(f)) or "not known"]

    return (
        _table("By party", today, before, lambda f: f.parties or [""], parties, [p.id for p in a.parties]),
        _table("By obligation", today, before, lambda f: [f.obligation], {}, verified),
        _table("By area: governorate (admin1)", today, before, admin1, {}),
        _table(
            "By area: zone of the agreement",
            today,
            before,
            lambda f: zones_of[id(f)] or [""],
            zones,
            zone_rows,
        ),
        _table("By weapon", today, before, lambda f: [f.weapon or "not known"], {}),
    )


def _totals(findings: list[Finding], reported: int) -> dict[str, int]:
    """Incidents of ``findings`` at their worst status; ``reported``: the imported incidents
    reported that day."""
    by_incident: dict[str, list[str]] = defaultdict(list)
    for f in findings:
        by_incident[_incident_of(f)].append(f.status)
    worst = [_worst(s) for s in by_incident.values()]
    return {
        "violation": worst.count("violation"),
        "possible": worst.count("possible_violation"),
        "exempt": worst.count("exempt"),
        "incidents": len(worst),
        "reported": reported,
    }


# -- notable incidents -------------------------------------------------------------------------


def _line(f: Finding) -> FindingLine:
    return FindingLine(
        id=f.id,
        obligation=f.obligation,
        status=f.status,
        parties=f.parties,
        attribution=f.attribution,
        confidence=f.confidence,
        explanation=f.explanation,
        date=f.date.isoformat(),
        location=f.location,
    )


def _notable(inputs: Inputs, today: list[Finding], areas: Mapping[str, str]) -> tuple[Notable, ...]:
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in today:
        if f.status in COUNTED:
            groups[_incident_of(f)].append(f)

    def rank(item: tuple[str, list[Finding]]) -> tuple[int, int, float, str]:
        incident, found = item
        return (
            -max(f.fatalities for f in found),
            severity(_worst(f.status for f in found)),
            -max(f.confidence for f in found),
            incident,
        )

    ranked = sorted(groups.items(), key=rank)[:NOTABLE]
    return tuple(
        _notable_one(inputs, n, incident, found, areas.get(incident, ""))
        for n, (incident, found) in enumerate(ranked, 1)
    )


def _notable_one(inputs: Inputs, number: int, incident_id: str, found: list[Finding], area: str) -> Notable:
    f = _lead(found)
    incident = inputs.incidents.get(incident_id)
    grading = inputs.gradings.get(incident_id)
    return Notable(
        number=number,
        incident=incident_id,
        date=f.date.isoformat(),
        place=f.location or f"{f.lat}, {f.lon}",
        admin1=area,
        what=_what(f),
        fatalities=f.fatalities,
        status=f.status,
        findings=tuple(_line(x) for x in sorted(found, key=lambda x: (severity(x.status), x.obligation))),
        sources=f.source or (incident.source_name if incident else "") or "not given",
        grading=grading.text() if grading else "ungraded",
        notes=incident.notes if incident is not None else "",
    )


def _what(f: Finding) -> str:
    """One sentence from the finding's incident fields: what, by whom, against whom, with what."""
    kind = f.sub_event_type or f.event_type or "Incident"
    parts = [f"{kind} at {f.location or 'an unnamed place'}"]
    if f.actor1:
        parts.append(f"by {f.actor1}")
    if f.actor2:
        parts.append(f"against {f.actor2}")
    if f.weapon:
        parts.append(f"with {f.weapon.replace('_', ' ')}")
    radius = f.radius_m
    place = f" (location known to ±{radius / 1000:.1f} km)" if radius else ""
    dead = f.fatalities
    return " ".join(parts) + place + (f"; {dead} reported killed." if dead else ".")


# -- access, clocks, claims, map -----------------------------------------------------------------


def _access(inputs: Inputs, places: Places, today: list[Finding]) -> tuple[AccessState, ...]:
    a = inputs.agreement
    access = {o.id for o in a.obligations if o.category in ACCESS_CATEGORIES}
    states = []
    targets = [("route", r.id, r.name) for r in a.routes] + [
        ("besieged_area", z.id, z.name) for z in a.zones if z.kind == "besieged_area"
    ]
    # every point of the day against a place at once (issue 14: thousands of points a day)
    lon, lat = np.array([f.lon for f in today], np.float64), np.array([f.lat for f in today], np.float64)
    radius = np.array([f.radius_m for f in today], np.float64)
    for kind, place_id, name in targets:
        if kind == "route":
            near = places.route_distances(place_id, lon, lat) - radius <= places.route_reach[place_id]
        else:
            near = places.touching_zone(place_id, lon, lat, radius)
        here = [f for f, hit in zip(today, near, strict=True) if hit]
        own = [f for f in here if f.obligation in access and f.status in COUNTED]
        states.append(
            AccessState(
                place_id,
                name,
                kind,
                _state(own),
                tuple(_line(f) for f in own),
                _one_per_incident([f for f in here if f not in own]),
            )
        )
    return tuple(states)


def _state(findings: list[Finding]) -> str:
    statuses = {f.status for f in findings}
    if "violation" in statuses:
        return "obstructed"
    return "possibly obstructed" if statuses else "no obstruction reported"


def _one_per_incident(findings: list[Finding]) -> tuple[FindingLine, ...]:
    best: dict[str, Finding] = {}
    for f in findings:
        held = best.get(_incident_of(f))
        if held is None or severity(f.status) < severity(held.status):
            best[_incident_of(f)] = f
    return tuple(_line(f) for f in best.values())


def _clock(inputs: Inputs, clock: Clock, day: dt.date) -> ClockState:
    text = day.isoformat()
    days = tuple((d.date.isoformat(), d.violations, d.quiet) for d in clock.days if d.date <= day)
    run = 0
    if days and days[-1][0] == text:
        for _, _, quiet in reversed(days):
            if not quiet:
                break
            run += 1
    met = clock.met_on
    ob = next((o for o in inputs.agreement.obligations if o.id == clock.obligation), None)
    return ClockState(
        obligation=clock.obligation,
        text=ob.text if ob else "",
        max_per_day=clock.max_per_day,
        consecutive_days=clock.consecutive_days,
        days=days,
        quiet_run=run,
        met_on=met.isoformat() if met is not None and met <= day else None,
    )


def _claims(inputs: Inputs, by_id: Mapping[str, Finding], day: dt.date) -> tuple[ClaimLine, ...]:
    return tuple(
        ClaimLine(
            speaker=c.claim.speaker,
            speaker_party=c.claim.speaker_party,
            cited_by=c.claim.cited_by,
            kind=c.claim.kind,
            accused=c.claim.accused,
            obligation=c.claim.obligation or c.claim.category,
            quote=c.claim.quote,
            verdict=c.verdict,
            explanation=c.explanation,
            findings=tuple(_line(by_id[i]) for i in c.findings if i in by_id),
        )
        for c in inputs.claims
        if c.claim.date == day
    )


def _points(today: list[Finding], notable: tuple[Notable, ...]) -> tuple[MapPoint, ...]:
    numbers = {n.incident: n.number for n in notable}
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in today:
        groups[_incident_of(f)].append(f)
    return tuple(
        MapPoint(
            incident,
            fs[0].lon,
            fs[0].lat,
            fs[0].radius_m,
            _worst(f.status for f in fs),
            fs[0].location or incident,
            numbers.get(incident),
        )
        for incident, fs in groups.items()
    )


def _summary(
    day: dt.date,
    totals: Mapping[str, int],
    was: Mapping[str, int],
    notable: tuple[Notable, ...],
    clocks: tuple[ClockState, ...],
) -> str:
    """Two sentences: the day's counts against the day before, then the most serious incident
    and the longest clock."""
    said = (
        f"On {long_date(day)}, {_n(totals['violation'], 'incident')} gave violations and "
        f"{totals['possible']} gave possible violations only "
        f"(the day before: {was['violation']} and {was['possible']})."
    )
    if notable:
        top = notable[0]
        dead = f", {top.fatalities} reported killed" if top.fatalities else ""
        said += f" Most serious: {top.place}{dead} ({top.status.replace('_', ' ')})."
    longest = max(clocks, key=lambda c: c.consecutive_days, default=None)
    if longest is not None:
        state = (
            f"met on {longest.met_on}"
            if longest.met_on
            else f"{longest.quiet_run} of {longest.consecutive_days} quiet days"
        )
        said += f" Clock {longest.obligation}: {state}."
    return said


def long_date(day: dt.date) -> str:
    """ "Monday 19 September 2016" (English names, whatever the locale)."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
