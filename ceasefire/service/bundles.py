"""Agreements into stored bundles and back (``ceasefire.store.bundle`` has the document format).

- :func:`read_bundle` loads and validates an agreement file and bundles it with the geometry
  files it names, ready for ``SQLStore.add_agreement``;
- :func:`load_bundle` loads a stored bundle again, with the ordinary loader, as it was stored.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import posixpath
import tempfile
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from ceasefire.agreement import load_agreement
from ceasefire.agreement.yamlsize import load_limited
from ceasefire.ledger import canonical_json
from ceasefire.model import Agreement
from ceasefire.store.bundle import BUNDLE_SCHEMA, AgreementBundle
from ceasefire.store.errors import StoreError

__all__ = ["load_bundle", "read_bundle"]

_PLACES = ("zones", "routes", "lines")


def load_bundle(bundle: AgreementBundle) -> Agreement:
    """The agreement, loaded from the bundle by ``load_agreement`` in a temporary folder.

    A stored bundle never changes and an ``Agreement`` is frozen, so the last few loaded are kept
    (issue 11: public requests parsed it, writing temporary files, every time)."""
    return _load(bundle.source, bundle.document)


@functools.lru_cache(maxsize=8)
def _load(source: str, document: str) -> Agreement:
    data = json.loads(document)
    files: dict[str, str] = data["files"]
    depth = max((_ups(name) for name in files), default=0)
    with tempfile.TemporaryDirectory(prefix="ceasefire-agreement-") as folder:
        home = Path(folder, *(["d"] * depth))
        home.mkdir(parents=True, exist_ok=True)
        main = home / Path(source).name
        main.write_text(data["agreement"], encoding="utf-8")
        for name, text in files.items():
            target = Path(posixpath.normpath(posixpath.join(home.as_posix(), name)))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        agreement = load_agreement(main)
    return dataclasses.replace(agreement, source=source)


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
