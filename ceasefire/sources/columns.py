"""Parquet columns -> the raw columns ``IncidentTable.from_columns`` takes, a partition at a time.

The ``incidents`` layout (what ``ceasefire convert`` writes) is already normalized. The ``acled``
layout is normalized exactly as the ACLED CSV reader does it, with the same helpers
(``sources.fields`` parsers, ``sources.precision`` for precision -> radius and date range,
``sources.taxonomy`` for event types, ``sources.weapons`` for weapon inference), but each helper
runs once per distinct value (or combination of values) of a partition, never once per row.
Rows with an unusable value go to ``BadRows`` as ``FILE:ROW: column: problem`` (ROW counts
from 1) and are dropped; the first problem of each row is the one reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ceasefire.parallel import in_order
from ceasefire.sources.fields import (
    parse_code,
    parse_count,
    parse_day,
    parse_lat,
    parse_lon,
    parse_weapon,
)
from ceasefire.sources.precision import (
    ACLED_TIME_PRECISION,
    acled_date_range,
    place_codes,
    radius_m,
)
from ceasefire.sources.rows import BadRows, RowError
from ceasefire.sources.taxonomy import needs_context, normalize_event_type
from ceasefire.sources.weapons import infer_weapon

__all__ = [
    "EPOCH_ORDINAL",
    "INCIDENT_SCHEMA",
    "Applied",
    "Checks",
    "acled_checked",
    "acled_columns",
    "as_categorical",
    "categorical",
    "incident_columns",
    "number_column",
    "text_coordinates",
    "weapons",
]

EPOCH_ORDINAL = 719_163  # date(1970, 1, 1).toordinal(): Arrow date32 counts days from it
TEXT_FIELDS = (
    "source",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "attacker",
    "weapon",
    "country",
    "admin1",
    "location",
    "notes",
    "source_name",
    "file",
)
ACLED_TEXT = {
    "actor1": "actor1",
    "assoc_actor_1": "assoc_actor_1",
    "actor2": "actor2",
    "assoc_actor_2": "assoc_actor_2",
    "country": "country",
    "admin1": "admin1",
    "location": "location",
    "notes": "notes",
    "source_name": "source",
}
_TEXT = pa.dictionary(pa.int32(), pa.string())
INCIDENT_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("source", _TEXT),
        ("date", pa.date32()),
        ("date_end", pa.date32()),
        ("date_precision", pa.int8()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("geo_precision", pa.int8()),
        ("radius_m", pa.float64()),
        *((name, _TEXT) for name in TEXT_FIELDS[1:9]),
        ("fatalities", pa.int64()),
        *((name, _TEXT) for name in TEXT_FIELDS[9:]),
        ("line", pa.int64()),
        ("date_reported", pa.date32()),
    ],
    metadata={"ceasefire.layout": "incidents/v1"},
)  # the ``incidents`` layout: one column per Incident field, in its order
_MASKED = "\0"  # a value no source holds: stands for rows a step does not look at


def categorical(table: pa.Table, name: str, default: str = "") -> Any:
    """A text column as a pandas Categorical (absent or null: ``default``)."""
    if name not in table.column_names:
        return pd.Categorical.from_codes(np.zeros(table.num_rows, np.int8), pd.Index([default]))
    column = table[name]
    if not pa.types.is_dictionary(column.type):
        column = pc.cast(column, pa.string()).dictionary_encode()
    series = column.to_pandas()
    cat = series.array if isinstance(series.dtype, pd.CategoricalDtype) else pd.Categorical(series)
    if cat.isna().any():
        cat = (cat if default in cat.categories else cat.add_categories([default])).fillna(default)
    return cat


def _ordinals(column: pa.ChunkedArray) -> npt.NDArray[np.int64]:
    days = pc.cast(pc.cast(column, pa.date32()), pa.int32()).fill_null(-EPOCH_ORDINAL)
    return np.asarray(days.to_numpy(), np.int64) + EPOCH_ORDINAL


def row_ids(table: pa.Table, layout: str) -> npt.NDArray[Any]:
    """The incident id of every row (object array of str), as the layout's reader sees it."""
    return np.asarray(id_array(table, layout).to_numpy(zero_copy_only=False), dtype=object)


