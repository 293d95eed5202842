"""A command whose extra is missing exits 2 with one line naming the install command (issue 17).

tests/test_packaging.py checks it on a real core install; these check the pieces in-process, by
pretending modules are missing.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ceasefire import extras
from ceasefire.cli import app
from ceasefire.extras import EXTRAS, MissingExtra, require_extra

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "syria-2016-09"


@pytest.fixture
def without(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """Module names that ``require_extra`` will take as not installed."""
    hidden: set[str] = set()
    installed = extras._installed
    monkeypatch.setattr(extras, "_installed", lambda name: name not in hidden and installed(name))
    return hidden


def test_the_extras_are_those_of_pyproject() -> None:
    optional = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert set(EXTRAS) == set(optional) - {"all", "dev"}


def test_an_installed_extra_passes() -> None:
    require_extra("server", ("json",))


def test_a_missing_module_names_the_install_command(without: set[str]) -> None:
    without.add("fastapi")
    with pytest.raises(MissingExtra) as raised:
        require_extra("server", needed_for="ceasefire serve")
    assert raised.value.lines == ["ceasefire serve needs fastapi, not installed: pip install 'ceasefire[server]'"]


def test_an_unknown_extra_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown extra"):
        require_extra("gpu", ())


@pytest.mark.parametrize(
    ("args", "hidden", "extra"),
    [
        (["serve", "--db", "x.db"], "uvicorn", "server"),
        (["demo", "--no-browser"], "fastapi", "server"),
        (["demo", "--no-browser"], "spacy", "news"),
        (
            ["verify", str(EXAMPLE / "agreement.yaml"), str(EXAMPLE / "incidents.csv"), "--engine", "dask"],
            "dask",
            "scale",
        ),
        (["convert", str(EXAMPLE / "incidents.csv")], "pyarrow", "scale"),
        (
            ["bulletin", "--db", "x.db", "--date", "2016-09-19", "--format", "pdf", "--out", "x.pdf"],
            "weasyprint",
            "pdf",
        ),
    ],
    ids=["serve", "demo-server", "demo-news", "verify-dask", "convert", "bulletin-pdf"],
)
def test_the_command_exits_2_with_one_line(without: set[str], args: list[str], hidden: str, extra: str) -> None:
    without.add(hidden)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.endswith(f"pip install 'ceasefire[{extra}]'\n") and result.stderr.count("\n") == 1


def test_the_demo_without_serving_needs_no_extra(without: set[str]) -> None:
    without.update(name for modules in EXTRAS.values() for name in modules)
    result = CliRunner().invoke(app, ["demo", "--no-serve", "--format", "json"])
    assert result.exit_code == 0, result.stderr
