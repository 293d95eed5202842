"""Documentation keeps up with the code: every command, rule kind, option and dependency is documented."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
import typer.main

from ceasefire.cli import app
from ceasefire.model import RULE_KINDS

DOCS = Path(__file__).resolve().parents[1] / "docs"
COMMANDS = typer.main.get_command(app).commands  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(COMMANDS), ids=sorted(COMMANDS))
def test_every_command_is_documented_with_an_example(name: str) -> None:
    assert f"`ceasefire {name}" in (DOCS / "cli.md").read_text(), f"docs/cli.md lacks a section for {name}"
    command = COMMANDS[name]
    assert "Example:" in (command.help or ""), f"ceasefire {name} --help shows no example"
    for param in command.params:
        for opt in getattr(param, "opts", []):
            if opt.startswith("--") and opt != "--help":
                assert f"`{opt}" in (DOCS / "cli.md").read_text(), f"docs/cli.md lacks {name} {opt}"


@pytest.mark.parametrize("kind", RULE_KINDS, ids=RULE_KINDS)
def test_every_rule_kind_is_documented(kind: str) -> None:
    assert f"### `{kind}`" in (DOCS / "rules.md").read_text()
    assert kind in (DOCS / "agreement.md").read_text()


def test_readme_shows_the_two_commands() -> None:
    readme = (DOCS.parent / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme


def _documented_packages() -> set[str]:
    """The names in the first column of docs/dependencies.md's tables (``a, b``, extras and notes dropped)."""
    names = set()
    for line in (DOCS / "dependencies.md").read_text().splitlines():
        if line.startswith("| ") and not line.startswith(("| package", "|---")):
            cell = line.split("|")[1].replace("\\[binary\\]", "").replace("(dev)", "")
            names.update(name.strip().lower() for name in cell.split(","))
    return names


def test_every_dependency_is_explained() -> None:
    project = tomllib.loads((DOCS.parent / "pyproject.toml").read_text())["project"]
    pins = [*project["dependencies"], *(pin for extra in project["optional-dependencies"].values() for pin in extra)]
    python = {re.split(r"[\[=<>~! ;]", pin, maxsplit=1)[0].lower() for pin in pins} - {"ceasefire"}
    web = json.loads((DOCS.parent / "web" / "package.json").read_text())
    javascript = {*web.get("dependencies", {}), *web.get("devDependencies", {})}
    missing = sorted((python | javascript) - _documented_packages())
    assert not missing, f"docs/dependencies.md does not explain: {missing}"
