"""The core stays pure: model, agreement, geo and rules never import the CLI, web or database;
sources, verification, scale and pipeline import one another one way only."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

FORBIDDEN = ("typer", "click", "rich", "fastapi", "starlette", "uvicorn", "sqlalchemy", "psycopg")


def test_core_imports_nothing_from_the_edges() -> None:
    code = (
        "import sys; import ceasefire.model, ceasefire.agreement, ceasefire.geo, ceasefire.rules, "
        "ceasefire.rules.clocks, ceasefire.table, ceasefire.findings; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout


PACKAGE = Path(__file__).resolve().parents[1] / "ceasefire"
# Who may not import whom (lazy imports inside functions included): the arrows between reading,
# the one verification path and the engines that run it point one way (issue 10).
NEVER = [
    ("sources", ("ceasefire.scale", "ceasefire.pipeline", "ceasefire.verification")),
    ("verification.py", ("ceasefire.scale", "ceasefire.pipeline", "ceasefire.sources", "ceasefire.store")),
    ("scale", ("ceasefire.pipeline",)),
    # The dashboard builds on the API; ceasefire.server joins the two (no api <-> web loop).
    ("api", ("ceasefire.web",)),
]


def imported(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it (absolute names; the package uses no relative ones)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
    return names


@pytest.mark.parametrize(("part", "forbidden"), NEVER, ids=[p for p, _ in NEVER])
def test_arrows_point_one_way(part: str, forbidden: tuple[str, ...]) -> None:
    root = PACKAGE / part
    files = sorted(root.rglob("*.py")) if root.is_dir() else [root]
    wrong = {
        f"{f.relative_to(PACKAGE)} imports {name}" for f in files for name in imported(f) if name.startswith(forbidden)
    }
    assert not wrong, sorted(wrong)
