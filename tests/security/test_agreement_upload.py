"""Class 8 of the issue (agreement upload reads server files) and YAML limits for every YAML
the project reads. Before: ``POST /api/v1/agreements`` followed ``file:`` zone references
(``../`` and absolute paths too) on the server's disk before refusing them; a "billion laughs"
document (aliases of aliases) was expanded by whatever walked it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from api.apikit import Live
from store.storekit import SYRIA

YAML = {"content-type": "application/yaml"}
CEASEFIRE = Path(sys.executable).with_name("ceasefire")
MARKER = "cf-secret-zone-7f3a"  # in the name of the server file an upload points at
_opened: list[str] = []
_watching = False


def _audit(event: str, args: tuple[object, ...]) -> None:
    if _watching and event == "open" and args and MARKER in str(args[0]):
        _opened.append(str(args[0]))


sys.addaudithook(_audit)  # hooks cannot be removed: this one only records while a test watches


@pytest.fixture
def watched() -> Iterator[list[str]]:
    """The files whose name holds MARKER that this process opened while the test ran."""
    global _watching
    _opened.clear()
    _watching = True
    try:
        yield _opened
    finally:
        _watching = False


def _with_file_zone(reference: str) -> str:
    text = (SYRIA / "agreement.yaml").read_text(encoding="utf-8")
    zone = f"  - id: stolen\n    name: Stolen\n    kind: other\n    file: {reference}\n"
    return text.replace("\nzones:\n", "\nzones:\n" + zone, 1)


@pytest.mark.parametrize("kind", ["absolute", "relative"])
def test_file_references_are_refused_before_any_file_is_read(
    live: Live, tmp_path: Path, watched: list[str], kind: str
) -> None:
    secret = tmp_path / f"{MARKER}.geojson"
    secret.write_text('{"type": "Polygon", "coordinates": [[[36,36],[37,36],[37,37],[36,36]]]}', encoding="utf-8")
    watched.clear()  # writing it above was this test, not the server
    reference = str(secret) if kind == "absolute" else os.path.relpath(secret, "/tmp/x")
    text = _with_file_zone(reference)
    line = text.splitlines().index(f"    file: {reference}") + 1
    with live.client("admin", **YAML) as client:
        answer = client.post("/agreements", content=text.encode())
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["detail"].startswith(f"agreement.yaml:{line}: ") and "file:" in body["detail"]
    assert watched == [], f"the server opened {watched}"


def _bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{','.join(['*' + prev] * 10)}]")
    return "\n".join(lines) + "\n"


def _bomb_agreement() -> str:
    text = (SYRIA / "agreement.yaml").read_text(encoding="utf-8")
    return _bomb() + text.replace("aliases: [", "aliases: *i\n    old_aliases: [", 1)


def test_a_billion_laughs_upload_is_one_422_with_its_line(live: Live) -> None:
    with live.client("admin", **YAML) as client:
        answer = client.post("/agreements", content=_bomb_agreement().encode(), timeout=60)
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"]
    assert re.match(r"^agreement\.yaml:\d+: YAML ", detail) and "\n" not in detail


def test_a_billion_laughs_agreement_is_exit_2_and_one_line_on_the_cli(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(_bomb_agreement(), encoding="utf-8")
    done = subprocess.run(
        [str(CEASEFIRE), "verify", str(bomb), str(SYRIA / "incidents.csv")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        timeout=120,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and re.match(rf"^{re.escape(str(bomb))}:\d+: YAML ", lines[0]), done.stderr


def test_yaml_limits_hold_for_every_reader() -> None:
    from ruamel.yaml import YAML as Reader

    from ceasefire.agreement.yamlsize import YamlTooLarge, load_limited

    with pytest.raises(YamlTooLarge) as refused:
        load_limited(Reader(typ="safe", pure=True), _bomb())
    assert refused.value.line >= 1
    assert load_limited(Reader(typ="safe", pure=True), "a: &x [1, 2]\nb: *x\n") == {"a": [1, 2], "b": [1, 2]}
