"""An agreement as stored: its YAML text and the GeoJSON files it names, as one document.

A database keeps agreements as *bundles* so that any version can be loaded again exactly as it
was, with the ordinary loader, long after the files changed on disk. The document is canonical
JSON ``{"schema": BUNDLE_SCHEMA, "agreement": YAML text, "files": {name: text}}``, ``name``
as written in the agreement (relative to it); its SHA-256 identifies the version: the same
bytes again is the same version, a single changed byte anywhere is a new one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import posixpath
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from ceasefire.agreement import load_agreement
from ceasefire.agreement.yamlsize import load_limited
from ceasefire.ledger import canonical_json
from ceasefire.model import Agreement
from ceasefire.store.errors import StoreError

__all__ = ["BUNDLE_SCHEMA", "AgreementBundle", "read_bundle"]

BUNDLE_SCHEMA = "ceasefire/agreement-bundle/v1"
_PLACES = ("zones", "routes", "lines")


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

    def load(self) -> Agreement:
        """The agreement, loaded from the bundle by ``load_agreement`` in a temporary folder."""
        data = json.loads(self.document)
        files: dict[str, str] = data["files"]
        depth = max((_ups(name) for name in files), default=0)
        with tempfile.TemporaryDirectory(prefix="ceasefire-agreement-") as folder:
            home = Path(folder, *(["d"] * depth))
            home.mkdir(parents=True, exist_ok=True)
            main = home / Path(self.source).name
            main.write_text(data["agreement"], encoding="utf-8")
            for name, text in files.items():
                target = Path(posixpath.normpath(posixpath.join(home.as_posix(), name)))
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
            agreement = load_agreement(main)
        return dataclasses.replace(agreement, source=self.source)


def read_bundle(path: Path) -> tuple[Agreement, AgreementBundle]:
    """Load and validate the agreement at ``path`` and bundle it with the files it names.

    Raises AgreementError when the agreement is invalid, StoreError when it names a geometry
    file by an absolute path (a stored agreement must be movable).
    """
    agreement = load_agreement(path)
    text = path.read_text(encoding="utf-8")
    files = {name: (path.parent / name).read_text(encoding="utf-8") for name in _named_files(path, text)}
    document = canonical_json({"schema": BUNDLE_SCHEMA, "agreement": text, "files": files}).decode("utf-8")
    return agreement, AgreementBundle(agreement.id, agreement.title, str(path), document)


def _named_files(path: Path, text: str) -> list[str]:
    data: Any = load_limited(YAML(typ="safe", pure=True), text)  # load_agreement checked it already
    names = []
    for section in _PLACES:
        for entry in data.get(section) or ():
            name = entry.get("file") if isinstance(entry, dict) else None
            if isinstance(name, str):
                if posixpath.isabs(name) or Path(name).is_absolute():
                    raise StoreError(
                        f"{path}: {section}: file {name!r} is an absolute path; "
                        "give it relative to the agreement so the database can keep it"
                    )
                names.append(name)
    return sorted(set(names))


def _ups(name: str) -> int:
    """How many folders above the agreement a relative name reaches (``../x`` is 1)."""
    level = lowest = 0
    for part in posixpath.normpath(name).split("/"):
        level += -1 if part == ".." else 1
        lowest = min(lowest, level)
    return -lowest
