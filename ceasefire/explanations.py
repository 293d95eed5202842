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
from ceasefire.parallel import in_order
from ceasefire.text_columns import fixed, iso_dates, join, patch, per_value, pick, put, when

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
    if isinstance(column, pa.DictionaryArray):  # compared once per distinct value
        return _empty(column.dictionary)[np.asarray(column.indices.to_numpy(zero_copy_only=False), np.intp)]
    return np.asarray(pc.equal(column, "").to_numpy(zero_copy_only=False), bool)


def _text(column: pa.Array) -> pa.Array:
    return column.dictionary.take(column.indices) if isinstance(column, pa.DictionaryArray) else column


def _km(metres: npt.NDArray[np.float64]) -> pa.Array:
    # NaN (no route, no limit) only in rows whose sentence does not use this text: 0 spares Python
    return join(fixed(np.where(np.isnan(metres), 0.0, metres) / 1000, 1), " km")


def _percent(share: npt.NDArray[np.float64]) -> pa.Array:
    return join(fixed(share * 100, 0), "%")


def _kind(event_type: pa.Array, sub_event_type: pa.Array) -> pa.Array:
    et, st = _empty(event_type), _empty(sub_event_type)
    return when(et, sub_event_type, when(st, event_type, join(event_type, " / ", sub_event_type)))


def _by(actor1: pa.Array, actor2: pa.Array, weapon: pa.Array) -> pa.Array:
    actor = when(_empty(actor1), "an unnamed actor", actor1)
    target = when(_empty(actor2), "", join(" against ", actor2))
    return join(" by ", actor, target, when(_empty(weapon), "", join(" with ", weapon)))


def _what(c: ExplainColumns) -> pa.Array:
    """``findings._what``: id, kind, place, date, actors and weapon of each incident. The texts
    of a few distinct values are built once per value; coordinates and date ranges only for
    the rows that show them."""
    unnamed = np.flatnonzero(_empty(c.location))
    latlon = join(fixed(c.lat[unnamed], 4), ", ", fixed(c.lon[unnamed], 4))
    where = patch(_text(c.location), unnamed, latlon)
    ranged = np.flatnonzero(c.day0 != c.day1)
    between = join(iso_dates(c.day[ranged]), " (between ", iso_dates(c.day0[ranged]), " and ")
    on = patch(iso_dates(c.day0), ranged, join(between, iso_dates(c.day1[ranged]), ")"))
    kind = per_value(_kind, c.event_type, c.sub_event_type)
    return join(c.id, ": ", kind, " at ", where, " on ", on, per_value(_by, c.actor1, c.actor2, c.weapon))


def _reasons(c: ExplainColumns) -> pa.Array:
    """``REASON_TEXT[reason]`` with its fields filled, once per distinct (reason, parties, target)."""
    return per_value(_reason_texts, c.reason, c.parties, c.actor2)


def _reason_texts(reason: npt.NDArray[np.int8], parties: pa.Array, actor2: pa.Array) -> pa.Array:
    fields = {
        "parties": when(_empty(parties), "no bound party", parties),
        "target": when(_empty(actor2), "an unnamed target", actor2),
    }
    groups = []
    for code in np.unique(reason).tolist():
        rows = np.flatnonzero(reason == code)
        take = pa.array(rows)
        pieces: list[pa.Array | str] = []
        for literal, name, _, _ in string.Formatter().parse(REASON_TEXT.get(code, "")):
            pieces.append(literal)
            if name is not None:
                pieces.append(fields[name].take(take))
        groups.append((rows, join(*pieces) if len(pieces) > 1 else pa.array([pieces[0] if pieces else ""] * len(rows))))
    return put(len(reason), groups)


def _precision(radius_m: npt.NDArray[np.float64]) -> pa.Array:
    return when(radius_m == 0, "exact location", join("location known to ±", _km(radius_m)))


