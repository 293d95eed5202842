"""Which events format a file holds, told from its content alone, and reading it.

The first 64 KiB decide: a file starting with ``PAR1`` is Parquet (``sources.parquet`` reads it,
column by column, as is a folder holding Parquet files); a JSON object with ``"type": "FeatureCollection"`` (or a ``features``
array) is GeoJSON; a first line of 57, 58 or 61 tab-separated fields starting with an event id
is GDELT; otherwise the first line is a CSV header, ACLED or UCDP GED by the columns only that
source has (at least two of them). A text file that is none of these is a news article when its
name ends in ``.txt`` or ``.html`` (``news.NEWS_SUFFIXES``) or its text is HTML (``sources.news``
runs ``extract`` on it); otherwise a file's name and extension are never looked at.

Before that, containers are opened (``containers``: .zip, .gz, .xlsx) and the text's encoding is
found (``encodings``: UTF-8 first, else detected, or forced with ``encoding=``). ``detect`` says
all of it for every events file a path holds; ``read_events`` reads them, counting each file's
rows by class in ``BadRows.files``.

Every reader takes ``today``: a date after the day after it is a bad row; None (the default, and
what ``ceasefire verify`` and ``import`` pass) reads any date, so a file's findings never depend
on the day they are read.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import os
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol, TextIO, cast

from ceasefire.errors import FormatNotRecognized, InputError
from ceasefire.extras import require_extra
from ceasefire.model import Incident
from ceasefire.sources.acled import read_acled
from ceasefire.sources.containers import Member, SheetText, members
from ceasefire.sources.encodings import check_encoding, detect_encoding
from ceasefire.sources.gdelt import GDELT_LAYOUTS, gdelt_version, read_gdelt
from ceasefire.sources.geojson import read_geojson
from ceasefire.sources.news import is_news, news_version, read_news
from ceasefire.sources.rows import BadRows
from ceasefire.sources.tables import column_name
from ceasefire.sources.ucdp import read_ucdp

__all__ = [
    "EVENT_FORMATS",
    "READERS",
    "Detected",
    "detect",
    "detect_format",
    "iter_files",
    "read_detected",
    "read_events",
]

FilePath = str | os.PathLike[str]


class Reader(Protocol):
    """A text format's reader: incidents from a file object; ``name`` is for messages."""

    def __call__(self, fp: TextIO, name: str, bad_rows: BadRows, today: dt.date | None = None) -> Iterator[Incident]:
        """Read lazily; see the module for ``today``."""
        ...


READERS: dict[str, Reader] = {
    "acled": read_acled,
    "ucdp": read_ucdp,
    "gdelt": read_gdelt,
    "geojson": read_geojson,
    "news": read_news,
}
EVENT_FORMATS = tuple(READERS)  # text formats; detect_format also answers "parquet" (sources.parquet)
SNIFF_BYTES = 65536
# Columns only one source's header has; two of them are enough to tell the source.
MARKERS = {
    "acled": frozenset(
        {
            "event_id_cnty",
            "event_id_no_cnty",
            "data_id",
            "event_type",
            "sub_event_type",
            "geo_precision",
            "time_precision",
            "assoc_actor_1",
            "ally_actor_1",
        }
    ),
    "ucdp": frozenset(
        {
            "type_of_violence",
            "where_prec",
            "date_prec",
            "side_a",
            "side_b",
            "conflict_new_id",
            "dyad_new_id",
            "deaths_civilians",
        }
    ),
}
_FEATURE_COLLECTION = re.compile(r'"type"\s*:\s*"FeatureCollection"|"features"\s*:\s*\[')
_EXPECTED = "expected ACLED CSV, UCDP GED CSV, GDELT events TSV or GeoJSON"
_EXPECTED_TEXT = _EXPECTED + ", or news text (.txt, .html)"  # what a text file may be
PARQUET_MAGIC = b"PAR1"


@dataclass(frozen=True)
class Detected:
    """One events file as found: where it is, its format and version, and its encoding."""

    member: Member
    format: str
    version: str = ""
    encoding: str = ""  # a Python codec name; "" for a workbook
    sheet: str | None = None

    @property
    def name(self) -> str:
        return self.member.name


