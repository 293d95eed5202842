"""Arrows one way (issue 10): the store imports only the model, the ledger, the errors, the
columns' canonical text (``text_columns``: the ledger's JSON and ISO dates written a column at a
time, which the store hashes as it writes rows, issue 14; a leaf, checked below) and itself, and
its modules never import each other in a loop. Every import counts, lazy ones and
those under ``TYPE_CHECKING`` included: a lazy import must not hide a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

STORE = Path(__file__).resolve().parents[2] / "ceasefire" / "store"
ALLOWED = ("ceasefire.model", "ceasefire.ledger", "ceasefire.errors", "ceasefire.store", "ceasefire.text_columns")
CLI = {"cli"}  # the store's Typer commands call ceasefire.service (they move to ceasefire/cli/)


def _imports(path: Path) -> set[str]:
    """Every ``ceasefire`` module ``path`` imports, at any depth of its code."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ceasefire"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("ceasefire"))
    return found


MODULES = {path.stem: _imports(path) for path in sorted(STORE.glob("*.py")) if path.stem not in CLI}


def test_the_columns_canonical_text_imports_no_other_part_of_ceasefire() -> None:
    """``text_columns`` may be imported by the store only while it depends on nothing of ours."""
    assert _imports(STORE.parent / "text_columns.py") == set()


@pytest.mark.parametrize("name", sorted(MODULES), ids=sorted(MODULES))
def test_the_store_imports_only_the_model_the_ledger_and_the_errors(name: str) -> None:
    outside = sorted(m for m in MODULES[name] if not m.startswith(ALLOWED))
    assert outside == [], f"ceasefire/store/{name}.py imports {outside}"


def test_the_store_modules_import_each_other_without_a_loop() -> None:
    edges = {
        name: {m.removeprefix("ceasefire.store.") for m in found} & (MODULES.keys() - {"__init__"})
        for name, found in MODULES.items()
    }
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, f"import loop: {' -> '.join((*path, name))}"
        if name not in done:
            for target in sorted(edges[name] - {name}):
                visit(target, (*path, name))
            done.add(name)

    for name in sorted(edges):
        visit(name, ())
