"""Differential tests: the outputs of today's code equal those recorded before a refactoring.

Issue 10 restructured the package (one verification path, typed findings, no import cycles) on
the condition that no output changes. The expected outputs under ``tests/data/golden/`` were
recorded with the code as it stood before that work (commit 0728a86), and stay the reference:

- ``verify/<example>.<format>``: ``ceasefire verify`` on each bundled example, in every format;
- ``demo-before.sqlite`` (+ ``.key``, ``.evidence/``, ``.tokens.json``): the demo database as that
  code built it (``ceasefire.demo.build_demo``): ``ceasefire log verify`` must still accept it,
  since a database written before a change must verify after it;
- ``responses.json.gz``: the status, media type and body of every read of the API and the
  dashboard over that database, for each role and for the public.

A deliberate change of an output regenerates the affected file with ``python
tests/test_differential.py`` (it rewrites every golden file from the code checked out) and says
why in the commit message.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "data" / "golden"
EXAMPLES = ("syria-2016-09", "donbas-2015")
FORMATS = ("json", "csv", "geojson", "hxl", "table")
DB = "demo-before.sqlite"
RESPONSES = "responses.json.gz"
CLI = [str(Path(sys.executable).parent / "ceasefire")]  # the console script of this environment

# (token label or None for the public, path): every read a person or a tool makes.
ROLES = (None, "admin", "analyst", "monitor", "observer", "party:syria-gov", "party:russia", "party:opposition")
API_READS = (
    "/api/v1/reports",
    "/api/v1/reports/1",
    "/api/v1/reports/2",
    "/api/v1/reports/3",
    "/api/v1/log/checkpoint",
    "/api/v1/log/key",
    "/api/v1/log/proof?index=3",
    "/api/v1/log/consistency?from=5&to=60",
    "/api/v1/findings",
    "/api/v1/findings?status=violation&party=syria-gov",
    "/api/v1/clocks",
    "/api/v1/incidents",
    "/api/v1/claims",
    "/api/v1/cases",
    "/api/v1/cases/1",
    "/api/v1/runs",
    "/api/v1/agreement",
    "/api/v1/agreements",
    "/api/v1/tokens",
    "/bulletin/",
    "/bulletin/index.json",
    "/bulletin/2016-09-19.html",
    "/bulletin/2016-09-19.json",
    "/bulletin/2016-09-19.pdf",
    "/export/findings.csv",
    "/export/findings.hxl.csv",
    "/export/findings.geojson",
)
PAGES = (
    "/",
    "/scorecards",
    "/clocks",
    "/claims",
    "/exports",
    "/cases",
    "/cases/1",
    "/report",
    "/reports/1",
    "/reports/2",
)
PAGE_READS = tuple(p for page in PAGES for p in (page, "/index.json" if page == "/" else page + ".json"))
# Per-request randomness (form tokens, a fresh idempotency key per form) is not an output.
_VOLATILE = (
    re.compile(r'(name="csrf"[^>]*value=")[^"]*'),
    re.compile(r'(name="csrf-token" content=")[^"]*'),
    re.compile(r'(name="form_key" value=")[^"]*'),
)
_VOLATILE_KEYS = ("form_key", "csrf")
# The demo's tokens predate 0015_token_lifecycle: they expire 90 days after it ran on the copy
# (issue 11), so their expires_at is a time of this run, not an output.
_RUN_TIME_KEYS = ("expires_at",)


def _stable(text: str) -> str:
    for pattern in _VOLATILE:
        text = pattern.sub(r"\1…", text)
    return text


def _body(response: httpx.Response) -> Any:
    kind = response.headers.get("content-type", "").split(";")[0]
    if kind == "application/pdf":
        return {"pdf_starts": response.content[:5].decode("latin-1")}
    if kind.endswith("json"):
        body = response.json()
        if isinstance(body, dict):
            body.update({key: "…" for key in _VOLATILE_KEYS if key in body})
            for item in body.get("items", []) if isinstance(body.get("items"), list) else []:
                if isinstance(item, dict):
                    item.update({key: "…" for key in _RUN_TIME_KEYS if key in item})
        return body
    return _stable(response.text)


def _copy_database(to: Path) -> Path:
    for item in GOLDEN.glob(DB + "*"):
        (shutil.copytree if item.is_dir() else shutil.copy2)(item, to / item.name)
    (to / (DB + ".key")).chmod(0o600)  # git keeps no such mode; the store refuses a key others may read
    return to / DB


def read_everything(db: Path) -> dict[str, Any]:
    """Every read in API_READS and PAGE_READS, as each role and the public, over ``db``."""
    from api.apikit import running

    from ceasefire.api.state import Settings
    from ceasefire.server import create_app

    tokens = json.loads((GOLDEN / "demo-before.tokens.json").read_text())
    seen: dict[str, Any] = {}
    with running(create_app(Settings(db=str(db), checkpoint_every=0))) as url:
        for role in ROLES:
            auth = {"Authorization": f"Bearer {tokens[role]}"} if role else {}
            with httpx.Client(base_url=url, headers=auth, timeout=60) as client:
                for path in API_READS + PAGE_READS:
                    response = client.get(path)
                    kind = response.headers.get("content-type", "").split(";")[0]
                    seen[f"{role or 'public'} {path}"] = {
                        "status": response.status_code,
                        "type": kind,
                        "body": _body(response),
                    }
    return seen


def verify_output(example: str, fmt: str) -> str:
    """``ceasefire verify`` on an example, run from the repository root with relative paths (the
    JSON output names its input files)."""
    folder = Path("examples") / example
    events = sorted(p.relative_to(ROOT) for p in (ROOT / folder).glob("incidents.*"))
    done = subprocess.run(
        [*CLI, "verify", str(folder / "agreement.yaml"), *map(str, events), "--format", fmt],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"COLUMNS": "160", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    return done.stdout


@pytest.mark.parametrize(
    ("example", "fmt"), [(e, f) for e in EXAMPLES for f in FORMATS], ids=[f"{e}-{f}" for e in EXAMPLES for f in FORMATS]
)
def test_verify_output_is_unchanged(example: str, fmt: str) -> None:
    expected = (GOLDEN / "verify" / f"{example}.{fmt}").read_text()
    assert verify_output(example, fmt) == expected


def test_a_database_written_before_still_verifies(tmp_path: Path) -> None:
    db = _copy_database(tmp_path)
    done = subprocess.run([*CLI, "log", "verify", "--db", str(db)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def responses(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return read_everything(_copy_database(tmp_path_factory.mktemp("golden")))


def _golden_responses() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(gzip.decompress((GOLDEN / RESPONSES).read_bytes()))
    return loaded


def _keys() -> Iterator[str]:
    if (GOLDEN / RESPONSES).exists():  # absent only while it is being regenerated
        yield from _golden_responses()


def test_the_recorded_reads_cover_every_role_and_path() -> None:
    assert len(_golden_responses()) == len(ROLES) * (len(API_READS) + len(PAGE_READS))


@pytest.mark.parametrize("key", list(_keys()))
def test_every_read_is_unchanged(responses: dict[str, Any], key: str) -> None:
    assert responses[key] == _golden_responses()[key]


def _regenerate() -> None:
    """Rewrite every golden file from the code checked out (see the module docstring)."""
    import tempfile

    sys.path.insert(0, str(ROOT / "tests"))
    for example in EXAMPLES:
        for fmt in FORMATS:
            target = GOLDEN / "verify" / f"{example}.{fmt}"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(verify_output(example, fmt))
    with tempfile.TemporaryDirectory() as folder:
        seen = read_everything(_copy_database(Path(folder)))
    text = json.dumps(seen, indent=1, sort_keys=True) + "\n"
    (GOLDEN / RESPONSES).write_bytes(gzip.compress(text.encode(), mtime=0))


if __name__ == "__main__":
    _regenerate()
