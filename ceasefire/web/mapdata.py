"""What the map page shows, as data: its filters, their choices and the incidents they keep.

The filter rule is the same here (the JSON twin ``/index.json``) and in ``static/js/map.js``
(what the map draws), so a shared URL shows the same incidents both ways:

* ``from``/``to``: the incident's date (``YYYY-MM-DD``, both ends included);
* ``party``/``obligation``: the incident has a visible finding naming that party (in its
  ``parties``) and of that obligation; the incident's status is then the worst status of its
  *matching* findings (violation > possible_violation > exempt), so "party=us" colours each
  incident by what it says about the US;
* without ``party``/``obligation`` the status is the worst of all its findings, or
  ``no_finding``;
* ``status``: a comma-separated list of statuses; empty keeps every status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from ceasefire.api.agreements import agreement_dict
from ceasefire.api.auth import Caller
from ceasefire.api.body import JSONBody
from ceasefire.api.findings import visible_findings, visible_run
from ceasefire.api.incidents import every_feature
from ceasefire.api.problems import Problem
from ceasefire.model import Finding, worst_status
from ceasefire.store import SQLStore

__all__ = ["STATUSES", "MapFilter", "map_data"]

STATUSES = ("violation", "possible_violation", "exempt", "no_finding")
_LABELS = {
    "violation": "violations",
    "possible_violation": "possible violations",
    "exempt": "exempt incidents",
    "no_finding": "incidents without a finding",
}


@dataclass(frozen=True)
class MapFilter:
    """The map's filters as the query string carries them (None / empty: no filter)."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    party: str | None = None
    obligation: str | None = None
    statuses: tuple[str, ...] = ()

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> MapFilter:
        """Parse ``from``, ``to``, ``party``, ``obligation``, ``status``; a 422 Problem names a
        bad field."""
        statuses = tuple(s for s in (query.get("status") or "").split(",") if s)
        unknown = [s for s in statuses if s not in STATUSES]
        if unknown:
            raise Problem(422, f"status: unknown value {unknown[0]!r} (one of {', '.join(STATUSES)})")
        return cls(
            _date(query, "from"),
            _date(query, "to"),
            query.get("party") or None,
            query.get("obligation") or None,
            statuses,
        )

    def as_query(self) -> dict[str, str]:
        values = {
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "party": self.party or "",
            "obligation": self.obligation or "",
            "status": ",".join(self.statuses),
        }
        return values

    def status_of(self, findings: list[Finding]) -> str | None:
        """The incident's status under this filter's party and obligation (None: hidden)."""
        if self.party is None and self.obligation is None:
            return worst_status((f.status for f in findings), "no_finding")
        matching = [
            f.status
            for f in findings
            if (self.party is None or self.party in f.parties)
            and (self.obligation is None or f.obligation == self.obligation)
        ]
        return worst_status(matching, "no_finding") if matching else None

    def keeps_date(self, day: str) -> bool:
        return (self.date_from is None or day >= self.date_from.isoformat()) and (
            self.date_to is None or day <= self.date_to.isoformat()
        )

    def sentence(self, shown: int, total: int) -> str:
        """The filter as a person reads it, e.g. "12 of 116 incidents: violations, involving us"."""
        parts = [", ".join(_LABELS[s] for s in self.statuses)] if self.statuses else []
        if self.date_from or self.date_to:
            parts.append(f"from {self.date_from or 'the start'} to {self.date_to or 'the end'}")
        if self.party:
            parts.append(f"involving {self.party}")
        if self.obligation:
            parts.append(f"under obligation {self.obligation}")
        return f"{shown} of {total} incidents" + (": " + "; ".join(parts) if parts else "")


def _date(query: Mapping[str, str], name: str) -> dt.date | None:
    text = query.get(name) or ""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Problem(422, f"{name}: {text!r} is not a date (YYYY-MM-DD)") from None


def _row(feature: JSONBody, status: str, findings: list[Finding]) -> JSONBody:
    props = feature["properties"]
    lon, lat = feature["geometry"]["coordinates"]
    return {
        "id": props["id"],
        "date": props["date"],
        "status": status,
        "location": props["location"],
        "lat": lat,
        "lon": lon,
        "radius_m": props["radius_m"],
        "event_type": props["event_type"],
        "findings": [f.id for f in findings],
    }


def map_data(db: SQLStore, who: Caller | None, chosen: MapFilter) -> JSONBody:
    """The map page's dict: agreement, run, filters and their choices, and the incidents kept."""
    version = db.current_agreement()
    agreement = agreement_dict(version) if version else None
    run = visible_run(db, who)
    findings = {f.id: f for f in visible_findings(db, who, run)}
    features = every_feature(db, who) if run else []
    dates = sorted(f["properties"]["date"] for f in features)
    rows = []
    for feature in features:
        own = [findings[i] for i in feature["properties"]["findings"] if i in findings]
        status = chosen.status_of(own)
        if status is None or not chosen.keeps_date(feature["properties"]["date"]):
            continue
        if not chosen.statuses or status in chosen.statuses:
            rows.append(_row(feature, status, own))
    rows.sort(key=lambda r: (r["date"], r["id"]))
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in STATUSES}
    return {
        "agreement": {k: agreement[k] for k in ("id", "version", "title", "timezone", "start")} if agreement else None,
        "run": {"id": run.id, "created_at": run.created_at} if run else None,
        "filters": chosen.as_query(),
        "description": chosen.sentence(len(rows), len(features)),
        "choices": {
            "dates": [dates[0], dates[-1]] if dates else None,
            "statuses": list(STATUSES),
            "parties": [p for p in agreement["parties"] if p["kind"] == "party"] if agreement else [],
            "obligations": [{"id": o["id"], "category": o["category"]} for o in agreement["obligations"]]
            if agreement
            else [],
        },
        "shown": len(rows),
        "total": len(features),
        "counts": counts,
        "incidents": rows,
        "api": {"agreement": "/api/v1/agreement", "incidents": "/api/v1/incidents", "findings": "/api/v1/findings"},
    }