def detect_format(path: FilePath) -> str:
    """The file's format, one of EVENT_FORMATS (or "parquet"), from its content; else ``FormatNotRecognized``."""
    name = os.fspath(path)
    if os.path.isdir(name) or _head(name).startswith(PARQUET_MAGIC):
        return _parquet(name)
    return detect(name)[0].format


def _parquet(name: str) -> str:
    # sources.parquet needs pyarrow, the scale extra (issue 17): imported for Parquet only.
    require_extra("scale", ("pyarrow",), needed_for=f"{name}: Parquet input")
    from ceasefire.sources.parquet import is_parquet

    if not os.path.isdir(name) or is_parquet(name):
        return "parquet"
    raise FormatNotRecognized(f"{name}: a folder, but it holds no Parquet files ({_EXPECTED} or Parquet)")


def detect(path: FilePath, encoding: str | None = None, sheet: str | None = None) -> list[Detected]:
    """Every events file ``path`` holds (itself, or an archive's members), with its format and
    encoding; ``encoding`` forces the text encoding, ``sheet`` a workbook's sheet. Members of an
    archive that are not events files are left out, unless none is one; its news texts are read
    only when it holds nothing else (a README.txt beside a CSV is documentation)."""
    name = os.fspath(path)
    inside = members(name, _head(name))
    found: list[Detected] = []
    refused: list[str] = []
    for member in inside:
        try:
            found.append(_detect_member(member, encoding, sheet))
        except FormatNotRecognized as error:
            refused.append(str(error))
    if not found:
        raise FormatNotRecognized(
            refused[0] if len(refused) == 1 else f"{name}: no events file in it: " + "; ".join(refused)
        )
    if any(d.format != "news" for d in found):  # a README.txt beside the data is not news
        found = [d for d in found if d.format != "news"]
    elif found[0].format == "news":  # checked before any file is read, as formats are
        require_extra("news", needed_for=f"{found[0].name}: news text input")
    return found


def _detect_member(member: Member, encoding: str | None, sheet: str | None) -> Detected:
    if member.workbook:
        with SheetText(member, sheet) as text:
            first_line = text.readline()
        found, why, version = _sniff_header(first_line)
        if found is None:
            raise FormatNotRecognized(f"{member.name}: not a recognized events workbook ({_EXPECTED}): {why}")
        return Detected(member, found, version, "", sheet)
    try:
        with member.open() as raw:
            head = raw.read(SNIFF_BYTES)
        used = check_encoding(member.name, encoding) if encoding else detect_encoding(member.name, head, member.open)
    except (OSError, EOFError, zipfile.BadZipFile) as error:  # gzip and zip raise these for damaged data
        kind = {"gzip": "a gzip file", "zip": "a zip archive member"}.get(member.container, "a file")
        raise FormatNotRecognized(f"{member.name}: it is {kind}, but a damaged one ({error})") from None
    if not used:
        raise FormatNotRecognized(
            f"{member.name}: not a recognized events file ({_EXPECTED_TEXT}): it holds binary data, not text"
        )
    sample = head.decode(used, errors="replace")
    found, why, version = _sniff_text(sample)
    if found is None and sample.strip() and is_news(member.name, sample):
        found, version = "news", news_version(sample)
    if found is None:
        raise FormatNotRecognized(f"{member.name}: not a recognized events file ({_EXPECTED_TEXT}): {why}")
    return Detected(member, found, version, used)


def _head(name: str) -> bytes:
    try:
        with open(name, "rb") as raw:
            return raw.read(SNIFF_BYTES)
    except OSError as error:
        raise InputError(f"{name}: cannot read the file: {error.strerror}") from None


def _sniff_text(text: str) -> tuple[str | None, str, str]:
    """(format, "", version) or (None, why not, "") for the first characters of a file."""
    text = text.removeprefix("\ufeff").lstrip()
    if not text:
        return None, "the file is empty", ""
    if text.startswith("{"):
        if _FEATURE_COLLECTION.search(text):
            return "geojson", "", _geojson_version(text)
        return None, "a JSON object, but not a GeoJSON FeatureCollection", ""
    if text.startswith("["):
        return None, "a JSON array, not a GeoJSON FeatureCollection", ""
    first_line = text.split("\n", 1)[0]
    if "\t" in first_line:
        return _sniff_gdelt(first_line)
    return _sniff_header(first_line)


