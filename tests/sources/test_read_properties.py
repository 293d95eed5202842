"""Property tests of issue 12: a date column reads back to the same days whichever order it was
written in; re-encoding a file changes nothing in the incidents."""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ceasefire.sources import BadRows, read_events

HEADER = "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,actor2,country,location,latitude,longitude,geo_precision,notes,fatalities"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the files a test writes stay out of the work tree


TIMES = ("", " 00:00", " 00:00:00", " 12:00:00 AM")
DAYS = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2025, 12, 31))


def written(day: dt.date, day_first: bool, time: str, separator: str, padded: bool) -> str:
    first, second = (day.day, day.month) if day_first else (day.month, day.day)
    if padded:
        return f"{first:02d}{separator}{second:02d}{separator}{day.year}{time}"
    return f"{first}{separator}{second}{separator}{day.year}{time}"


def acled(dates: list[str], names: list[str] | None = None) -> str:
    out = io.StringIO()
    out.write(HEADER + "\n")
    for n, date in enumerate(dates):
        name = names[n % len(names)] if names else "Army"
        out.write(
            f'E{n},{date},1,Battles,Armed clash,"{name}",Rebels,Testland,"{name} town",36.1,37.2,1,"Notes on {name}",1\n'
        )
    return out.getvalue()


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    days=st.lists(DAYS, min_size=1, max_size=40),
    day_first=st.booleans(),
    time=st.sampled_from(TIMES),
    separator=st.sampled_from("/.-"),
    padded=st.booleans(),
)
def test_a_date_column_reads_back_to_the_same_days_in_either_order(
    days: list[dt.date], day_first: bool, time: str, separator: str, padded: bool
) -> None:
    # A column where no day exceeds 12 cannot say its order: the source's convention decides
    # (test_real_exports covers it); every other column must read back exactly.
    assume(any(d.day > 12 for d in days))
    path = Path("dates.csv")
    path.write_text(acled([written(d, day_first, time, separator, padded) for d in days]))
    bad_rows = BadRows()
    assert [i.date for i in read_events(path, bad_rows)] == days
    assert bad_rows.files[0].date_order == ("day-first" if day_first else "month-first")


# Names as Western-locale exports hold them: a few accented letters and typographic marks in
# Latin words. (Two bytes alone, e.g. "ÀÀ", are as much Cyrillic "АА": no detector can tell.)
PLACES = (
    "Côte d’Ivoire",
    "Duékoué",
    "Bouaké",
    "Séguéla",
    "Ménaka",
    "Tombouctou",
    "São Tomé",
    "Forces Républicaines",
    "Maarrat al-Nu‘man",
    "Zürich",
    "Bérénice",
    "Kafr Nabl",
    "Société civile",
    "Légion – Nord",
    "Gendarmería",
)
WESTERN = st.lists(
    st.one_of(st.sampled_from(PLACES), st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)),
    min_size=1,
    max_size=3,
).map(" ".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(WESTERN, min_size=1, max_size=8), encoding=st.sampled_from(["cp1252", "utf-16", "utf-8-sig"]))
def test_re_encoding_a_file_changes_nothing_in_the_incidents(names: list[str], encoding: str) -> None:
    text = acled(["2016-09-19"] * 6, [n.replace('"', "") for n in names])
    Path("utf8.csv").write_text(text, encoding="utf-8")
    Path("other.csv").write_bytes(codecs.encode(text, encoding))
    expected = [dataclasses.replace(i, file="") for i in read_events("utf8.csv", BadRows())]
    bad_rows = BadRows()
    got = [dataclasses.replace(i, file="") for i in read_events("other.csv", bad_rows)]
    assert got == expected
    used = bad_rows.files[0].encoding
    assert used == encoding or (encoding == "cp1252" and text.isascii() and used == "utf-8")
