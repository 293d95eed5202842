"""``/exports`` (twin ``/exports.json``): the downloads of the findings the viewer may read.

The files themselves are served by ``ceasefire.api.exports`` under ``/export/``; this page
names them, says what each is for, and builds their URLs with the chosen filters (the same
``from``, ``to``, ``party``, ``obligation``, ``status`` as ``/api/v1/findings``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import Query

from ceasefire.api.agreements import agreement_dict
from ceasefire.api.auth import StoreDep, ViewerDep
from ceasefire.api.body import JSONBody
from ceasefire.api.findings import visible_findings, visible_run
from ceasefire.exports import filter_findings
from ceasefire.web.pages import page

__all__ = ["exports_page"]

EXPORT_DOWNLOADS = (  # (format, path, label, about): the files the page links to
    (
        "csv",
        "/export/findings.csv",
        "CSV",
        "ACLED column names, then the finding's columns: for spreadsheets and ACLED tools.",
    ),
    (
        "hxl",
        "/export/findings.hxl.csv",
        "HXL CSV",
        "The same CSV with HXL hashtags on the second row: for humanitarian tools.",
    ),
    (
        "geojson",
        "/export/findings.geojson",
        "GeoJSON",
        "One point per finding (RFC 7946): for GIS software and web maps.",
    ),
    (
        "parquet",
        "/export/findings.parquet",
        "Parquet",
        "The CSV's columns, typed (dates, numbers, lists of parties): for pandas, R, DuckDB and Arrow tools.",
    ),
)


@page("/exports", "exports.html", title="Exports")
def exports_page(
    db: StoreDep,
    who: ViewerDep,
    date_from: Annotated[dt.date | None, Query(alias="from")] = None,
    date_to: Annotated[dt.date | None, Query(alias="to")] = None,
    party: Annotated[str | None, Query(max_length=200)] = None,
    obligation: Annotated[str | None, Query(max_length=200)] = None,
    status: Literal["violation", "possible_violation", "exempt"] | None = None,
) -> JSONBody:
    """The filters, their choices, how many findings they keep and a URL per format."""
    filters = {
        "from": date_from.isoformat() if date_from else "",
        "to": date_to.isoformat() if date_to else "",
        "party": party or "",
        "obligation": obligation or "",
        "status": status or "",
    }
    run = visible_run(db, who)
    kept = filter_findings(
        visible_findings(db, who, run),
        date_from=date_from,
        date_to=date_to,
        party=party,
        obligation=obligation,
        status=status,
    )
    query = urlencode({k: v for k, v in filters.items() if v})
    version = db.current_agreement()
    agreement = agreement_dict(version) if version else None
    return {
        "run": {"id": run.id, "created_at": run.created_at} if run else None,
        "filters": filters,
        "findings": len(kept),
        "choices": {
            "parties": [p for p in agreement["parties"] if p["kind"] == "party"] if agreement else [],
            "obligations": [o["id"] for o in agreement["obligations"]] if agreement else [],
            "statuses": ["violation", "possible_violation", "exempt"],
        },
        "formats": [
            {"id": key, "label": label, "about": about, "url": path + (f"?{query}" if query else "")}
            for key, path, label, about in EXPORT_DOWNLOADS
        ],
    }
