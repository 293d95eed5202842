"""Data files (YAML/JSON) that drive the news rules; ``load`` reads one, cached per process.

Every rule in ``ceasefire.news`` that depends on words rather than syntax reads them from here,
so that a reviewer can change a vocabulary without touching code (docs/news.md#lexicons).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from ruamel.yaml import YAML

from ceasefire.agreement.yamlsize import load_limited

__all__ = ["load"]


@cache
def load(name: str) -> Any:
    """The parsed content of ``lexicon/NAME`` (``.yaml`` or ``.json``)."""
    text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    if name.endswith(".json"):
        return json.loads(text)
    return load_limited(YAML(typ="safe", pure=True), text)
