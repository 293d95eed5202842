"""``/api/v1/agreement`` (public) and ``/api/v1/agreements`` (admin): the agreement as data.

``GET /agreement`` is what a map draws: parties, obligations and the geometry of zones, routes
and lines as one GeoJSON FeatureCollection. Admins list every stored version and add a new one
(a single-file YAML agreement; one with ``file:`` zones is added with ``ceasefire init``). A new
version never rewrites findings made under an older one.
"""

from __future__ import annotations

import dataclasses
import functools
import tempfile
from pathlib import Path

import anyio.to_thread
from fastapi import APIRouter, Request
from shapely.geometry import mapping

from ceasefire.agreement.documents import parse_yaml
from ceasefire.agreement.nodes import Problems
from ceasefire.api.auth import CallerDep, StoreDep, ViewerDep, require
from ceasefire.api.body import JSONBody
from ceasefire.api.limits import MAX_AGREEMENT
from ceasefire.api.problems import Problem
from ceasefire.errors import AgreementError
from ceasefire.model import Agreement, Obligation
from ceasefire.service.bundles import load_bundle, read_bundle
from ceasefire.store import SQLStore
from ceasefire.store.bundle import AgreementBundle
from ceasefire.store.protocol import AgreementVersion

__all__ = ["agreement_dict", "router"]

router = APIRouter(tags=["agreements"])


@functools.lru_cache(maxsize=8)
def _load(bundle: AgreementBundle) -> Agreement:
    return load_bundle(bundle)


def loaded(version: AgreementVersion) -> Agreement:
    """The agreement of a stored version (cached: loading parses its YAML)."""
    return _load(version.bundle)


def _obligation(o: Obligation) -> JSONBody:
    out: JSONBody = {
        "id": o.id,
        "category": o.category,
        "text": o.text,
        "bound": list(o.bound),
        "start": o.start.isoformat(),
        "until": o.until.isoformat() if o.until else None,
        "rule": None,
        "zones": [],
        "routes": [],
        "line": None,
        "distance_m": None,
    }
    rule = o.rule
    if rule is not None:
        out |= {
            "rule": rule.kind,
            "zones": [*rule.zones, *([rule.zone] if rule.zone else [])],
            "routes": [*rule.routes, *([rule.route] if rule.route else [])],
            "line": rule.line,
            "distance_m": rule.distance_m,
        }
    return out


def layers(agreement: Agreement) -> JSONBody:
    """Zones, routes and lines as a GeoJSON FeatureCollection (WGS 84 longitude, latitude)."""
    features = [
        {
            "type": "Feature",
            "geometry": mapping(item.geometry),
            "properties": {"layer": layer, "id": item.id, "name": item.name, "kind": getattr(item, "kind", layer)},
        }
        for layer, items in (("zone", agreement.zones), ("route", agreement.routes), ("line", agreement.lines))
        for item in items
    ]
    return {"type": "FeatureCollection", "features": features}


def agreement_dict(version: AgreementVersion) -> JSONBody:
    """The agreement of ``version`` as the map and the pages read it."""
    a = loaded(version)
    parties = [{"id": p.id, "name": p.name, "kind": "party"} for p in a.parties]
    parties += [{"id": g.id, "name": g.name, "kind": "excluded"} for g in a.excluded]
    return {
        "id": a.id,
        "version": version.version,
        "title": a.title,
        "timezone": a.timezone,
        "start": a.effective.isoformat(),
        "parties": parties,
        "obligations": [_obligation(o) for o in a.obligations],
        "layers": layers(a),
    }


def _version_json(v: AgreementVersion) -> JSONBody:
    return {
        "agreement_id": v.agreement_id,
        "version": v.version,
        "sha256": v.sha256,
        "title": v.title,
        "created_at": v.created_at,
        "log_index": v.log_index,
    }