def id_array(table: pa.Table, layout: str) -> pa.ChunkedArray:
    """The incident id of every row, as Arrow strings."""
    if layout == "incidents":
        column = table["id"]
    else:
        names = [n for n in ("event_id_cnty", "data_id") if n in table.column_names]
        cols = [pc.utf8_trim_whitespace(pc.cast(table[n], pa.string()).fill_null("")) for n in names]
        column = cols[0] if len(cols) == 1 else pc.if_else(pc.equal(cols[0], ""), cols[1], cols[0])
    return pc.cast(column, pa.string()).fill_null("")


def incident_columns(table: pa.Table) -> dict[str, Any]:
    """Raw columns of a table in the ``incidents`` layout."""
    raw: dict[str, Any] = {"id": row_ids(table, "incidents")}
    raw["date"] = _ordinals(table["date"])
    for name in ("date_end", "date_reported"):
        if name in table.column_names:
            raw[name] = _zero_null(table[name])
    for name in ("date_precision", "geo_precision", "lat", "lon", "radius_m", "fatalities", "line"):
        if name in table.column_names:
            raw[name] = table[name].to_numpy()
    for name in TEXT_FIELDS:
        raw[name] = categorical(table, name)
    return raw


def _zero_null(column: pa.ChunkedArray) -> npt.NDArray[np.int64]:
    ordinals = _ordinals(column)
    return np.where(ordinals > 0, ordinals, 0)


class Checks:
    """Problems found per row, in the order the checks ran; a row's first one is reported."""

    def __init__(self, n: int) -> None:
        self.message = np.full(n, None, dtype=object)
        self.bad = np.zeros(n, bool)  # the rows with a problem

    def add(self, errors: npt.NDArray[Any], rows: npt.NDArray[np.bool_] | None = None) -> None:
        """``errors``: per row, ``column: problem`` or None (``rows``: where it is not None)."""
        if rows is None:
            rows = errors != None  # noqa: E711 (element-wise)
        elif not rows.any():
            return
        new = rows & ~self.bad
        self.message[new] = errors[new]
        self.bad |= new

    def flag(self, rows: npt.NDArray[np.bool_], message: str) -> None:
        """The same problem for every row of the mask ``rows``."""
        if rows.any():
            errors = np.full(len(rows), None, dtype=object)
            errors[rows] = message
            self.add(errors, rows)

    def report(self, name: str, first_row: int, bad_rows: BadRows) -> npt.NDArray[np.bool_]:
        """Send each bad row to ``bad_rows`` (row order); the rows that are fine."""
        for i in np.flatnonzero(self.bad):
            bad_rows.report(f"{name}:{first_row + i + 1}: {self.message[i]}")
        ok: npt.NDArray[np.bool_] = ~self.bad
        return ok


def _distinct(columns: Sequence[Any]) -> tuple[npt.NDArray[np.intp], list[tuple[str, ...]]]:
    """(code per row, the values of each code) of the distinct combinations of Categoricals;
    one column's codes are its own (a category no row holds is a code no row has)."""
    if len(columns) == 1:
        return np.asarray(columns[0].codes, np.intp), [(str(c),) for c in columns[0].categories]
    key = np.zeros(len(columns[0]), np.int64)
    for column in columns:
        key = key * (len(column.categories) + 1) + np.asarray(column.codes, np.int64)
        key = np.asarray(pd.factorize(key)[0], np.int64)  # keep the numbers small
    first = np.full(int(key.max(initial=-1)) + 1, -1, np.intp)
    first[key[::-1]] = np.arange(len(key))[::-1]
    picked = [np.asarray(c.categories, dtype=object)[np.asarray(c.codes)[first]] for c in columns]
    return key.astype(np.intp), [tuple(str(v) for v in values) for values in zip(*picked, strict=True)]


