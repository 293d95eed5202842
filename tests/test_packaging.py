"""The wheel is the product (issue 17): built from a clean copy of the checkout with no Node.js on
the path, installed into fresh virtual environments from requirements/lock.txt, it runs as a user
would run it.

- core only (``pip install ceasefire``): ``--version``, ``demo --no-serve``, ``verify`` on a
  packaged example with the very output the differential tests recorded, without importing
  FastAPI, spaCy, WeasyPrint, Dask or pyarrow; a command of an extra exits 2 with one line.
- every extra (``ceasefire[all]``): the demo builds its database, and ``ceasefire serve`` on it
  answers ``/``, the map's JavaScript and the vendored Leaflet with 200.

One test, so that it runs once under xdist: one virtualenv gets the core's part of the lock (by
hash, ``--no-deps``: pip resolves nothing and re-uses its download cache), is checked as a core
install, then gets the rest of ``[all]`` and is checked again. About 2 minutes on the reference
machine with a warm pip cache, most of it pip unpacking wheels (pyarrow, spaCy, numpy, pandas).
Skipped outside a git checkout or without the ``build`` package (fails under CI=true instead).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Iterable, Iterator
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# PATH for the build: a folder holding a `python3` link alone, so no `node` can be found.
NO_NODE = Path(os.environ.get("TMPDIR", "/tmp")) / f"ceasefire-no-node-{os.getpid()}"
LOCK = ROOT / "requirements" / "lock.txt"
GOLDEN = ROOT / "tests" / "data" / "golden" / "verify"
OPTIONAL = ("fastapi", "uvicorn", "spacy", "weasyprint", "dask", "distributed", "pyarrow", "psycopg", "jinja2")
# Run in the installed package: verify a packaged example, then list the optional libraries loaded.
CORE_VERIFY = """
import json, runpy, sys
sys.argv = ["ceasefire", "verify", *sys.argv[1:]]
try:
    runpy.run_module("ceasefire.cli", run_name="__main__")
except SystemExit as stop:
    assert not stop.code, stop.code
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})), file=sys.stderr)
"""
# A command of an extra, on a core install: exit 2 and one line naming the install command.
MISSING = [
    (["serve", "--db", "x.db"], "server"),
    (["demo"], "server"),
    (["extract", "article.txt"], "news"),
    (["convert", "article.txt"], "scale"),
]


def unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def project_requirements(extras: Iterable[str]) -> list[str]:
    """The requirements of pyproject.toml for the core plus ``extras``, self-references expanded."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    out, todo, seen = list(project["dependencies"]), list(extras), set()
    while todo:
        extra = todo.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for text in project["optional-dependencies"][extra]:
            own = re.fullmatch(r"ceasefire\[([\w,]+)\]", text)
            todo += own.group(1).split(",") if own else []
            out += [] if own else [text]
    return out


def closure(requirements: Iterable[str]) -> set[str]:
    """Canonical names of ``requirements`` and everything they need, as installed here (this
    environment is made from the lock, so its metadata is the lock's)."""
    from packaging.requirements import Requirement

    names: set[str] = set()
    todo, done = [Requirement(text) for text in requirements], set()
    while todo:
        req = todo.pop()
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        key = (canonical(req.name), frozenset(req.extras))
        if key in done:
            continue
        done.add(key)
        names.add(key[0])
        for text in metadata.distribution(req.name).requires or []:
            sub = Requirement(text)
            extras = req.extras or {""}
            if sub.marker is None or any(sub.marker.evaluate({"extra": extra}) for extra in extras):
                sub.marker = None
                todo.append(sub)
    return names


