"""The core stays pure: model, agreement, geo and rules never import the CLI, web or database."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "ceasefire"

FORBIDDEN = ("typer", "click", "rich", "fastapi", "starlette", "uvicorn", "sqlalchemy", "psycopg")


def test_core_imports_nothing_from_the_edges() -> None:
    code = (
        "import sys; import ceasefire.model, ceasefire.agreement, ceasefire.geo, ceasefire.rules, "
        "ceasefire.rules.clocks, ceasefire.table, ceasefire.findings; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout


def _imported(module: Path) -> set[str]:
    """The absolute module names ``module`` imports anywhere (also inside functions)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_the_api_never_imports_the_dashboard() -> None:
    # The dashboard builds on the API; ceasefire.server joins the two (issue 10: no api <-> web loop).
    offending = {
        str(path.relative_to(PACKAGE.parent)): sorted(n for n in _imported(path) if n.startswith("ceasefire.web"))
        for path in (PACKAGE / "api").rglob("*.py")
    }
    assert {path: names for path, names in offending.items() if names} == {}
