"""The bulletin rendered from the real Syria example database: HTML holding what the day's data
says (counts, notable incidents, claims, a map), autoescaping, and a PDF WeasyPrint typesets.

Days: 17 Sep 2016 (the coalition raid at Jabal Tharda) and 19 Sep 2016 (the Urum al-Kubra aid
convoy), whose findings examples/syria-2016-09/README.md describes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html.parser
import re
import shutil
import subprocess
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from ceasefire.bulletin import daily, gather, render
from ceasefire.bulletin.content import Inputs
from ceasefire.news.verdicts import ClaimVerdict
from ceasefire.service.workflow import import_events, import_news, init_database
from ceasefire.store import open_store

SYRIA = Path(__file__).resolve().parents[2] / "examples" / "syria-2016-09"


@pytest.fixture(scope="module")
def syria(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Inputs]:
    """The example imported as `ceasefire demo` does: incidents, then the news articles."""
    folder = tmp_path_factory.mktemp("bulletin")
    store = open_store(folder / "cf.db", create=True)
    try:
        init_database(store, SYRIA / "agreement.yaml")
        import_events(store, [SYRIA / "incidents.csv"])
        import_news(store, sorted((SYRIA / "news").glob("*.txt")))
        run = gather.newest_run(store)
        yield gather.inputs(store, run, store.run_findings(run.id))
    finally:
        store.close()


class _Cells(html.parser.HTMLParser):
    """The text of every row of the tables with class "counts", keyed by caption."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.caption: str | None = None
        self.in_caption = self.in_counts = False
        self.row: list[str] | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.in_counts = "counts" in (dict(attrs).get("class") or "")
        elif tag == "caption" and self.in_counts:
            self.in_caption, self.caption = True, ""
        elif tag == "tr" and self.in_counts and self.caption is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self.in_caption = False
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None and self.caption is not None:
            self.tables.setdefault(self.caption, []).append(self.row)
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.in_caption and self.caption is not None:
            self.caption += data
        elif self.cell is not None:
            self.cell.append(data)


def _delta(n: int) -> str:
    return f"+{n}" if n > 0 else (f"−{-n}" if n < 0 else "±0")


@pytest.mark.parametrize("day", ["2016-09-17", "2016-09-19"])
def test_html_holds_every_count_of_the_day(syria: Inputs, day: str) -> None:
    made = daily.compute(syria, dt.date.fromisoformat(day))
    parser = _Cells()
    parser.feed(render.html(made, syria.agreement))
    assert len(parser.tables) == len(made.counts)
    for table in made.counts:
        rows = parser.tables[table.title][1:]  # below the header row
        expected = [
            [
                r.label,
                str(r.violation),
                _delta(r.violation - r.was_violation),
                str(r.possible),
                _delta(r.possible - r.was_possible),
            ]
            for r in table.rows
        ]
        assert rows == expected, table.title


def test_the_convoy_day(syria: Inputs) -> None:
    made = daily.compute(syria, dt.date(2016, 9, 19))
    page = render.html(made, syria.agreement)
    convoy = made.notable[0]  # 20 killed: the most of the day, though only a possible violation
    assert (convoy.incident, convoy.fatalities, convoy.status) == ("SYR-ILL-0041", 20, "possible_violation")
    assert {f.obligation for f in convoy.findings} == {"cease-attacks", "no-air-ops-designated", "humanitarian-access"}
    assert "Urum al-Kubra, Aleppo — 2016-09-19" in page and "20 reported killed" in page
    assert page.count('<article class="incident') == len(made.notable) and len(made.notable) >= 5
    state_department = [c for c in made.claims if c.speaker_party == "us"]
    assert state_department and all(c.verdict == "supports" for c in state_department if c.accused)
    assert 'id="claims-h"' in page and "Evidence for the claim" in page
    assert "only Syrian or Russian aircraft were flying" in page  # the quote, from the news file
    assert page.count("<svg") == 2  # Khan Shaykhun lies outside the Aleppo detail map: an overview too
    assert "Outside the detail map: Khan Shaykhun" in page


def test_the_jabal_tharda_day(syria: Inputs) -> None:
    made = daily.compute(syria, dt.date(2016, 9, 17))
    page = render.html(made, syria.agreement)
    raid = made.notable[0]
    assert (raid.incident, raid.fatalities, raid.status) == ("SYR-ILL-0029", 62, "violation")
    assert [(f.obligation, f.parties, f.attribution) for f in raid.findings] == [("cease-attacks", ("us",), "certain")]
    us_row = next(r for r in made.counts[0].rows if r.key == "us")
    assert us_row.violation >= 1
    russia = [c for c in made.claims if c.speaker_party == "russia" and c.obligation == "cease-attacks"]
    assert (
        russia
        and russia[0].verdict == "supports"
        and "cease-attacks:SYR-ILL-0029" in {f.id for f in russia[0].findings}
    )
    clock = next(c for c in made.clocks if c.obligation == "jic-condition")
    assert (clock.quiet_run, clock.met_on, clock.consecutive_days) == (0, None, 7)  # the 17th is not quiet
    assert "Jabal Tharda" in page and "0 of 7 quiet days" in page and "<svg" in page


def test_every_value_is_escaped(syria: Inputs) -> None:
    hostile = "<script>alert(1)</script>"
    claim = ClaimVerdict.from_document(
        {
            "file": hostile,
            "category": None,
            "sentence": 0,
            "speaker": hostile,
            "speaker_party": None,
            "cited_by": hostile,
            "kind": "accusation",
            "accused": [],
            "obligation": None,
            "quote": hostile,
            "date": "2016-09-19",
            "verdict": "no_evidence",
            "explanation": hostile,
            "findings": [],
        }
    )
    day = dt.date(2016, 9, 19)
    findings = [dataclasses.replace(f, location=hostile) if f.date == day else f for f in syria.findings]
    inputs = dataclasses.replace(syria, claims=[claim], findings=findings)
    page = render.html(daily.compute(inputs, dt.date(2016, 9, 19)), inputs.agreement)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def _page_count(pdf: bytes, tmp: Path) -> int:
    """Pages of a PDF: pypdf when installed, else poppler's pdfinfo, else the /Count of the page
    tree, read from the PDF's (zlib) object streams."""
    try:
        import pypdf
    except ImportError:
        pass
    else:
        import io

        return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    if shutil.which("pdfinfo"):
        (tmp / "b.pdf").write_bytes(pdf)
        info = subprocess.run(["pdfinfo", str(tmp / "b.pdf")], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    texts = [pdf]
    for start in re.finditer(rb"stream\r?\n", pdf):
        try:
            texts.append(zlib.decompressobj().decompress(pdf[start.end() :]))
        except zlib.error:
            continue
    counts = [int(n) for text in texts for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", text)]
    if not counts:
        pytest.skip("no pypdf, no pdfinfo, and the page tree is in no zlib stream: cannot count the pages")
    return counts[0]


def test_pdf(syria: Inputs, tmp_path: Path) -> None:
    import weasyprint

    made = daily.compute(syria, dt.date(2016, 9, 19))
    pdf = render.pdf(made, syria.agreement)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    expected = len(weasyprint.HTML(string=render.html(made, syria.agreement)).render().pages)
    pages = _page_count(pdf, tmp_path)
    assert pages == expected and 2 <= pages <= 12, pages  # A4: the day's 8 notable incidents need a few pages