def lock_subset(names: set[str]) -> str:
    """The blocks of requirements/lock.txt (``name==version`` and its hashes) for ``names``;
    every name must be in the lock."""
    blocks: dict[str, str] = {}
    for block in re.split(r"\n(?=\S)", LOCK.read_text()):
        head = re.match(r"([A-Za-z0-9][\w.-]*)==", block)
        if head:
            blocks[canonical(head.group(1))] = block.rstrip() + "\n"
    missing = sorted(names - set(blocks))
    assert not missing, f"requirements/lock.txt lacks {missing}: run `make lock`"
    return "".join(blocks[name] for name in sorted(names))


def clean_env(bin_dir: Path | None = None) -> dict[str, str]:
    """This process's environment without the checkout on the import path and without Node.js:
    PATH holds ``bin_dir`` (a virtualenv's) and a folder with a ``python3`` link alone."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PATH"] = os.pathsep.join(str(p) for p in (bin_dir, NO_NODE) if p is not None)
    return env


def run(args: list[str | Path], env: dict[str, str], cwd: Path = NO_NODE, timeout: float = 600) -> str:
    """Run ``args``, by default in a folder away from the checkout (``python -c`` would import it)."""
    done = subprocess.run(
        [str(a) for a in args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{args}: exit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture
def dist(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The wheel, built (with the sdist, from which ``build`` makes it) from the tracked files of
    this checkout, by a PATH on which there is no ``node``."""
    try:
        import build  # noqa: F401
        import packaging  # noqa: F401
    except ImportError:
        unavailable("the `build` package is missing: run `make setup`")
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        unavailable("not a git checkout: the packaging test builds from the tracked files")
    NO_NODE.mkdir(exist_ok=True)
    (NO_NODE / "python3").unlink(missing_ok=True)
    (NO_NODE / "python3").symlink_to(sys.executable)
    env = clean_env()
    assert shutil.which("node", path=env["PATH"]) is None
    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("dist")
    copy_tracked(source)
    try:
        run([sys.executable, "-m", "build", "--no-isolation", "--outdir", out, source], env)
        assert len(list(out.glob("ceasefire-*.tar.gz"))) == 1
        yield next(out.glob("ceasefire-*.whl"))
    finally:
        shutil.rmtree(NO_NODE, ignore_errors=True)


def copy_tracked(into: Path) -> None:
    """The files git tracks, as they are now (links stay links): no build output, no caches."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in listed.decode().split("\0"):
        source = ROOT / name
        if not name or not os.path.lexists(source):  # deleted but not yet committed
            continue
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)


def fresh_venv(tmp: Path) -> Path:
    """A new virtualenv's bin folder."""
    subprocess.run([sys.executable, "-m", "venv", tmp / "venv"], check=True, cwd=tmp)
    return tmp / "venv" / "bin"


def install(bin_dir: Path, wheel: Path, extras: Iterable[str]) -> None:
    """The lock's part for the core and ``extras`` (by hash, nothing resolved), then the wheel
    without dependencies, then ``pip check``: the wheel's own requirements must be met by it."""
    requirements = bin_dir.parent / f"requirements-{'-'.join(extras) or 'core'}.txt"
    requirements.write_text(lock_subset(closure(project_requirements(extras))))
    pip = [bin_dir / "python", "-m", "pip", "--disable-pip-version-check", "--quiet"]
    run([*pip, "install", "--require-hashes", "--no-deps", "-r", requirements], clean_env(bin_dir))
    run([*pip, "install", "--no-deps", wheel], clean_env(bin_dir))
    run([*pip, "check"], clean_env(bin_dir))


def package_dir(bin_dir: Path) -> Path:
    code = "import ceasefire, pathlib; print(pathlib.Path(ceasefire.__file__).parent)"
    return Path(run([bin_dir / "python", "-c", code], clean_env(bin_dir)).strip())


def test_the_wheel_installs_as_the_core_then_with_every_extra(dist: Path, tmp_path: Path) -> None:
    """One virtualenv, checked as a core install first, then with ``[all]`` added (installing
    the core twice would double the time for nothing)."""
    bin_dir = fresh_venv(tmp_path)
    install(bin_dir, dist, [])
    check_core(bin_dir, tmp_path)
    install(bin_dir, dist, ["all"])
    check_all(bin_dir, tmp_path)


