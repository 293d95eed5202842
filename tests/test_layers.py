"""The core stays pure: model, agreement, geo and rules never import the CLI, web or database."""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = ("typer", "click", "rich", "fastapi", "starlette", "uvicorn", "sqlalchemy", "psycopg")


def test_core_imports_nothing_from_the_edges() -> None:
    code = (
        "import sys; import ceasefire.model, ceasefire.agreement, ceasefire.geo, ceasefire.rules, "
        "ceasefire.rules.clocks, ceasefire.table, ceasefire.findings; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout
