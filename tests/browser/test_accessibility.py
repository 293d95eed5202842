"""Every dashboard and bulletin page, checked with axe-core in the real browser against WCAG 2.0
and 2.1, levels A and AA: no violation of impact "serious" or "critical" is allowed.

axe-core is a devDependency pinned in web/package.json (`npm ci` in web/, run by `make test`,
installs it). It is injected into the page under test only; it never ships in the package.
Nothing is excluded from the check, Leaflet's and markercluster's own elements included.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser.conftest import ROOT, Demo, unavailable

AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")
TARGETS_SHOWN = 4

# (test id, path, who is signed in: a demo token's label, or None for the public)
PAGES = [
    ("map", "/", None),
    ("scorecards", "/scorecards", None),
    ("clocks", "/clocks", None),
    ("claims", "/claims", None),
    ("cases", "/cases", None),
    ("case", "/cases/1", None),
    ("exports", "/exports", None),
    ("bulletins", "/bulletin/", None),
    ("bulletin", "/bulletin/2016-09-19.html", None),
    ("signin", "/signin", None),
    ("report-party", "/report", "party:syria-gov"),
    ("cases-analyst", "/cases", "analyst"),
    ("case-analyst", "/cases/1", "analyst"),
]

# Only what the assertions need, so a failure message stays short. `checked` counts the rules
# that passed: a run that checked nothing must not count as clean.
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return {
    checked: result.passes.length,
    violations: result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")),
    })),
  };
}"""


@pytest.fixture
def axe() -> Path:
    """axe.min.js; list it first among a test's fixtures, so a missing file skips (or fails,
    under CI=true) before the demo is started."""
    if not AXE.exists():
        unavailable(f"{AXE.relative_to(ROOT)} is missing: run `cd web && npm ci --ignore-scripts`")
    return AXE


def serious_violations(page: Any, axe: Path) -> list[dict[str, Any]]:
    """Inject axe into ``page`` (already loaded) and return its serious and critical violations.

    axe is served as a script of the page's own origin (a routed URL), not inlined: the pages'
    Content-Security-Policy (``script-src 'self'``, docs/security.md) blocks inline script."""
    page.route("**/__axe__.js", lambda route: route.fulfill(path=str(axe), content_type="text/javascript"))
    page.add_script_tag(url="/__axe__.js")
    result = page.evaluate(RUN_AXE, TAGS)
    assert result["checked"] > 0, "axe passed no rule at all: it did not check the page"
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    """One line per violation: rule id, impact, help and the first few target selectors."""
    lines = []
    for v in violations:
        targets, more = v["targets"][:TARGETS_SHOWN], len(v["targets"]) - TARGETS_SHOWN
        extra = f" (and {more} more)" if more > 0 else ""
        lines.append(f"{v['id']} [{v['impact']}] {v['help']}: {', '.join(targets)}{extra}")
    return "\n".join(lines)


def load(page: Any, demo: Demo, path: str) -> None:
    answer = page.goto(demo.url + path)
    assert answer is not None and answer.status == 200, f"{path} answered {answer and answer.status}"
    if path == "/":
        # the map builds its layers, markers, legend and list in script: check what a visitor gets
        page.wait_for_selector("body[data-ready='true']")
    page.wait_for_load_state("load")


@pytest.mark.parametrize(("path", "who"), [(p, w) for _, p, w in PAGES], ids=[i for i, _, _ in PAGES])
def test_no_serious_or_critical_violations(
    axe: Path, page: Any, demo: Demo, sign_in: Any, path: str, who: str | None
) -> None:
    if who is not None:
        sign_in(page, who)
    load(page, demo, path)
    if path == "/cases/1" and who == "analyst":
        # the analyst's view is the one with the forms: request information, assess
        assert page.locator("main form").count() >= 2, "the analyst's case page shows no forms"
    violations = serious_violations(page, axe)
    assert not violations, f"{path} as {who or 'the public'}:\n{describe(violations)}"


def test_the_map_on_a_phone(axe: Path, phone_page: Any, demo: Demo) -> None:
    load(phone_page, demo, "/")
    violations = serious_violations(phone_page, axe)
    assert not violations, f"/ on a phone:\n{describe(violations)}"


def test_the_map_with_a_popup_open(axe: Path, page: Any, demo: Demo) -> None:
    """The popup, the precision disc and the zoomed-in markers exist only after a click."""
    load(page, demo, "/?status=violation")
    page.locator("#incident-list button").first.click()
    page.locator(".leaflet-popup-content .popup").wait_for()
    violations = serious_violations(page, axe)
    assert not violations, "/ with a popup open:\n" + describe(violations)


def test_clusters_are_named_by_their_count_and_worst_status(page: Any, demo: Demo) -> None:
    """markercluster's icons are focusable buttons whose own text is a bare number."""
    load(page, demo, "/")
    clusters = page.locator(".incident-cluster[role=button]")
    assert clusters.count() > 0, "the first view of the example shows no cluster"
    for i in range(clusters.count()):
        name = clusters.nth(i).get_attribute("aria-label") or ""
        count = clusters.nth(i).inner_text().strip()
        assert name.startswith(f"{count} incidents; worst status: "), name


def test_the_check_finds_a_planted_violation(axe: Path, page: Any, demo: Demo) -> None:
    """The harness itself: a button without a name and grey-on-white text must be caught."""
    load(page, demo, "/signin")
    page.evaluate("""() => {
      document.querySelector("main").insertAdjacentHTML("beforeend",
        '<button id="planted-button" type="button"></button>' +
        '<p id="planted-text" style="color:#bbbbbb;background:#ffffff">hard to read</p>');
    }""")
    found = {v["id"]: v for v in serious_violations(page, axe)}
    assert "#planted-button" in found["button-name"]["targets"], describe(list(found.values()))
    assert "#planted-text" in found["color-contrast"]["targets"], describe(list(found.values()))