class Applied:
    """A function's results on each distinct combination of values, spread back to rows."""

    def __init__(self, fn: Callable[..., Any], columns: Sequence[Any], checks: Checks) -> None:
        self.codes, distinct = _distinct(columns)
        self.values: list[Any] = []
        errors: list[str | None] = []
        for values in distinct:  # once per distinct combination, not per row
            try:
                self.values.append(fn(*values))
                errors.append(None)
            except RowError as error:
                self.values.append(None)
                errors.append(str(error))
        failed = np.array([e is not None for e in errors] + [False], bool)[self.codes]
        self.errors = (
            np.array([*errors, None], dtype=object)[self.codes] if failed.any() else np.full(len(failed), None)
        )
        checks.add(self.errors, failed)

    def numbers(self, dtype: type, part: int | None = None, default: Any = 0) -> npt.NDArray[Any]:
        picked = [default if v is None else (v if part is None else v[part]) for v in self.values]
        return np.array([*picked, default], dtype=dtype)[self.codes]

    def text(self, part: int | None = None) -> Any:
        """The results (text, or their ``part``; "" where refused) as a Categorical,
        factorized once per distinct value."""
        picked = ["" if v is None else (v if part is None else v[part]) for v in self.values]
        codes, uniques = pd.factorize(np.array([*picked, ""], dtype=object))
        return pd.Categorical.from_codes(np.asarray(codes)[self.codes], pd.Index(np.asarray(uniques, dtype=object)))


def as_categorical(values: npt.NDArray[Any]) -> Any:
    codes, uniques = pd.factorize(values)
    return pd.Categorical.from_codes(codes, pd.Index(np.asarray(uniques, dtype=object)))


# The other text columns the ACLED checks read only as categories (``categorical``, ``_text``).
_ACLED_CATEGORIES = (
    "event_date",
    "time_precision",
    "geo_precision",
    "fatalities",
    "event_type",
    "sub_event_type",
    "weapon",
    "attacker",
)


def encoded_text(table: pa.Table, names: Sequence[str]) -> pa.Table:
    """The table with its text columns among ``names`` dictionary-encoded, one column per
    thread (``parallel.THREADS``; Arrow's hashing releases the GIL), each once however many
    checks read it: ``categorical`` takes a dictionary column as it is (issue 16)."""
    wanted = [n for n in dict.fromkeys(names) if n in table.column_names and pa.types.is_string(table[n].type)]
    columns = dict(zip(wanted, in_order(lambda n: pc.dictionary_encode(table[n]), wanted), strict=True))
    arrays = [columns.get(n, table[n]) for n in table.column_names]
    return pa.Table.from_arrays(arrays, names=table.column_names, metadata=table.schema.metadata)


def _text(table: pa.Table, name: str, default: str = "") -> Any:
    """Any column as text categories (numbers as the CSV would spell them)."""
    if name in table.column_names and not (
        pa.types.is_dictionary(table[name].type) or pa.types.is_string(table[name].type)
    ):
        table = table.set_column(table.column_names.index(name), name, pc.cast(table[name], pa.string()))
    return categorical(table, name, default)


def _coordinates(table: pa.Table, name: str, limit: float, checks: Checks) -> npt.NDArray[np.float64]:
    """Latitude or longitude: numbers range-checked in bulk; text parsed per distinct value."""
    column = table[name]
    if not (pa.types.is_floating(column.type) or pa.types.is_integer(column.type)):
        return text_coordinates(table, name, limit, checks)
    values = np.asarray(pc.cast(column, pa.float64()).fill_null(np.nan).to_numpy(), np.float64)
    errors = np.full(len(values), None, dtype=object)
    bad = ~(np.abs(values) <= limit)
    errors[bad] = [
        f"{name}: {x:g} is out of range (-{limit:g} to {limit:g})" if not np.isnan(x) else f"{name}: '' is not a number"
        for x in values[bad]
    ]
    checks.add(errors)
    return values