def _limit(limit_m: npt.NDArray[np.float64], weapon: pa.Array) -> pa.Array:
    return join(" (limit ", _km(limit_m), when(_empty(weapon), "", join(" for ", weapon)), "; ")


def _where(c: ExplainColumns, places: Sequence[tuple[str, str]]) -> pa.Array:
    """``findings._where``: the precision of the location, and where it lies against the place;
    each of its forms built only for the rows that have it."""
    precision = per_value(_precision, c.radius_m)
    label = pick([f"{kind} '{ident}'" for kind, ident in places] or [""], np.maximum(c.place_id, 0))
    placed, route = c.place_id >= 0, ~np.isnan(c.limit_m)
    inside = c.place_share >= 1
    nowhere = np.flatnonzero(~placed)
    groups = [(nowhere, precision.take(pa.array(nowhere)))]
    for rows, form in (
        (placed & ~route & inside, _inside),
        (placed & ~route & ~inside, _straddles),
        (placed & route, _near),
    ):
        at = np.flatnonzero(rows)
        groups.append((at, form(c, at, label.take(pa.array(at)), precision.take(pa.array(at)))))
    return put(len(c), groups)


def _inside(c: ExplainColumns, rows: npt.NDArray[np.intp], label: pa.Array, precision: pa.Array) -> pa.Array:
    return join("inside ", label, " (", precision, ")")


def _straddles(c: ExplainColumns, rows: npt.NDArray[np.intp], label: pa.Array, precision: pa.Array) -> pa.Array:
    share = _percent(c.place_share[rows])
    return join(precision, ": the area straddles the boundary of ", label, " (about ", share, " inside)")


def _near(c: ExplainColumns, rows: npt.NDArray[np.intp], label: pa.Array, precision: pa.Array) -> pa.Array:
    limit = per_value(_limit, c.limit_m[rows], c.weapon.take(pa.array(rows)))
    near = join(_km(c.distance_m[rows]), " from ", label, limit, precision, ")")
    partly = np.flatnonzero(~(c.place_share[rows] >= 1))  # as ``findings``: NaN is not inside
    beyond = join(near.take(pa.array(partly)), ": may lie beyond the limit (about ")
    return patch(near, partly, join(beyond, _percent(c.place_share[rows][partly]), " within)"))


def _when(c: ExplainColumns, agreement: Agreement) -> pa.Array:
    """``findings._when``: the sentence for a date range only partly inside the period is built
    for those rows only."""
    partly = np.flatnonzero(~(c.time_share >= 1))
    starts = pick([o.start.isoformat() for o in agreement.obligations], c.obligation[partly])
    share = _percent(c.time_share[partly])
    text = join("the date range is only ", share, " inside the obligation's period (from ", starts, ")")
    return patch(pick(["within the obligation's period"], np.zeros(len(c), np.intp)), partly, text)


SLICE_ROWS = 100_000  # rows of one slice: its intermediate texts (tens of MB) stay small


def explanations(agreement: Agreement, places: Sequence[tuple[str, str]], c: ExplainColumns) -> pa.ChunkedArray:
    """``findings.explain`` for every row of ``c``: rule, incident, reason, place, time, verdict.
    Built ``SLICE_ROWS`` at a time, on ``parallel.THREADS`` threads (the chunks of the result
    are the slices, in order): the intermediate texts of a slice stay in the CPU's caches and
    memory, where those of a million rows (hundreds of MB each) would not."""
    chunks = in_order(lambda k: _explain(agreement, places, c.rows(k, k + SLICE_ROWS)), range(0, len(c), SLICE_ROWS))
    return pa.chunked_array(list(chunks), pa.string())


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
        per_value(_verdict, c.status, c.who, c.confidence),
    )


def _verdict(status: npt.NDArray[np.int8], who: npt.NDArray[np.int8], confidence: npt.NDArray[np.float64]) -> pa.Array:
    attribution = join(pick(Status.NAMES, status), ", attribution ", pick(Who.NAMES, who))
    return join(". ", attribution, ", confidence ", fixed(confidence, 2), ".")
