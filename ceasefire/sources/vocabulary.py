"""The sources' vocabularies as data tables (``ceasefire/sources/vocab/*.csv``), not code (issue 12).

- ``acled_event_types.csv``: every spelling of an ACLED event type seen across its releases
  (singular and plural, old variants such as ``Battle-Non-state actors overtake territory``),
  each naming the type it means, current or pre-2019; ``taxonomy`` maps that one further. Case
  and spaces around ``-`` and ``/`` never matter.
- ``ucdp_codes.csv``: UCDP GED's ``type_of_violence``, ``where_prec`` and ``date_prec`` codes.
- ``cameo_roots.csv``: GDELT's CAMEO root codes, and which are incidents (material conflict).
- ``governorates_sy.csv``: Syria's 14 governorates, the centroid of each OCHA COD-AB polygon
  (admin1 v02, CC BY-IGO) and the radius of the disc around it that covers the polygon, rounded
  up to the kilometre: where news placing an event only in a governorate puts it (``news``).
"""

from __future__ import annotations

import csv
import functools
import io
from importlib.resources import files

__all__ = ["acled_spellings", "cameo_roots", "governorate_extents", "ucdp_codes"]


@functools.cache
def _table(name: str) -> tuple[dict[str, str], ...]:
    text = (files("ceasefire.sources") / "vocab" / name).read_text(encoding="utf-8")
    return tuple(csv.DictReader(io.StringIO(text)))


def acled_spellings() -> dict[str, str]:
    """Spelling -> the event type it means (a current or a pre-2019 name, in ACLED's spelling)."""
    return {row["spelling"]: row["means"] for row in _table("acled_event_types.csv")}


def ucdp_codes(column: str) -> dict[int, str]:
    """Code -> meaning for one UCDP GED code column."""
    return {int(row["code"]): row["meaning"] for row in _table("ucdp_codes.csv") if row["column"] == column}


def cameo_roots() -> dict[str, tuple[str, bool]]:
    """Root code ("18") -> (name, whether its events are incidents)."""
    return {row["root"]: (row["name"], row["incident"] == "yes") for row in _table("cameo_roots.csv")}


def governorate_extents() -> dict[str, tuple[float, float, float]]:
    """Syrian governorate (OCHA admin1 name) -> (lat, lon, radius_m): its polygon's centroid and
    the radius of the disc around it that covers the polygon."""
    return {
        row["admin1"]: (float(row["lat"]), float(row["lon"]), float(row["radius_m"]))
        for row in _table("governorates_sy.csv")
    }
