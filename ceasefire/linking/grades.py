"""Who reported each record, as an independent source, and how reliable that source is.

Independent sources (issue 13): all records of one dataset (ACLED, UCDP, GDELT) are one source,
whatever file they came in; a news outlet is one source; a monitors' GeoJSON file or a submitted
report is its own source; a record whose reporting source names a party (its ``source_name``
resolves to one, e.g. a party's own media) is that party's, and all the parties together count
as one source: a party accusing another is not independent of the accused.

Reliability follows the Admiralty (NATO) scale, A (completely reliable) to F (cannot be judged).
Defaults (``DEFAULT_GRADES``): a monitoring mission A, ACLED and UCDP B, GDELT, news and reports
whose submitter is not known C, a party reporting about another party E (on the server, a
report submitted with a party's token is that party's; one submitted by a monitor is graded as a
monitoring mission's). An agreement may
override any of them with ``source_grades`` (docs/agreement.md).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

from ceasefire.actor_resolution import ActorKind, AliasResolver
from ceasefire.model import Agreement
from ceasefire.table import IncidentTable, factorize

__all__ = ["DEFAULT_GRADES", "GRADES", "RELIABILITY", "SourceColumns", "source_columns"]

GRADES = "ABCDEF"
# The weight a source's grade gives its corroboration (docs/rules.md, "Corroboration").
RELIABILITY = {"A": 1.0, "B": 0.8, "C": 0.6, "D": 0.4, "E": 0.2, "F": 0.3}
DEFAULT_GRADES: Mapping[str, str] = {
    "monitor": "A",
    "geojson": "A",
    "acled": "B",
    "ucdp": "B",
    "gdelt": "C",
    "news": "C",
    "report": "C",
    "party": "E",
}
_DATASETS = ("acled", "ucdp", "gdelt")
PARTIES_KEY = "parties"


class SourceColumns:
    """Per record: its independent source (``key`` indexes ``names``) and its grade letter."""

    def __init__(self, key: npt.NDArray[np.intp], names: tuple[str, ...], grade: npt.NDArray[np.str_]) -> None:
        self.key, self.names, self.grade = key, names, grade

    def reliability(self) -> npt.NDArray[np.float64]:
        table = np.array([RELIABILITY[g] for g in GRADES])
        return table[np.searchsorted(np.array(list(GRADES)), self.grade)]


def source_columns(
    table: IncidentTable, agreement: Agreement, reporters: Mapping[str, str] | None = None
) -> SourceColumns:
    """Every record's independent source and grade (see the module docstring). ``reporters``
    maps a submitted report's incident id to who submitted it: ``monitor`` or a party id."""
    resolver = AliasResolver(agreement)  # its own: reporting sources are not actors to list as unresolved
    grades = {**DEFAULT_GRADES, **dict(agreement.source_grades)}
    source = np.asarray(table.columns["source"], dtype=object)
    name = np.asarray(table.columns["source_name"], dtype=object)
    file = np.asarray(table.columns["file"], dtype=object)
    party = _reporting_party(name, resolver)
    if reporters:
        who = np.array([reporters.get(str(i), "") for i in table.columns["id"]], dtype=object)
        party = np.where((who != "") & (who != "monitor"), who, party)
        source = np.where(who == "monitor", "monitor", source)
    key = np.where(np.isin(source, _DATASETS), source, source + ":" + np.where(source == "news", name, file))
    key = np.where(party != "", PARTIES_KEY, key)
    grade = np.array([grades.get(str(s), "C") for s in source], dtype=object)
    grade = np.where(party != "", grades["party"], grade)
    codes, uniques = pd.factorize(key, sort=True)
    return SourceColumns(np.asarray(codes, np.intp), tuple(str(u) for u in uniques), grade.astype(str))


def _reporting_party(source_name: npt.NDArray[np.object_], resolver: AliasResolver) -> npt.NDArray[np.object_]:
    """The party id a record's reporting source names, or ""."""
    codes, uniques = factorize(source_name)
    found = []
    for value in uniques.tolist():
        hits = [resolver.resolve(n) for n in str(value).split(";") if n.strip()]
        parties = {h.entity for h in hits if h.kind == ActorKind.PARTY}
        found.append(parties.pop() if len(parties) == 1 else "")
    out: npt.NDArray[np.object_] = np.array([*found, ""], dtype=object)[codes]
    return out
