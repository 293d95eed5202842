"""The map's filters (``from``, ``to``, ``party``, ``obligation``, ``status``) as one record.

The filter rule is the same on the map page's JSON twin ``/index.json``, on ``/api/v1/map``
(clusters) and in ``web/static/js/map.js``, so a shared URL shows the same incidents every way:

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

from ceasefire.api.problems import Problem
from ceasefire.model import Finding, worst_status

__all__ = ["STATUSES", "MapFilter"]

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
