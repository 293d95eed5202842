"""Real-browser tests: Debian's chromium, driven by Playwright's sync API, against `ceasefire demo`.

Fixtures (docs/dashboard.md, "Tests in a real browser"):

* ``demo`` (session): a running ``ceasefire demo --db TMP --port P --no-browser``; ``demo.url``
  (``http://127.0.0.1:P``, no trailing slash) and ``demo.tokens`` (label -> token, labels as the
  demo prints them: admin, analyst, monitor, observer, ``party:syria-gov`` ...). Killed at the end.
* ``browser`` (session): chromium from ``CEASEFIRE_CHROMIUM`` or ``chromium`` on PATH, launched
  headless with a fresh profile. Missing: the tests skip with the reason (fail under CI=true).
* ``page``: a new context and page at 1366x768 (a laptop screen), closed after the test.
* ``sign_in``: ``sign_in(page, "analyst")`` signs that page's context in through ``/signin``.
* ``shoot``: ``shoot(page, "map")`` saves ``docs/screenshots/map.png`` (every run, so the
  README's pictures come from the run that tested them).

Playwright never downloads a browser here: ``executable_path`` points at Debian's chromium
(.ci/setup.d/30-browser.sh installs it where missing).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_TOKEN_LINE = re.compile(r"^  (admin|analyst|monitor|observer|party:\S+)\s+(\S+)\s*$")
_URL_LINE = re.compile(r"^Dashboard: (http://\S+?)/?\s*$")
START_SECONDS = 180  # the demo verifies and loads the example first; 2 shared cores in CI


def unavailable(reason: str) -> None:
    """Skip with ``reason``; under CI=true a missing browser or demo is a failure instead."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run in CI: {reason}")
    print(f"browser tests skipped: {reason}")
    pytest.skip(reason)


@dataclass
class Demo:
    url: str
    tokens: dict[str, str]
    process: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _read(process: subprocess.Popen[str], output: list[str], printed: threading.Event) -> None:
    """Collect the demo's stdout to the end (so its pipe never fills); ``printed`` is set at the
    URL line (the token lines follow it, all printed before the server answers)."""
    assert process.stdout is not None
    for line in process.stdout:
        output.append(line.rstrip("\n"))
        if _URL_LINE.match(line):
            printed.set()
    printed.set()


def _parse(output: list[str]) -> tuple[str | None, dict[str, str]]:
    url, tokens = None, {}
    for line in output:
        if match := _URL_LINE.match(line):
            url = match.group(1)
        elif match := _TOKEN_LINE.match(line):
            tokens[match.group(1)] = match.group(2)
    return url, tokens


def _wait_ready(demo: Demo) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if demo.process.poll() is not None:
            break
        try:
            if httpx.get(demo.url + "/", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    tail = "\n".join(demo.output[-15:])
    pytest.fail(f"`ceasefire demo` did not serve {demo.url}/ within {START_SECONDS} s:\n{tail}")


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """`ceasefire demo` on a free loopback port over a new database, until the session ends."""
    command = Path(sys.executable).with_name("ceasefire")
    if not command.exists():
        unavailable(f"{command} is missing; run `make setup`")
    folder = tmp_path_factory.mktemp("demo")
    port = _free_port()
    process = subprocess.Popen(
        [str(command), "demo", "--db", str(folder / "demo.db"), "--port", str(port), "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        cwd=folder,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    output: list[str] = []
    printed = threading.Event()
    reader = threading.Thread(target=_read, args=(process, output, printed), daemon=True)
    reader.start()
    try:
        printed.wait(START_SECONDS)
        url, _ = _parse(output)
        if url is None:
            pytest.fail("`ceasefire demo` printed no 'Dashboard: URL' line:\n" + "\n".join(output[-15:]))
        running = Demo(url.rstrip("/"), {}, process, output)
        _wait_ready(running)
        running.tokens = _parse(output)[1]
        if not running.tokens:
            pytest.fail("`ceasefire demo` printed no token lines:\n" + "\n".join(output[-15:]))
        yield running
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        reader.join(5)
        if process.stdout is not None:
            process.stdout.close()


def chromium_path() -> str | None:
    return os.environ.get("CEASEFIRE_CHROMIUM") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium under Playwright (a fresh temporary profile: ``launch`` makes one)."""
    executable = chromium_path()
    if not executable or not Path(executable).exists():
        unavailable("no chromium: install Debian's `chromium` (.ci/setup.d/30-browser.sh) or set CEASEFIRE_CHROMIUM")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


def new_page(browser: Any, viewport: dict[str, int]) -> Any:
    """A page in a new context (own cookies) of ``viewport`` size; the console's errors, the
    page's uncaught exceptions and every answer >= 400 to what a page loads (scripts, styles,
    fetches; not the page itself) are kept in ``page.cf_errors``."""
    context = browser.new_context(viewport=viewport, device_scale_factor=1, locale="en-GB", timezone_id="UTC")
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda answer: (
            errors.append(f"{answer.status} {answer.url}")
            if answer.status >= 400 and answer.request.resource_type != "document"
            else None
        ),
    )
    page.cf_errors = errors
    return page


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    opened = new_page(browser, LAPTOP)
    try:
        yield opened
    finally:
        opened.context.close()


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    """A page at 390x844 (a phone held upright)."""
    opened = new_page(browser, PHONE)
    try:
        yield opened
    finally:
        opened.context.close()


def shoot(page: Any, name: str) -> Path:
    """Save the page as ``docs/screenshots/NAME.png`` (the viewport, not the whole page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


@pytest.fixture(name="shoot")
def shoot_fixture() -> Callable[[Any, str], Path]:
    return shoot


@pytest.fixture
def sign_in(demo: Demo) -> Callable[[Any, str], None]:
    """``sign_in(page, label)``: sign in through the dashboard's own form with that demo token."""

    def signing_in(page: Any, label: str) -> None:
        page.goto(demo.url + "/signin")
        page.fill("#token", demo.tokens[label])
        page.click("form[action='/signin'] button[type=submit]")
        page.wait_for_load_state()
        assert page.context.cookies(demo.url), "signing in set no cookie"

    return signing_in
