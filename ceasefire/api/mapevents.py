"""What a map popup shows of an event's records (issue 13): who reported it and what each says.

The map draws one marker per event (``mapindex.MapView.event``). Its popup lists every record of
the event the viewer may see: the source that reported it, that source's grade (Admiralty
reliability, as the run weighs it: ``linking.grades.source_columns``, the agreement's
``source_grades`` over the defaults) and what the record says (date, place, perpetrator and the
parties it resolves to, fatalities); and the analysts' decisions on links between them
(``store.links``), the reasons shown to analysts and admins only (a reason may name what the
others may not see). Only the popup's few records are read and graded, never the whole run.
"""

from __future__ import annotations

from collections.abc import Sequence

from ceasefire.actor_resolution import AliasResolver
from ceasefire.api.agreements import loaded
from ceasefire.api.auth import Caller
from ceasefire.api.body import JSONBody
from ceasefire.api.mapindex import MapView
from ceasefire.linking.grades import source_columns
from ceasefire.model import REPORT_PREFIX, Incident
from ceasefire.service.workflow import report_incident, reporter_of
from ceasefire.store import SQLStore
from ceasefire.store.protocol import ReportScope
from ceasefire.table import IncidentTable

__all__ = ["event_decisions", "event_records", "record_incidents"]

EVERY = ReportScope(everything=True)


def record_incidents(db: SQLStore, view: MapView, position: int) -> tuple[list[Incident], dict[str, str]]:
    """The records of ``position``'s event (first record first) as the run verified them, and
    who submitted each report among them."""
    ids = [view.events.id_at(int(p)) for p in view.records(position)]
    imported = db.first_incidents(view.run.log_index, [i for i in ids if not i.startswith(REPORT_PREFIX)])
    found: list[Incident] = []
    reporters: dict[str, str] = {}
    for record in ids:
        if record in imported:
            found.append(imported[record])
            continue
        number = record[len(REPORT_PREFIX) :]
        report = db.report(EVERY, int(number)) if number.isdigit() else None
        if report is not None:
            found.append(report_incident(report))
            reporters[record] = reporter_of(report)
    return found, reporters


def event_records(db: SQLStore, incidents: Sequence[Incident], reporters: dict[str, str]) -> list[JSONBody]:
    """Each record of an event (``record_incidents``) as the popup lists it, graded as the
    run weighs its source; a lone record is a list of one."""
    version = db.current_agreement()
    if version is None or not incidents:
        return []
    agreement = loaded(version)
    resolver = AliasResolver(agreement)
    table = IncidentTable.from_incidents(list(incidents), resolver)
    grades = source_columns(table, agreement, reporters)
    return [
        {
            "id": incident.id,
            "source": incident.source,
            "source_name": incident.source_name,
            "grade": str(grades.grade[row]),
            "date": incident.date.isoformat(),
            "date_end": incident.date_end.isoformat() if incident.date_end else None,
            "location": incident.location,
            "lat": incident.lat,
            "lon": incident.lon,
            "radius_m": incident.radius_m,
            "perpetrator": incident.actor1,
            "parties": list(resolver.mask_to_ids(int(table.side1.parties[row]))),
            "target": incident.actor2,
            "fatalities": incident.fatalities,
        }
        for row, incident in enumerate(incidents)
    ]


def event_decisions(db: SQLStore, records: Sequence[JSONBody], who: Caller | None) -> list[JSONBody]:
    """The link decisions naming a record of the event, oldest first; the reasons for analysts
    and admins only."""
    ids = {str(r["id"]) for r in records}
    shown = []
    for decision in db.link_decisions(ids):
        document = decision.to_document()
        if who is None or who.role not in ("analyst", "admin"):
            document.pop("reason")
        shown.append(document)
    return shown
