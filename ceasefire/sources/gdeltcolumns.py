"""GDELT event files read column by column (issue 16): what ``gdelt.read_gdelt`` does row by row.

One layout per file: a file whose rows are not all of its first row's width (backfile and daily
rows concatenated) is left to the row reader, as is anything ``arrowtext.string_table`` refuses.
Rows outside CAMEO roots 18-20 are counted as not incidents (the first one's message kept); the
others are checked per distinct value (event code, place type, date, place name) or in bulk
(ids, coordinates), and a row any check refuses is read again by ``gdelt.gdelt_incident`` for
its message, or its lack of a place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ceasefire.model import Incident
from ceasefire.sources.arrowtext import file_bytes, string_table
from ceasefire.sources.columns import Applied, Checks, as_categorical, categorical, text_coordinates
from ceasefire.sources.fields import parse_code
from ceasefire.sources.formats import Detected
from ceasefire.sources.gdelt import (
    GDELT_LAYOUTS,
    Columns,
    admin1_of,
    cameo_event,
    gdelt_incident,
    gdelt_version,
    not_conflict,
    sql_date,
)
from ceasefire.sources.precision import place_codes, radius_m
from ceasefire.sources.recheck import Replay, start_counts
from ceasefire.sources.rows import BadRows
from ceasefire.sources.weapons import infer_weapon

__all__ = ["gdelt_columns"]

_GEO_CODES = frozenset(place_codes("gdelt"))


def gdelt_columns(detected: Detected, bad_rows: BadRows, today: dt.date | None) -> dict[str, Any] | None:
    """A GDELT file's incidents as raw columns, its counts in ``bad_rows``; None (nothing
    counted) when the row reader must read it."""
    data = file_bytes(detected)
    end = data.find(b"\n")
    first = data[: end if end >= 0 else len(data)].decode("utf-8", "replace")
    width = len(first.rstrip("\r\n").split("\t"))
    if gdelt_version(first) is None:
        return None
    at = Columns.of(GDELT_LAYOUTS[width][1])
    wanted = {f: i for f, i in at._asdict().items() if i is not None}
    table = string_table(data, "\t", width, wanted, header=False, quoting=False)
    del data  # not kept through the checks
    if table is None:
        return None
    counts = start_counts(bad_rows, detected)
    counts.date_order_why = "SQLDATE is YYYYMMDD: no order to infer"
    events = Applied(_event, [categorical(table, "code")], Checks(table.num_rows))
    conflict = np.asarray(events.numbers(bool, 3, False), bool)
    codes = table["code"]
    table = table.filter(pa.array(conflict))
    raw, checks = _checked(table, events, conflict, detected.name, today)

    def counted(before: int | None) -> None:
        _not_incidents(codes, conflict, detected.name, bad_rows, before)

    replay = Replay(detected.name, _row_reader(detected.name, at, width, today), counted)
    return replay.settle(raw, checks.bad, table, bad_rows, raw["line"])


def _event(code: str) -> tuple[str, str, str, bool]:
    """(event type, sub event type, weapon, is an incident) of a CAMEO event code."""
    event = cameo_event(code)
    if event is None:
        return "", "", "", False
    event_type, sub_event_type, weapon = event
    return event_type, sub_event_type, weapon or infer_weapon(sub_event_type, ""), True


def _not_incidents(
    codes: pa.ChunkedArray, conflict: npt.NDArray[np.bool_], name: str, bad_rows: BadRows, before: int | None
) -> None:
    """Count the rows outside CAMEO 18-20 (those before line ``before``; None: all) as
    ``read_gdelt`` does: the first with its message."""
    others = np.flatnonzero(~conflict[: None if before is None else before - 1])
    if not len(others):
        return
    row = int(others[0])
    bad_rows.not_incident(not_conflict(str(codes[row].as_py()), name, row + 1))
    bad_rows.ignored += len(others) - 1
    bad_rows.current.not_incidents += len(others) - 1


def _checked(
    table: pa.Table, events: Applied, conflict: npt.NDArray[np.bool_], name: str, today: dt.date | None
) -> tuple[dict[str, Any], Checks]:
    n = table.num_rows
    checks = Checks(n)
    digits = pc.match_substring_regex(table["event_id"], r"^[0-9]+$")
    checks.flag(~np.asarray(digits.to_numpy(zero_copy_only=False), bool), "GLOBALEVENTID")
    geo = Applied(_geo_type, [categorical(table, "geo_type")], checks).numbers(np.int8, default=1)
    kind = events.codes[conflict]
    pick = [*events.values, None]

    def event_part(part: int) -> Any:
        return _categorical([("" if pick[k] is None else pick[k][part]) for k in range(len(pick))], kind)

    url = table["url"] if "url" in table.column_names else None
    raw: dict[str, Any] = {
        "id": np.asarray(
            pc.binary_join_element_wise("GDELT", table["event_id"], "").to_numpy(zero_copy_only=False), object
        ),
        "source": categorical(table, "\0", "gdelt"),
        "file": categorical(table, "\0", name),
        "date": Applied(lambda t: sql_date(t, today).toordinal(), [categorical(table, "date")], checks).numbers(
            np.int64
        ),
        "date_end": np.zeros(n, np.int64),
        "date_reported": np.zeros(n, np.int64),
        "date_precision": np.ones(n, np.int8),
        "lat": text_coordinates(table, "lat", 90.0, checks),  # messages: from gdelt_incident
        "lon": text_coordinates(table, "lon", 180.0, checks),
        "geo_precision": geo,
        "radius_m": np.array([0.0, *(radius_m("gdelt", c) for c in place_codes("gdelt"))])[geo],
        "event_type": event_part(0),
        "sub_event_type": event_part(1),
        "weapon": event_part(2),
        "actor1": categorical(table, "actor1"),
        "actor2": categorical(table, "actor2"),
        "country": categorical(table, "country"),
        "admin1": Applied(admin1_of, [categorical(table, "full_name"), categorical(table, "geo_type")], checks).text(),
        "location": categorical(table, "full_name"),
        "notes": categorical(table, "url") if url is not None else categorical(table, "\0"),
        "source_name": categorical(table, "\0", "GDELT"),
        **{f: categorical(table, "\0") for f in ("assoc_actor_1", "assoc_actor_2", "attacker")},
        "fatalities": np.zeros(n, np.int64),
        "line": np.flatnonzero(conflict).astype(np.int64) + 1,
    }
    return raw, checks


def _geo_type(text: str) -> int:
    return parse_code("ActionGeo_Type", text, _GEO_CODES)


def _categorical(values: list[str], codes: npt.NDArray[np.intp]) -> Any:
    return as_categorical(np.array(values, dtype=object)[codes])


def _row_reader(name: str, at: Columns, width: int, today: dt.date | None) -> Callable[[dict[str, str], int], Incident]:
    """``read_gdelt``'s treatment of one conflict row, from the columns read."""

    def read_row(record: dict[str, str], line: int) -> Incident:
        fields = [""] * width
        for key, value in record.items():
            fields[getattr(at, key)] = value
        event = cameo_event(record["code"]) or ("", "", "")  # never None: only conflict rows are checked
        return gdelt_incident(fields, at, event, name, line, today)

    return read_row
