"""Bad input never crashes: empty files, other encodings, HTML, binary data, huge files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ceasefire.cli.news_commands import extract
from ceasefire.errors import CeasefireError, InputError, UsageError
from ceasefire.news.text import MAX_BYTES, clean_text, read_article

STORY = "Wed 21 Sep 2016\n\nAir strikes killed 12 civilians in Idlib on Tuesday, a monitor said.\n"


def _run_extract(capsys: pytest.CaptureFixture[str], *files: Path, fmt: str = "json") -> str:
    extract(list(files), format=fmt, out=None)
    return capsys.readouterr().out


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Air strikes \xe9 killed", "not UTF-8 text (byte 0xe9 at offset 12)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data"),
    ],
    ids=["latin-1", "binary"],
)
def test_unreadable_files_give_one_line(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(data)
    with pytest.raises(InputError) as error:
        read_article(path)
    assert message in str(error.value) and str(path) in str(error.value)
    assert len(error.value.lines) == 1


def test_huge_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dump.txt"
    path.write_bytes(b"Shelling killed 3 people in Homs. " * (10_000_000 // 34))
    assert path.stat().st_size > MAX_BYTES
    with pytest.raises(InputError, match="too large for one article"):
        read_article(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_article(tmp_path / "absent.txt")


def test_html_becomes_text() -> None:
    html = (
        "<html><head><title>Strike</title><script>var x = 1;</script></head>"
        "<body><p>Air strikes killed 12 civilians in <b>Idlib</b>.</p><p>Second &amp; last.</p></body></html>"
    )
    text = clean_text(html)
    assert "var x" not in text and "<" not in text
    assert "Air strikes killed 12 civilians in Idlib." in text and "Second & last." in text


def test_empty_file_gives_no_incidents(fast_nlp: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("")
    assert json.loads(_run_extract(capsys, path)) == {"incidents": []}


def test_json_contract(fast_nlp: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "story.txt"
    path.write_text(STORY)
    incidents = json.loads(_run_extract(capsys, path))["incidents"]
    assert list(incidents[0]) == [
        "file",
        "date",
        "date_precision",
        "location",
        "admin1",
        "lat",
        "lon",
        "geo_precision",
        "event_type",
        "sub_event_type",
        "weapon",
        "actors",
        "perpetrator",
        "fatalities",
        "civilian_fatalities",
        "cause_of_death",
        "quote",
    ]
    assert incidents[0]["date"] == "2016-09-20" and incidents[0]["admin1"] == "Idleb"


def test_html_file_through_the_command(fast_nlp: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "story.html"
    path.write_text(f"<html><body><p>{STORY}</p></body></html>")
    assert json.loads(_run_extract(capsys, path))["incidents"][0]["civilian_fatalities"] == 12


def test_csv(fast_nlp: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "story.txt"
    path.write_text(STORY)
    lines = _run_extract(capsys, path, fmt="csv").splitlines()
    assert lines[0].startswith("file,date,date_precision,location,admin1")
    assert len(lines) == 2


def test_out_file_written_whole(fast_nlp: Any, tmp_path: Path) -> None:
    path, out = tmp_path / "story.txt", tmp_path / "out.json"
    path.write_text(STORY)
    extract([path], format="json", out=out)
    assert json.loads(out.read_text())["incidents"]
    assert not list(tmp_path.glob("*.partial"))


def test_a_bad_file_stops_before_anything_is_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text(STORY)
    bad.write_bytes(b"\xff\xfe")
    with pytest.raises(CeasefireError):
        extract([good, bad], format="json", out=None)
    assert capsys.readouterr().out == ""


def test_unknown_format() -> None:
    with pytest.raises(UsageError, match="--format xml"):
        extract([Path("x.txt")], format="xml", out=None)


def test_importing_the_commands_does_not_load_spacy() -> None:
    code = "import sys, ceasefire.cli.news_commands; print('spacy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_claims_command_reads_an_agreement_file(
    full_nlp: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ceasefire.cli.news_commands import claims

    agreement = Path(__file__).resolve().parents[1] / "data" / "agreements" / "full.yaml"
    story = tmp_path / "story.txt"
    story.write_text("MOSCOW, Oct 4 (Tass) - Russia accused the United States of failing to stop attacks.")
    claims(agreement, [story], format="json")
    found = json.loads(capsys.readouterr().out)["claims"]
    assert [(c["speaker_party"], c["kind"], c["accused"], c["cited_by"]) for c in found] == [
        ("russia", "accusation", ["usa"], "Tass")
    ]