@router.get("/agreement", summary="The current agreement: parties, obligations and its map layers")
def current(db: StoreDep, who: ViewerDep) -> JSONBody:
    """Public. ``{"id", "version", "title", "timezone", "start", "parties", "obligations",
    "layers"}``, ``layers`` a GeoJSON FeatureCollection of zones, routes and lines."""
    version = db.current_agreement()
    if version is None:
        raise Problem(404, "no agreement stored yet")
    return agreement_dict(version)


@router.get("/agreements", summary="Every stored version of the agreement (admin, analyst)")
def versions(db: StoreDep, who: CallerDep) -> JSONBody:
    require(who, "admin", "analyst")
    items = [_version_json(v) for v in db.agreement_versions()]
    return {"items": items, "total": len(items)}


_UPLOAD = "agreement.yaml"  # the name problems cite for an uploaded agreement


def _refuse_file_references(document: str) -> None:
    """A 422 naming the line of each ``file:`` zone, route or line of an uploaded agreement, and
    of YAML that cannot be parsed or is over the alias and node limits, before any file is read:
    the loader would follow ``file:`` (``../`` and absolute paths too) on the server's disk
    (issue 11). Such agreements are added with ``ceasefire init``, which reads the files beside
    the agreement."""
    problems = Problems()
    doc = parse_yaml(document, _UPLOAD, problems)
    if doc is not None and isinstance(doc.data, dict):
        for section in ("zones", "routes", "lines"):
            entries = doc.data.get(section)
            for index, entry in enumerate(entries if isinstance(entries, list) else ()):
                if isinstance(entry, dict) and "file" in entry:
                    problems.add(
                        doc,
                        (section, index, "file"),
                        "'file:' references cannot be uploaded; give the geometry inline,"
                        " or add the agreement with `ceasefire init`",
                    )
    lines = problems.lines()
    if lines:
        raise Problem(422, lines[0], errors=[{"field": "body", "in": "body", "message": m} for m in lines])


_YAML_BODY = {"requestBody": {"required": True, "content": {"application/yaml": {"schema": {"type": "string"}}}}}


@router.post(
    "/agreements", status_code=201, summary="Store a new version of the agreement (admin)", openapi_extra=_YAML_BODY
)
async def add(request: Request, db: StoreDep, who: CallerDep) -> JSONBody:
    """The body is the agreement YAML (one file). 201 ``{"agreement_id", "version", "sha256",
    ..., "new"}``; the same document again is no new version (``new`` false); 422 names the
    line of each problem in the YAML; 413 past 2 MiB."""
    require(who, "admin")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_AGREEMENT:
            raise Problem(413, f"the agreement is over {MAX_AGREEMENT} bytes")
    try:
        document = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Problem(
            422, "the agreement is not UTF-8 text", errors=[{"field": "body", "in": "body", "message": "not UTF-8"}]
        ) from None
    return await anyio.to_thread.run_sync(_add, db, document)


def _add(db: SQLStore, document: str) -> JSONBody:
    _refuse_file_references(document)  # before the document is written anywhere or loaded
    with tempfile.TemporaryDirectory(prefix="ceasefire-upload-") as folder:
        path = Path(folder, "agreement.yaml")
        path.write_text(document, encoding="utf-8")
        try:
            _, bundle = read_bundle(path)
        except AgreementError as error:
            lines = [line.replace(str(path), "agreement.yaml") for line in error.lines]
            raise Problem(
                422, lines[0], errors=[{"field": "body", "in": "body", "message": m} for m in lines]
            ) from None
    bundle = dataclasses.replace(bundle, source="agreement.yaml")
    current = db.current_agreement()
    if current is not None and bundle.agreement_id != current.agreement_id:
        raise Problem(422, f"this server keeps agreement '{current.agreement_id}', not '{bundle.agreement_id}'")
    version, new = db.add_agreement(bundle)
    db.checkpoint()
    return {**_version_json(version), "new": new}
