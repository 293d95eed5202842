"""An agreement as stored: its YAML text and the GeoJSON files it names, as one document.

A database keeps agreements as *bundles* so that any version can be loaded again exactly as it
was, with the ordinary loader, long after the files changed on disk. The document is canonical
JSON ``{"schema": BUNDLE_SCHEMA, "agreement": YAML text, "files": {name: text}}``, ``name``
as written in the agreement (relative to it); its SHA-256 identifies the version: the same
bytes again is the same version, a single changed byte anywhere is a new one.

The store keeps bundles as data: reading an agreement into a bundle and loading a bundle back
into an ``Agreement`` is ``ceasefire.service.bundles`` (the store does not parse agreements).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML

__all__ = ["BUNDLE_SCHEMA", "AgreementBundle"]

BUNDLE_SCHEMA = "ceasefire/agreement-bundle/v1"


@dataclass(frozen=True)
class AgreementBundle:
    """A stored agreement document and what identifies it."""

    agreement_id: str
    title: str
    source: str  # the file it was read from (messages only; not part of the document)
    document: str  # canonical JSON (see the module docstring)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.document.encode("utf-8")).hexdigest()

    def party_ids(self) -> list[str]:
        """The ids of the agreement's parties, as written in its YAML: a bundle is stored only
        after the loader validated it, so they are exactly the loaded ``Party.id`` values."""
        data: Any = YAML(typ="safe", pure=True).load(json.loads(self.document)["agreement"])
        return [str(entry["id"]) for entry in data.get("parties") or ()]