def check_core(bin_dir: Path, tmp_path: Path) -> None:
    from ceasefire import __version__

    env = clean_env(bin_dir)
    assert run([bin_dir / "ceasefire", "--version"], env) == f"ceasefire {__version__}\n"
    demo = json.loads(run([bin_dir / "ceasefire", "demo", "--no-serve", "--format", "json"], env, cwd=tmp_path))
    assert demo["agreement"] == "syria-2016-09" and demo["findings"]
    package = package_dir(bin_dir)
    assert not (package.parent / "examples").exists(), "examples/ must live inside the package"
    for example, events in (("donbas-2015", "incidents.geojson"), ("syria-2016-09", "incidents.csv")):
        folder = Path("examples") / example  # relative, as the recorded outputs name them
        args = [folder / "agreement.yaml", folder / events, "--format", "json"]
        done = subprocess.run(
            [bin_dir / "python", "-c", CORE_VERIFY, *args], env=env, cwd=package, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout == (GOLDEN / f"{example}.json").read_text(), f"{example}: output differs from the record"
        loaded = set(json.loads(done.stderr.splitlines()[-1])) & set(OPTIONAL)
        assert not loaded, f"a core verify imported {sorted(loaded)}"
    (tmp_path / "article.txt").write_text("text\n")
    for command, extra in MISSING:
        done = subprocess.run([bin_dir / "ceasefire", *command], env=env, cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert done.stderr.count("\n") == 1, (command, done.stderr)
        assert done.stderr.endswith(f"pip install 'ceasefire[{extra}]'\n"), (command, done.stderr)


def check_all(bin_dir: Path, tmp_path: Path) -> None:
    env = clean_env(bin_dir)
    db = tmp_path / "demo.db"
    with serving([bin_dir / "ceasefire", "demo", "--db", db, "--no-browser"], env, tmp_path) as base:
        assert fetch(base + "/")[0] == 200
    with serving([bin_dir / "ceasefire", "serve", "--db", db], env, tmp_path) as base:
        status, body = fetch(base + "/")
        assert status == 200 and b'<script src="/static/js/map.js' in body
        for path in (
            "/static/js/map.js",
            "/static/vendor/leaflet/leaflet.js",
            "/static/vendor/outlines/countries.geojson",
        ):
            status, body = fetch(base + path)
            assert status == 200 and len(body) > 1000, path


def fetch(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=30) as answer:  # loopback only
        return answer.status, answer.read()


class serving:
    """Run a ``ceasefire`` command that serves on a free loopback port until it answers ``/``
    (at most 180 s: the demo builds its database first); stop it on exit."""

    def __init__(self, args: list[str | Path], env: dict[str, str], cwd: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.args = [str(a) for a in [*args, "--host", "127.0.0.1", "--port", str(self.port)]]
        self.env, self.cwd = env, cwd

    def __enter__(self) -> str:
        with (self.cwd / f"serve-{self.port}.log").open("w") as log:
            self.process = subprocess.Popen(self.args, env=self.env, cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT)
        base, deadline = f"http://127.0.0.1:{self.port}", time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                fetch(base + "/")
                return base
            except OSError:
                time.sleep(0.5)
        self.__exit__()
        pytest.fail(f"{' '.join(self.args)} did not serve: {(self.cwd / f'serve-{self.port}.log').read_text()[-3000:]}")

    def __exit__(self, *_: object) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def test_the_server_runs_on_the_c_http_parser() -> None:
    """``ceasefire serve`` leaves uvicorn's parser on "auto": it must find httptools installed
    (pyproject's server extra), which keeps report submission under the load target (issue 11)."""
    from uvicorn.config import Config

    config = Config(app=lambda scope, receive, send: None, http="auto")
    config.load()
    assert config.http_protocol_class.__name__ == "HttpToolsProtocol"