_DECIMAL = r"^-?[0-9]{1,3}(?:\.[0-9]+)?$"  # what float() and Arrow's cast read alike, to the last bit


def number_column(column: pa.ChunkedArray) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """(values, plain) of a text column: ``plain`` rows were cast in bulk by Arrow, which reads
    a subset of what Python's ``float`` reads, to the same value; the others (NaN here) need
    ``float`` and its messages."""
    text = pc.cast(column, pa.string()).fill_null("")
    empty = pc.equal(text, "")
    try:  # one cast for the whole column: the usual case
        values = pc.cast(pc.if_else(empty, "0", text) if pc.any(empty).as_py() else text, pa.float64())
        plain = pc.invert(empty)
    except pa.ArrowInvalid:  # some text Arrow does not read (spaces, words): decimals cast, the rest left
        plain = pc.match_substring_regex(text, _DECIMAL)
        values = pc.cast(pc.if_else(plain, text, "0"), pa.float64())
    return (
        np.array(pc.if_else(plain, values, np.nan).to_numpy(), np.float64),  # a copy: rows get filled in
        np.asarray(plain.to_numpy(zero_copy_only=False), bool),
    )


def text_coordinates(table: pa.Table, name: str, limit: float, checks: Checks) -> npt.NDArray[np.float64]:
    """Text coordinates: cast in bulk; the rest, and those out of range, parsed per distinct
    value by ``parse_lat``/``parse_lon`` (their messages)."""
    parse = parse_lat if limit == 90.0 else parse_lon
    values, plain = number_column(table[name])
    plain &= np.abs(values) <= limit
    if not plain.all():
        rest = table.filter(pa.array(~plain))
        others = Applied(lambda t: parse(name, t), [_text(rest, name)], Checks(rest.num_rows))
        errors = np.full(len(values), None, dtype=object)
        errors[~plain] = others.errors
        checks.add(errors)
        values[~plain] = others.numbers(np.float64, default=np.nan)
    return values


def acled_columns(
    table: pa.Table, name: str, first_row: int, bad_rows: BadRows, today: dt.date | None = None
) -> dict[str, Any]:
    """Raw columns of a table in the ``acled`` layout, bad rows reported and dropped (a date
    after the day after ``today`` among them; None: any date)."""
    raw, checks = acled_checked(table, name, first_row, today)
    ok = checks.report(name, first_row, bad_rows)
    return raw if ok.all() else {k: v[ok] for k, v in raw.items()}


def acled_checked(
    table: pa.Table, name: str, first_row: int, today: dt.date | None = None
) -> tuple[dict[str, Any], Checks]:
    """Raw columns of every row of a table in the ``acled`` layout (``line``: ``first_row`` + 1
    on), and the problems found in each row; the values of a row with a problem are not to be
    used."""
    checks = Checks(table.num_rows)
    ids = row_ids(table, "acled")
    table = encoded_text(table, [*ACLED_TEXT.values(), *_ACLED_CATEGORIES])
    empty_id = np.full(len(ids), None, dtype=object)
    empty_id[ids == ""] = "event_id_cnty/data_id: empty: every event needs an id"
    checks.add(empty_id)
    dates = Applied(
        partial(_date_range, today=today), [_text(table, "event_date"), _text(table, "time_precision", "1")], checks
    )
    geo = Applied(lambda t: parse_code("geo_precision", t, _GEO_CODES), [_text(table, "geo_precision", "1")], checks)
    first, last = dates.numbers(np.int64, 1), dates.numbers(np.int64, 2)
    raw: dict[str, Any] = {
        "id": ids,
        "source": categorical(table, _MASKED, "acled"),
        "file": categorical(table, _MASKED, name),
        "lat": _coordinates(table, "latitude", 90.0, checks),
        "lon": _coordinates(table, "longitude", 180.0, checks),
        "fatalities": Applied(lambda t: parse_count("fatalities", t), [_text(table, "fatalities")], checks).numbers(
            np.int64
        ),
        "date": first,
        "date_end": np.where(last != first, last, 0),
        "date_reported": np.where(dates.numbers(np.int64, 0) != first, dates.numbers(np.int64, 0), 0),
        "date_precision": dates.numbers(np.int8, 3, 1),
        "geo_precision": geo.numbers(np.int8, default=1),
        "line": np.arange(first_row + 1, first_row + 1 + table.num_rows, dtype=np.int64),
        **{field: categorical(table, column) for field, column in ACLED_TEXT.items()},
    }
    radii = np.array([0.0, *(radius_m("acled", c) for c in place_codes("acled"))])
    raw["radius_m"] = radii[np.clip(raw["geo_precision"], 0, len(radii) - 1)]
    raw["event_type"], raw["sub_event_type"] = _event_types(table, raw, checks)
    raw["weapon"] = weapons(table, raw, checks)
    raw["attacker"] = Applied(str.strip, [categorical(table, "attacker")], checks).text()
    return raw, checks