def _sniff_gdelt(first_line: str) -> tuple[str | None, str, str]:
    version = gdelt_version(first_line)
    if version is not None:
        return "gdelt", "", version
    fields = first_line.rstrip("\r").split("\t")
    counts = ", ".join(str(n) for n in GDELT_LAYOUTS)
    return (
        None,
        (
            f"a first line of {len(fields)} tab-separated fields starting {fields[0][:20]!r} "
            f"(GDELT event rows have {counts}, the first an event number)"
        ),
        "",
    )


def _sniff_header(first_line: str) -> tuple[str | None, str, str]:
    header = next(csv.reader([first_line]), [])
    columns = {column_name(cell) for cell in header}
    best = _marked(columns)
    if best is not None:
        return best, "", _table_version(best, header)
    shown = ", ".join(cell.strip() for cell in header[:6])
    return (
        None,
        (
            f"its first line ({shown}{', ...' if len(header) > 6 else ''}) is not an ACLED header "
            "(with event_id_cnty, event_type, ...) nor a UCDP GED one (type_of_violence, where_prec, ...)"
        ),
        "",
    )


def _marked(columns: set[str]) -> str | None:
    """The source at least two of whose marker columns are present, more than any other's."""
    scores = {source: len(markers & columns) for source, markers in MARKERS.items()}
    best = max(scores, key=scores.__getitem__)
    if scores[best] >= 2 and list(scores.values()).count(scores[best]) == 1:
        return best
    return None


def _table_version(source: str, header: list[str]) -> str:
    if source == "ucdp":
        return "UCDP GED"
    old = any(cell.strip().isupper() for cell in header) or "sub_event_type" not in {column_name(c) for c in header}
    return "ACLED before 2019" if old else "ACLED 2019 on"


_KEY = re.compile(r'"([A-Za-z_0-9]+)"\s*:')


def _geojson_version(text: str) -> str:
    """Whose column names the properties use, from the keys in the first bytes."""
    return "UCDP GED properties" if _marked({k.lower() for k in _KEY.findall(text)}) == "ucdp" else "ACLED properties"


def read_events(
    path: FilePath,
    bad_rows: BadRows,
    today: dt.date | None = None,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
) -> Iterator[Incident]:
    """Incidents from one events file of any format; detects it now, reads it lazily. A zip
    archive's events files are read one after the other."""
    name = os.fspath(path)
    if os.path.isdir(name) or _head(name).startswith(PARQUET_MAGIC):
        _parquet(name)
        # columnar: one Incident per row only for callers that want objects
        from ceasefire.sources.parquet import parquet_incidents

        return parquet_incidents(name, bad_rows, today)
    found = detect(name, encoding, sheet)
    return itertools.chain.from_iterable(read_detected(d, bad_rows, today) for d in found)


def read_detected(detected: Detected, bad_rows: BadRows, today: dt.date | None = None) -> Iterator[Incident]:
    """Incidents from one events file ``detect`` found, its counts started in ``bad_rows``."""
    name, reader = detected.name, READERS[detected.format]
    counts = bad_rows.start_file(name, detected.format, detected.encoding or "xlsx")
    counts.version = detected.version
    try:
        with _text(detected) as fp:
            yield from reader(fp, name, bad_rows, today)  # each reader counts its incidents
    except UnicodeDecodeError as error:
        raise InputError(
            f"{name}: not {detected.encoding} text ({error.reason}): save it as UTF-8, or name its encoding with --encoding"
        ) from None
    except (OSError, EOFError, zipfile.BadZipFile) as error:  # gzip and zip: damaged or truncated data
        raise InputError(f"{name}: cannot read the file: {getattr(error, 'strerror', None) or error}") from None


def _text(detected: Detected) -> TextIO:
    if detected.member.workbook:
        return cast(TextIO, SheetText(detected.member, detected.sheet))
    return io.TextIOWrapper(detected.member.open(), encoding=detected.encoding, newline="")


def iter_files(
    paths: Iterable[FilePath],
    bad_rows: BadRows,
    today: dt.date | None = None,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
) -> Iterator[Incident]:
    """Incidents from several files in order; every file's format is checked before any is read."""
    return itertools.chain.from_iterable(
        [read_events(path, bad_rows, today, encoding=encoding, sheet=sheet) for path in paths]
    )
