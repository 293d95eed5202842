"""JSON and CSV renderings of extracted incidents and claims (the contracts of docs/contracts.md)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from ceasefire.model import NewsClaim
from ceasefire.news.incidents import NewsIncident

__all__ = [
    "CLAIM_FIELDS",
    "INCIDENT_FIELDS",
    "claims_json",
    "incident_row",
    "incidents_csv",
    "incidents_json",
]

INCIDENT_FIELDS = (
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
)
CLAIM_FIELDS = (
    "file",
    "speaker",
    "speaker_party",
    "cited_by",
    "kind",
    "accused",
    "obligation",
    "category",
    "quote",
    "sentence",
)


def incident_row(incident: NewsIncident) -> dict[str, Any]:
    """One incident as the contract's JSON object (dates ISO, actors a list)."""
    row = {name: getattr(incident, name) for name in INCIDENT_FIELDS}
    row["date"] = incident.date.isoformat() if incident.date else None
    row["actors"] = list(incident.actors)
    return row


def incidents_json(incidents: Iterable[NewsIncident]) -> str:
    return json.dumps({"incidents": [incident_row(i) for i in incidents]}, ensure_ascii=False, indent=2)


def incidents_csv(incidents: Iterable[NewsIncident]) -> str:
    """CSV with the JSON fields as columns; several actors joined by ';' as ACLED does."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=INCIDENT_FIELDS, lineterminator="\n")
    writer.writeheader()
    for incident in incidents:
        row = incident_row(incident)
        row["actors"] = ";".join(incident.actors)
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()


def claim_row(claim: NewsClaim) -> dict[str, Any]:
    row = {name: getattr(claim, name) for name in CLAIM_FIELDS}
    row["accused"] = list(claim.accused)
    return row


def claims_json(claims: Iterable[NewsClaim]) -> str:
    return json.dumps({"claims": [claim_row(c) for c in claims]}, ensure_ascii=False, indent=2)
