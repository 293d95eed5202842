"""Every finding's explanation at once: ``findings.explain``'s sentence, built column-wise.

``findings.explain`` states the contract of the sentence for one finding; ``explanations`` builds
the same text for a whole table from per-obligation, per-reason and per-place templates with
Arrow's string kernels (issue 16), so assembling a million findings costs no Python per finding.
A differential test holds the two byte-identical.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ceasefire.findings import REASON_TEXT, Status, Who
from ceasefire.model import Agreement
from ceasefire.text_columns import fixed, iso_dates, join, pick, put, when

__all__ = ["ExplainColumns", "explanations"]


@dataclass(frozen=True, slots=True)
class ExplainColumns:
    """The columns a finding's sentence draws on, one row per finding, in output order."""

    obligation: npt.NDArray[np.int16]
    reason: npt.NDArray[np.int8]
    status: npt.NDArray[np.int8]
    who: npt.NDArray[np.int8]
    place_id: npt.NDArray[np.int16]
    place_share: npt.NDArray[np.float64]
    time_share: npt.NDArray[np.float64]
    confidence: npt.NDArray[np.float64]
    distance_m: npt.NDArray[np.float64]
    limit_m: npt.NDArray[np.float64]
    radius_m: npt.NDArray[np.float64]
    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]
    day: npt.NDArray[np.int64]
    day0: npt.NDArray[np.int64]
    day1: npt.NDArray[np.int64]
    id: pa.Array
    event_type: pa.Array
    sub_event_type: pa.Array
    location: pa.Array
    actor1: pa.Array
    actor2: pa.Array
    weapon: pa.Array
    parties: pa.Array  # the bound parties as the sentence names them: "a or b", or ""

    def __len__(self) -> int:
        return len(self.obligation)

    def rows(self, start: int, stop: int) -> ExplainColumns:
        """Rows ``start`` to ``stop`` (views, no copies)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return ExplainColumns(
            **{
                name: v.slice(start, stop - start) if isinstance(v, pa.Array) else v[start:stop]
                for name, v in values.items()
            }
        )


def _empty(column: pa.Array) -> npt.NDArray[np.bool_]:
    return np.asarray(pc.equal(column, "").to_numpy(zero_copy_only=False), bool)


def _km(metres: npt.NDArray[np.float64]) -> pa.Array:
    # NaN (no route, no limit) only in rows whose sentence does not use this text: 0 spares Python
    return join(fixed(np.where(np.isnan(metres), 0.0, metres) / 1000, 1), " km")


def _percent(share: npt.NDArray[np.float64]) -> pa.Array:
    return join(fixed(share * 100, 0), "%")


def _what(c: ExplainColumns) -> pa.Array:
    """``findings._what``: id, kind, place, date, actors and weapon of each incident."""
    et, st = _empty(c.event_type), _empty(c.sub_event_type)
    kind = when(et, c.sub_event_type, when(st, c.event_type, join(c.event_type, " / ", c.sub_event_type)))
    latlon = join(fixed(c.lat, 4), ", ", fixed(c.lon, 4))
    where = when(_empty(c.location), latlon, c.location)
    d0 = iso_dates(c.day0)
    ranged = join(iso_dates(c.day), " (between ", d0, " and ", iso_dates(c.day1), ")")
    on = when(c.day0 == c.day1, d0, ranged)
    actor = when(_empty(c.actor1), "an unnamed actor", c.actor1)
    target = when(_empty(c.actor2), "", join(" against ", c.actor2))
    weapon = when(_empty(c.weapon), "", join(" with ", c.weapon))
    return join(c.id, ": ", kind, " at ", where, " on ", on, " by ", actor, target, weapon)


def _reasons(c: ExplainColumns) -> pa.Array:
    """``REASON_TEXT[reason]`` with its fields filled, one template per reason present."""
    parties = when(_empty(c.parties), "no bound party", c.parties)
    target = when(_empty(c.actor2), "an unnamed target", c.actor2)
    fields = {"parties": parties, "target": target}
    groups = []
    for code in np.unique(c.reason).tolist():
        rows = np.flatnonzero(c.reason == code)
        take = pa.array(rows)
        pieces: list[pa.Array | str] = []
        for literal, name, _, _ in string.Formatter().parse(REASON_TEXT.get(code, "")):
            pieces.append(literal)
            if name is not None:
                pieces.append(fields[name].take(take))
        groups.append((rows, join(*pieces) if len(pieces) > 1 else pa.array([pieces[0] if pieces else ""] * len(rows))))
    return put(len(c.reason), groups)


def _where(c: ExplainColumns, places: Sequence[tuple[str, str]]) -> pa.Array:
    """``findings._where``: the precision of the location, and where it lies against the place."""
    precision = when(c.radius_m == 0, "exact location", join("location known to ±", _km(c.radius_m)))
    label = pick([f"{kind} '{ident}'" for kind, ident in places] or [""], np.maximum(c.place_id, 0))
    share = _percent(c.place_share)
    inside = c.place_share >= 1
    zone = when(
        inside,
        join("inside ", label, " (", precision, ")"),
        join(precision, ": the area straddles the boundary of ", label, " (about ", share, " inside)"),
    )
    limit = join("limit ", _km(c.limit_m), when(_empty(c.weapon), "", join(" for ", c.weapon)))
    near = join(_km(c.distance_m), " from ", label, " (", limit, "; ", precision, ")")
    near = when(inside, near, join(near, ": may lie beyond the limit (about ", share, " within)"))
    placed = when(np.isnan(c.limit_m), zone, near)
    return when(c.place_id < 0, precision, placed)


def _when(c: ExplainColumns, agreement: Agreement) -> pa.Array:
    starts = pick([o.start.isoformat() for o in agreement.obligations], c.obligation)
    partial = join(
        "the date range is only ", _percent(c.time_share), " inside the obligation's period (from ", starts, ")"
    )
    return when(c.time_share >= 1, "within the obligation's period", partial)


def explanations(
    agreement: Agreement, places: Sequence[tuple[str, str]], c: ExplainColumns, slice_rows: int = 200_000
) -> pa.ChunkedArray:
    """``findings.explain`` for every row of ``c``: rule, incident, reason, place, time, verdict.
    Built ``slice_rows`` at a time: the intermediate texts of a slice stay in the CPU's caches
    and memory, where those of a million rows (hundreds of MB each) would not."""
    chunks = [_explain(agreement, places, c.rows(k, k + slice_rows)) for k in range(0, len(c), slice_rows)]
    return pa.chunked_array(chunks, pa.string())


def _explain(agreement: Agreement, places: Sequence[tuple[str, str]], c: ExplainColumns) -> pa.Array:
    heads = [f"{o.id} ({o.rule.kind if o.rule else 'no rule'}): " for o in agreement.obligations]
    return join(
        pick(heads, c.obligation),
        _what(c),
        ". Why: ",
        _reasons(c),
        "; ",
        _where(c, places),
        "; ",
        _when(c, agreement),
        ". ",
        pick(Status.NAMES, c.status),
        ", attribution ",
        pick(Who.NAMES, c.who),
        ", confidence ",
        fixed(c.confidence, 2),
        ".",
    )
