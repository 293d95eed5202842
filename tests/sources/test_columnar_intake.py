"""The columnar intake reads every file exactly as the row readers do (issue 16).

Both paths run on every events fixture (tests/data/events, the issue-12 real-file exports) and on
generated ACLED, UCDP GED and GDELT files mixing good rows with every class of bad row (several
bad fields in one row among them, so the first one the row reader meets must be the one
reported), strict and skipping: the incident columns, the messages, the per-file counts and the
error that stops a strict run must be the same.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ceasefire.sources import BadRows
from ceasefire.sources.columnar import read_columns, read_files
from ceasefire.sources.formats import detect, read_detected
from ceasefire.table import FIELDS, columns_of

DATA = Path(__file__).resolve().parents[1] / "data"
FIXTURES = sorted([*(DATA / "events").iterdir(), *(DATA / "exports").iterdir()])
TODAY = dt.date(2026, 12, 4)
COLUMNAR = {"acled_current.csv", "acled_pre2019.csv", "ucdp_ged.csv", "gdelt_v1.tsv", "gdelt_v2.tsv"}
COLUMNAR |= {"acled_day_first.csv", "acled_old_upper.csv"}


def read_both(path: Path, skip: bool, today: dt.date | None = None) -> tuple[Any, Any, list[bool]]:
    """(row readers, columnar) results of one file: (columns, messages, counts, error); and
    for each file in it whether the columnar reader took it."""
    results = []
    taken: list[bool] = []
    for columnar in (False, True):
        bad = BadRows(skip=skip)
        parts, error = [], ""
        try:
            for found in detect(path):
                raw = read_columns(found, bad, today) if columnar else None
                if columnar:
                    taken.append(raw is not None)
                parts.append(columns_of(read_detected(found, bad, today)) if raw is None else raw)
        except Exception as failure:
            error = f"{type(failure).__name__}: {failure}"
        results.append((parts, list(bad.messages), list(bad.files), error))
    return results[0], results[1], taken


def assert_same(rows: Any, columns: Any) -> None:
    (row_parts, row_messages, row_counts, row_error), (col_parts, col_messages, col_counts, col_error) = rows, columns
    assert col_error == row_error
    assert col_messages == row_messages
    assert col_counts == row_counts
    assert len(col_parts) == len(row_parts)
    for want, got in zip(row_parts, col_parts, strict=True):
        for name in FIELDS:
            expected, actual = np.asarray(want[name], dtype=object), np.asarray(got[name], dtype=object)
            assert actual.tolist() == expected.tolist(), name


@pytest.mark.parametrize("skip", [True, False], ids=["skip", "strict"])
@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_every_fixture_reads_the_same_both_ways(path: Path, skip: bool) -> None:
    rows, columns, taken = read_both(path, skip)
    assert_same(rows, columns)
    if path.name in COLUMNAR:
        assert all(taken), "the columnar reader should read this file"


ACLED_POOLS: dict[str, list[str]] = {
    "data_id": ["", "", "77"],
    "event_date": [
        "2016-09-19",
        "19 September 2016",
        "19/09/2016",
        "05/02/2016",
        "2/13/2016",
        "2016-02-30",
        "yesterday",
        "3016-01-01",
        "42632",
        "2016-09-19 00:00:00",
    ],
    "time_precision": ["1", "1", "2", "3", "0", "", " 2"],
    "event_type": [
        "Battles",
        "Explosions/Remote violence",
        "Remote violence",
        "Riots/Protests",
        "Flood",
        "battle-no change of territory",
        "Strategic developments",
        "Violence against civilians",
        "REMOTE VIOLENCE",
    ],
    "sub_event_type": [
        "",
        "Armed clash",
        "Air/drone strike",
        "Shelling/artillery/missile attack",
        "peaceful protest",
        "Something else",
    ],
    "actor1": ["Military Forces of Syria (2000-)", "Rioters (Syria)", "Opposition Rebels", ""],
    "inter1": ["1", "5", ""],
    "actor2": ["Civilians (Syria)", "", "Islamic State"],
    "inter2": ["7", "5", ""],
    "latitude": ["36.2", "-35.5", "36.2", "91", "north", "", " 36.1", "36", "1e1", "nan", "36.20000000001"],
    "longitude": ["37.1", "37.1", "-181", "", "180", "east", "37.123456", "-0.5"],
    "geo_precision": ["1", "1", "2", "3", "4", ""],
    "notes": [
        "",
        "Shelling with mortars",
        "an air-strike by warplanes",
        "Suicide bomb",
        "TOW missile hit",
        'He said "no", then left',
        "rioters, looting",
    ],
    "fatalities": ["0", "3", "", "2.5", "-1", " 4"],
    "weapon": ["", "", "mortar", "Artillery", "laser"],
    "attacker": ["", "", " Military Forces of Syria (2000-) "],
}
UCDP_POOLS: dict[str, list[str]] = {
    "type_of_violence": ["1", "2", "3", "3", "4", "x"],
    "side_a": ["Government of Syria", "IS", ""],
    "side_b": ["Syrian insurgents", "Civilians", ""],
    "latitude": ["36.2", "36.2", "91", "", "x"],
    "longitude": ["37.1", "37.1", "", "200"],
    "where_prec": ["1", "2", "4", "6", "8", ""],
    "date_prec": ["1", "3", "5", "6"],
    "date_start": ["2016-09-19 00:00:00.000", "9/19/2016", "9/5/2016", "2016-09-20", "bad", "3016-01-01"],
    "date_end": ["2016-09-19 00:00:00.000", "2016-09-21", "9/20/2016", "2016-09-01", "19/9/2016"],
    "best": ["0", "5", "5", "-1", "x", ""],
    "source_headline": ["", "Shelling of the old city", "Air strike on a market"],
    "weapon": ["", "", "mortar", "sword"],
    "attacker": ["", "IS"],
}


def picker(rng: random.Random, good: float) -> Any:
    """Draws from a pool: its first (good) value with probability ``good``, else any."""
    return lambda pool: pool[0] if rng.random() < good else rng.choice(pool)


def generated_acled(rng: random.Random, rows: int, good: float = 0.0) -> str:
    pick = picker(rng, good)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["event_id_cnty", *ACLED_POOLS])
    for i in range(rows):
        event_id = pick([f"SYR{i}", f"SYR{i}", f"SYR{i}", " SYR3 ", "", "report-1", "SYR1"])
        writer.writerow([event_id, *(pick(pool) for pool in ACLED_POOLS.values())])
    return out.getvalue()


def generated_ucdp(rng: random.Random, rows: int, good: float = 0.0) -> str:
    pick = picker(rng, good)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["id", *UCDP_POOLS, "country"])
    for i in range(rows):
        event_id = pick([str(i), str(i), str(i), " 3 ", "", "report-9"])
        writer.writerow([event_id, *(pick(pool) for pool in UCDP_POOLS.values()), "Syria"])
    return out.getvalue()


GDELT_CHANGES: dict[int, list[str]] = {
    0: ["1", "2", "x1"],  # GLOBALEVENTID
    1: ["20160919", "20160919", "2016091", "30160919"],  # SQLDATE
    26: ["190", "195", "183", "0871", "20", "1823"],  # EventCode
    51: ["4", "4", "1", "3", "9", ""],  # ActionGeo_Type
    52: ["Aleppo, Halab, Syria", "Halab, Syria", "Syria"],  # ActionGeo_FullName
    56: ["36.2", "36.2", "", "91", "x"],  # ActionGeo_Lat
    57: ["37.1", "37.1", "", "-200"],  # ActionGeo_Long
}


def generated_gdelt(rng: random.Random, rows: int, good: float = 0.0) -> str:
    pick = picker(rng, good)
    template = (DATA / "events" / "gdelt_v2.tsv").read_text().splitlines()[0].split("\t")
    lines = []
    for i in range(rows):
        fields = list(template)
        for column, pool in GDELT_CHANGES.items():
            fields[column] = pick(pool)
        fields[0] = fields[0] if fields[0] == "x1" else str(i + 1)
        lines.append("\t".join(fields))
    return "\n".join(lines) + "\n"


GENERATORS = {"acled.csv": generated_acled, "ucdp.csv": generated_ucdp, "gdelt.tsv": generated_gdelt}


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("skip", [True, False], ids=["skip", "strict"])
@pytest.mark.parametrize("name", list(GENERATORS), ids=[n.split(".")[0] for n in GENERATORS])
def test_generated_files_read_the_same_both_ways(tmp_path: Path, name: str, skip: bool, seed: int) -> None:
    path = tmp_path / name
    good = 0.0 if skip else 0.99  # strict: good rows before the first bad one, which stops the file
    path.write_text(GENERATORS[name](random.Random(seed), 400, good), encoding="utf-8", newline="")
    rows_read, columns_read, taken = read_both(path, skip, TODAY if seed % 2 else None)
    assert_same(rows_read, columns_read)
    assert all(taken)


def acled_text(rows: list[str]) -> str:
    return "event_id_cnty,event_date,event_type,actor1,latitude,longitude,notes\n" + "".join(r + "\n" for r in rows)


GOOD = "E1,2016-09-19,Battles,A,36.2,37.1,"


@pytest.mark.parametrize(
    ("text", "columnar"),
    [
        (acled_text([GOOD, 'E2,2016-09-19,Battles,A,36.2,37.1,"two\nlines"', "E3,19/09/2016,Battles,A,1,2,"]), False),
        (acled_text([GOOD, "", "E3,2016-09-19,Battles,A,1,2,"]), False),
        (acled_text([GOOD, "E2,2016-09-19,Battles,A,36.2,37.1", "E3,bad,Battles,A,1,2,"]), False),
        (acled_text([GOOD, 'E2,2016-09-19,Battles,A,36.2,37.1,"closed"late']), False),
        (acled_text([GOOD, "E2,2016-09-19,Battles,A,36.2,37.1,x\ry"]), False),
        ("\ufeff" + acled_text([GOOD, "E2,2016-09-19,Battles,A,36.2,91,"]), True),
        (acled_text([GOOD, 'E2,2016-09-19,Battles,A,36.2,37.1,"a ""quoted"" word, here"']).replace("\n", "\r\n"), True),
        ("event_id_cnty,event_date,event_type,actor1,latitude\nE1,2016-09-19,Battles,A,36.2\n", False),
        (
            "EVENT_ID_CNTY,EVENT_DATE,EVENT_TYPE,ACTOR1,ALLY_ACTOR_1,LATITUDE,LONGITUDE\nE1,19/09/2016,Battles,A,B,1,2",
            True,
        ),
        (acled_text([]), True),
    ],
    ids=[
        "quoted-line-break",
        "empty-line",
        "ragged",
        "text-after-quote",
        "lone-cr",
        "bom",
        "crlf-quotes",
        "missing-column",
        "old-names-no-final-newline",
        "header-only",
    ],
)
@pytest.mark.parametrize("skip", [True, False], ids=["skip", "strict"])
def test_odd_files_read_the_same_whichever_path_takes_them(
    tmp_path: Path, text: str, columnar: bool, skip: bool
) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes(text.encode("utf-8"))
    rows, columns, taken = read_both(path, skip)
    assert_same(rows, columns)
    assert taken == [columnar]


def test_files_are_joined_in_order(tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "u.csv"
    first.write_text(generated_acled(random.Random(1), 50))
    second.write_text(generated_ucdp(random.Random(2), 50))
    paths = [first, second, DATA / "exports" / "ucdp_cp1252.csv", DATA / "events" / "points.geojson"]
    bad = BadRows(skip=True)
    raw = read_files(paths, bad)
    expected = BadRows(skip=True)
    parts = [columns_of(read_detected(found, expected)) for path in paths for found in detect(path)]
    assert [len(p["id"]) for p in parts] == [f.incidents for f in bad.files]
    assert np.asarray(raw["id"], dtype=object).tolist() == [i for p in parts for i in p["id"]]
    assert np.asarray(raw["file"], dtype=object).tolist() == [f for p in parts for f in p["file"]]
    assert bad.files == expected.files and bad.messages == expected.messages


EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "syria-2016-09"


@pytest.mark.parametrize(
    "period",
    [(None, None), (dt.date(2016, 9, 14), dt.date(2016, 9, 20)), (dt.date(2016, 9, 19), None)],
    ids=["all", "week", "from"],
)
def test_verify_gives_the_same_run_both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, period: Any) -> None:
    """``pipeline.verify`` with and without the columnar intake: the same findings and counts,
    the period and the duplicate ids (the example's file read twice) dropped alike."""
    from ceasefire import pipeline
    from ceasefire.agreement import load_agreement

    agreement = load_agreement(EXAMPLE / "agreement.yaml")
    odd = tmp_path / "odd.csv"
    odd.write_text(generated_acled(random.Random(3), 300), encoding="utf-8")
    paths = [EXAMPLE / "incidents.csv", EXAMPLE / "incidents.csv", odd]
    runs = []
    for columnar in (False, True):
        monkeypatch.setattr(pipeline, "_columnar", lambda columnar=columnar: columnar)
        v = pipeline.verify(agreement, paths, date_from=period[0], date_to=period[1], skip_bad_rows=True)
        runs.append(v)
    rows, columns = runs
    assert columns.intake == rows.intake
    assert [f.to_document() for f in columns.finding_objects()] == [f.to_document() for f in rows.finding_objects()]
    assert rows.intake.duplicates > 0