_GEO_CODES = frozenset(place_codes("acled"))
_TIME_CODES = frozenset(ACLED_TIME_PRECISION)


def _date_range(day: str, code: str, today: dt.date | None) -> tuple[int, int, int, int]:
    """(reported, first, last as ordinals; time precision), as the ACLED reader reads them."""
    date = parse_day("event_date", day, today)
    time_precision = parse_code("time_precision", code, _TIME_CODES)
    try:
        lo, hi = acled_date_range(date, time_precision)
    except ValueError as error:
        raise RowError("event_date", str(error)) from None
    return date.toordinal(), lo.toordinal(), hi.toordinal(), time_precision


def _event_types(table: pa.Table, raw: dict[str, Any], checks: Checks) -> tuple[Any, Any]:
    """Event types in the current taxonomy; pre-2019 types that need the notes or the actors
    to be mapped are resolved per distinct combination of those too."""
    kind, sub = categorical(table, "event_type"), categorical(table, "sub_event_type")
    context = np.array([needs_context(str(c)) for c in kind.categories] + [False])[np.asarray(kind.codes, np.intp)]
    extra = []
    if context.any():  # else every row's notes and actors would be "": not worth a key
        empty = pd.Categorical.from_codes(np.zeros(len(kind), np.int8), pd.Index([""]))
        inter1, inter2 = _text(table, "inter1"), _text(table, "inter2")
        extra = [raw["notes"], raw["actor1"], raw["actor2"], inter1, inter2]
        extra = [_where(context, c, empty) for c in extra]

    def normalize(event_type: str, sub_type: str, notes: str = "", *actors: str) -> tuple[str, str]:
        try:
            return normalize_event_type(event_type, sub_type, notes, actors)
        except ValueError as error:
            raise RowError("event_type", str(error)) from None

    applied = Applied(normalize, [kind, sub, *extra], checks)
    return applied.text(0), applied.text(1)


def _where(mask: npt.NDArray[np.bool_], column: Any, empty: Any) -> Any:
    """``column`` where ``mask``, else the empty string (as a Categorical)."""
    codes = np.where(mask, np.asarray(column.codes) + 1, 0)
    return pd.Categorical.from_codes(codes, pd.Index([_MASKED, *(str(c) for c in column.categories)]))


def weapons(table: pa.Table, raw: dict[str, Any], checks: Checks) -> Any:
    """The file's weapon class, else the one inferred from the sub event type and the notes."""
    given = Applied(lambda t: parse_weapon("weapon", t), [categorical(table, "weapon")], checks).text()
    unknown = np.asarray(given == "", bool)
    notes = _where(unknown, raw["notes"], None)
    inferred = Applied(
        lambda s, n: infer_weapon(s, "" if n == _MASKED else n), [raw["sub_event_type"], notes], checks
    ).text()
    return as_categorical(np.where(unknown, np.asarray(inferred, object), np.asarray(given, object)))
