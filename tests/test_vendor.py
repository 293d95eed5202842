"""The dashboard's vendored assets (ceasefire/web/static/vendor/) match web/package-lock.json.

They are committed so that the wheel carries them and no user needs Node.js (issue 17); a
maintainer rebuilds them with `make vendor` (docs/dashboard.md). These tests fail when the lock
file moves and the assets were not rebuilt, or the assets were edited by hand.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "ceasefire" / "web" / "static" / "vendor"
WEB = ROOT / "web"
# "leaflet 1.9.4 (BSD-2-Clause, ...": a package and the version web/build.mjs took it from.
_SOURCE_LINE = re.compile(r"^(?P<name>[\w.@/-]+) (?P<version>\d+\.\d+\.\d+\S*) \(", re.MULTILINE)
# A file SOURCES.txt says was written, with its feature count: "outlines/admin1.geojson, 1040 features".
_OUTLINE = re.compile(r"(outlines/\w+\.geojson), (\d+) features")


def locked_versions() -> dict[str, str]:
    """Package name -> version, for the packages web/package-lock.json installs at the top level."""
    lock = json.loads((WEB / "package-lock.json").read_text())
    prefix = "node_modules/"
    return {
        key.removeprefix(prefix): entry["version"]
        for key, entry in lock["packages"].items()
        if key.startswith(prefix) and "/node_modules/" not in key.removeprefix(prefix)
    }


def sourced_versions() -> dict[str, str]:
    """Package name -> version, as vendor/SOURCES.txt names them."""
    text = (VENDOR / "SOURCES.txt").read_text()
    return {match["name"]: match["version"] for match in _SOURCE_LINE.finditer(text)}


def test_every_runtime_package_is_vendored_at_its_locked_version() -> None:
    wanted = json.loads((WEB / "package.json").read_text())["dependencies"]
    locked, sourced = locked_versions(), sourced_versions()
    assert set(wanted) <= set(sourced), f"not in vendor/SOURCES.txt: {sorted(set(wanted) - set(sourced))}"
    stale = {name: (sourced[name], locked[name]) for name in wanted if sourced[name] != locked[name]}
    assert not stale, f"vendored (SOURCES.txt) vs locked versions differ, run `make vendor`: {stale}"


def test_package_json_pins_what_the_lock_holds() -> None:
    manifest = json.loads((WEB / "package.json").read_text())
    locked = locked_versions()
    pinned = {**manifest["dependencies"], **manifest.get("devDependencies", {})}
    assert {name: locked.get(name) for name in pinned} == pinned


def test_leaflet_file_is_the_locked_version() -> None:
    header = (VENDOR / "leaflet" / "leaflet.js").read_text(encoding="utf-8")[:200]
    assert f"Leaflet {locked_versions()['leaflet']}," in header


@pytest.mark.parametrize(
    "path",
    [
        "leaflet/leaflet.js",
        "leaflet/leaflet.css",
        "leaflet/LICENSE",
        "leaflet/images/marker-icon.png",
        "markercluster/leaflet.markercluster.js",
        "markercluster/MarkerCluster.css",
        "markercluster/MarkerCluster.Default.css",
        "markercluster/LICENSE",
    ],
)
def test_vendored_file_is_there(path: str) -> None:
    assert (VENDOR / path).stat().st_size > 100


def test_outlines_hold_the_features_sources_counts() -> None:
    counts = _OUTLINE.findall((VENDOR / "SOURCES.txt").read_text())
    assert len(counts) == 2
    for path, count in counts:
        features = json.loads((VENDOR / path).read_text())["features"]
        assert len(features) == int(count), path


def test_no_build_stamp_is_vendored() -> None:
    """A time stamp would change the committed files on every rebuild (web/build.mjs writes none)."""
    assert not (VENDOR / ".built").exists()
