"""Scorecards, clocks, claims, the report form and the case pages in a real browser, against
the running demo: a party's report reaches the analyst's triage queue and no other party."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from browser.conftest import LAPTOP, PHONE, Demo, new_page, shoot


@pytest.fixture
def pages(browser: Any) -> Iterator[Callable[[dict[str, int]], Any]]:
    """``pages(viewport)``: a new page in a context of its own (own cookies), closed afterwards."""
    opened: list[Any] = []

    def make(viewport: dict[str, int] = LAPTOP) -> Any:
        opened.append(new_page(browser, viewport))
        return opened[-1]

    yield make
    for page in opened:
        page.context.close()


def api(demo: Demo, path: str, who: str | None = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {demo.tokens[who]}"} if who else {}
    answer = httpx.get(demo.url + "/api/v1" + path, headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def no_page_overflow(page: Any) -> bool:
    """Nothing wider than the window but inside its own scrolling box (wide tables scroll)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_a_partys_report_reaches_the_analyst_and_no_other_party(pages: Any, demo: Demo, sign_in: Any) -> None:
    gov = pages()
    sign_in(gov, "party:syria-gov")
    gov.goto(demo.url + "/report")
    gov.fill("#title", "Browser test: shelling of al-Midan market")
    gov.fill("#description", "Several mortar rounds hit the market in the morning.")
    gov.select_option("#event_type", "Explosions/Remote violence")
    gov.select_option("#sub_event_type", "Shelling/artillery/missile attack")
    gov.select_option("#weapon", "mortar")
    gov.fill("#occurred_on", "2016-09-21")
    gov.fill("#lat", "36.1872")
    gov.fill("#lon", "37.1487")
    gov.fill("#fatalities", "2")
    gov.fill("#source_name_0", "Local council")
    gov.fill("#source_url_0", "https://example.org/council/21")
    gov.set_input_files(
        "#file", files=[{"name": "market.txt", "mimeType": "text/plain", "buffer": b"witness statement"}]
    )
    gov.evaluate("window.scrollTo(0, 0)")
    shoot(gov, "report-form")
    gov.click("form.report-form button[type=submit]")
    gov.wait_for_url(re.compile(r"/reports/\d+\?sent=1$"))
    report_id = int(re.search(r"/reports/(\d+)", gov.url).group(1))  # type: ignore[union-attr]
    assert "was stored as report" in gov.locator("#sent-notice").inner_text()
    assert "market.txt" in gov.locator(".evidence").inner_text()
    gov.goto(demo.url + "/report")
    assert gov.locator(f"a[href='/reports/{report_id}']").count() == 1  # among "your party's reports"

    analyst = pages()
    sign_in(analyst, "analyst")
    analyst.goto(demo.url + "/cases")
    row = analyst.locator(f"#pick-{report_id}")
    assert row.count() == 1 and analyst.get_by_label(re.compile(f"^{report_id}: Browser test")).count() == 1
    analyst.locator("#triage").scroll_into_view_if_needed()
    shoot(analyst, "cases")

    other = pages()
    sign_in(other, "party:opposition")
    answer = other.goto(demo.url + f"/reports/{report_id}")
    assert answer.status == 404 and "Not found" in other.locator("h1").inner_text()
    other.goto(demo.url + "/report")
    assert other.locator(f"a[href='/reports/{report_id}']").count() == 0
    assert gov.cf_errors == analyst.cf_errors == []  # the other party's console holds only its 404
    assert [e for e in other.cf_errors if "status of 404" not in e] == []


def test_a_bad_report_is_shown_again_with_the_errors_beside_the_fields(pages: Any, demo: Demo, sign_in: Any) -> None:
    page = pages()
    sign_in(page, "monitor")
    page.goto(demo.url + "/report")
    page.fill("#title", "Kept after the error")
    page.fill("#lat", "123")
    page.click("form.report-form button[type=submit]")
    page.wait_for_selector("#form-errors")
    assert page.locator("#err-lat").is_visible() and page.locator("#err-lon").inner_text().endswith("Required.")
    assert page.locator("#lat").get_attribute("aria-invalid") == "true"
    assert page.input_value("#title") == "Kept after the error"
    assert page.evaluate("document.getElementById('lat').getAttribute('aria-describedby')") == "err-lat"


def test_scorecards_render_and_link_to_the_filtered_map(pages: Any, demo: Demo) -> None:
    page = pages()
    page.goto(demo.url + "/scorecards")
    parties = api(demo, "/agreement")["parties"]
    rows = page.locator("table.scorecard tbody tr")
    assert rows.count() == len([p for p in parties if p["kind"] == "party"])
    assert page.locator("svg.bars").count() == rows.count() and page.locator("svg.bars rect").count() > 0
    shoot(page, "scorecards")
    link = page.locator("table.scorecard tbody tr").first.locator("td a").first
    link.click()
    page.wait_for_selector("body[data-ready='true']")
    assert re.search(r"party=[^&]+", page.url) and "status=violation" in page.url and "obligation=" in page.url
    assert page.cf_errors == []


def test_clocks_show_the_seven_days_never_reached(pages: Any, demo: Demo) -> None:
    page = pages()
    page.goto(demo.url + "/clocks")
    jic = page.locator("section.clock", has=page.locator("#clock-jic-condition"))
    assert "Never met" in jic.locator("h2").inner_text()
    clock = next(c for c in api(demo, "/clocks")["clocks"] if c["obligation"] == "jic-condition")
    assert jic.locator("li.day").count() == len(clock["days"])
    assert jic.locator("li.day.quiet").count() == sum(d["quiet"] for d in clock["days"])
    assert jic.locator("svg .threshold-label").text_content() == "7 needed"
    jic.scroll_into_view_if_needed()
    shoot(page, "clocks")


def test_claims_sit_beside_their_evidence(pages: Any, demo: Demo) -> None:
    page = pages()
    page.goto(demo.url + "/claims")
    total = api(demo, "/claims")["total"]
    assert page.locator("li.claim").count() == page.locator("li.claim .verdict-word").count() == total
    supported = api(demo, "/claims?verdict=supports")["total"]
    page.goto(demo.url + "/claims?verdict=supports")
    assert page.locator("li.claim").count() == supported
    if supported:  # a supported claim rests on findings: they are listed and open the map
        first = page.locator("li.claim").first
        assert first.locator(".top-findings li").count() >= 1
        assert "the verdict rests on it" in first.locator(".top-findings").inner_text()
    shoot(page, "claims")
    if supported:
        page.locator("li.claim .top-findings a").first.click()
        page.wait_for_selector("body[data-ready='true']")
        assert "from=" in page.url and "obligation=" in page.url
    assert page.cf_errors == []


@pytest.mark.parametrize("path", ["/scorecards", "/clocks", "/cases"], ids=["scorecards", "clocks", "cases"])
def test_pages_fit_a_phone(pages: Any, demo: Demo, sign_in: Any, path: str) -> None:
    page = pages(PHONE)
    if path == "/cases":
        sign_in(page, "analyst")
    page.goto(demo.url + path)
    assert page.locator("h1").is_visible()
    assert no_page_overflow(page), f"{path} is wider than a phone screen"


def test_the_forms_work_from_the_keyboard(pages: Any, demo: Demo, sign_in: Any) -> None:
    page = pages()
    sign_in(page, "monitor")
    page.goto(demo.url + "/report")
    page.focus("#title")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "description"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused field shows no outline"
