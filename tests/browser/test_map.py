"""The map page in a real browser: features drawn, filters, the shared URL, popups, keyboard."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from browser.conftest import Demo, shoot


def open_map(page: Any, demo: Demo, query: str = "") -> None:
    page.goto(demo.url + "/" + query)
    page.wait_for_selector("body[data-ready='true']")
    assert not page.locator("#map-error [role=alert]").count(), page.locator("#map-error").inner_text()


def settled(page: Any) -> None:
    """Wait until a filter change is drawn: the map asks the server for its counts, list and
    clusters (issue 14), and the page is ready again once they are drawn."""
    page.wait_for_selector("body[data-ready='true']")


def shown(page: Any) -> int:
    text = page.locator("#shown-count").inner_text()
    number, rest = text.split(" ", 1)
    assert rest in ("incident shown", "incidents shown"), text
    return int(number)


def twin(demo: Demo, query: dict[str, str]) -> dict[str, Any]:
    """The map page's JSON twin for ``query``, as the public sees it."""
    answer = httpx.get(demo.url + "/index.json", params=query, timeout=30)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_the_map_draws_outlines_layers_and_incidents(page: Any, demo: Demo) -> None:
    open_map(page, demo)
    # the agreement's zones, routes and lines are SVG paths of their own class
    assert page.locator("path.agreement-layer.layer-zone").count() >= 3
    assert page.locator("path.agreement-layer.layer-route").count() >= 1
    # incidents: markers and clusters together stand for every incident shown
    markers = page.locator(".incident-dot").count()
    clusters = page.locator(".cluster-badge")
    in_clusters = sum(int(clusters.nth(i).inner_text()) for i in range(clusters.count()))
    count = shown(page)
    assert count > 0 and markers + in_clusters == count
    assert count == twin(demo, {})["shown"] == page.locator("#incident-list button").count()
    # the offline outlines are drawn (a canvas in their own pane), no tile was asked for
    assert page.locator(".leaflet-outlines-pane canvas").count() == 1
    assert page.locator(".leaflet-tile").count() == 0
    assert page.cf_errors == []
    shoot(page, "map")


def test_a_status_filter_changes_the_count_and_the_url_and_a_reload_keeps_it(page: Any, demo: Demo) -> None:
    open_map(page, demo)
    everything = shown(page)
    page.check("#status-choices input[value='violation']")
    page.wait_for_function("!location.search.includes('status=') ? false : true")
    settled(page)
    violations = shown(page)
    query = parse_qs(urlsplit(page.url).query)
    assert query["status"] == ["violation"]
    expected = twin(demo, {"status": "violation"})
    assert 0 < violations < everything and violations == expected["shown"] == expected["counts"]["violation"]
    # the list shows the same incidents, every one a violation
    rows = page.locator("#incident-list button")
    assert rows.count() == violations
    assert all("Violation" in rows.nth(i).inner_text() for i in range(rows.count()))
    page.reload()
    page.wait_for_selector("body[data-ready='true']")
    assert shown(page) == violations
    assert page.is_checked("#status-choices input[value='violation']")
    assert not page.is_checked("#status-choices input[value='exempt']")


def test_date_and_party_filters_match_the_json_twin(page: Any, demo: Demo) -> None:
    open_map(page, demo, "?from=2016-09-17&to=2016-09-19&party=syria-gov")
    expected = twin(demo, {"from": "2016-09-17", "to": "2016-09-19", "party": "syria-gov"})
    assert shown(page) == expected["shown"] > 0
    listed = page.locator("#incident-list button")
    ids = [listed.nth(i).get_attribute("data-incident") for i in range(listed.count())]
    assert ids == [row["id"] for row in expected["incidents"]]
    assert page.input_value("#date-from") == "2016-09-17" and page.input_value("#party") == "syria-gov"
    # the time slider moves the first day: fewer or as many incidents, and the URL follows
    page.focus("#range-from")
    page.keyboard.press("ArrowRight")
    assert parse_qs(urlsplit(page.url).query)["from"] == ["2016-09-18"]
    settled(page)
    assert shown(page) == twin(demo, {"from": "2016-09-18", "to": "2016-09-19", "party": "syria-gov"})["shown"]


def test_a_list_button_opens_the_popup_with_the_explanation_and_the_disc(page: Any, demo: Demo) -> None:
    open_map(page, demo, "?status=violation")
    findings = httpx.get(demo.url + "/api/v1/findings", params={"limit": 1000}, timeout=30).json()["findings"]
    row = twin(demo, {"status": "violation"})["incidents"][0]
    explanation = next(f["explanation"] for f in findings if f["id"] in row["findings"] and f["status"] == "violation")
    page.click(f"#incident-list button[data-incident='{row['id']}']")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert explanation in popup.inner_text()
    assert row["id"] in popup.inner_text()
    if row["radius_m"]:
        assert page.locator("path.precision-disc").count() == 1
    # the whole popup comes into the map's view (Leaflet pans to it once the zoom has ended)
    page.wait_for_function(
        "() => { const p = document.querySelector('.leaflet-popup').getBoundingClientRect();"
        " const m = document.querySelector('#map').getBoundingClientRect();"
        " return p.top >= m.top && p.bottom <= m.bottom && getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'; }",
        timeout=5000,
    )
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "map-popup")


def test_clicking_a_marker_opens_its_popup(page: Any, demo: Demo) -> None:
    open_map(page, demo, "?from=2016-09-19&to=2016-09-19")
    dots = page.locator(".incident-dot")
    if dots.count() == 0:  # all in clusters: a click on one zooms in until its dots show
        page.locator(".cluster-badge").first.click()
        dots.first.wait_for()
    dots.first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert ", 2016-09-19" in text and "Incident " in text and "Sources: " in text


def active(page: Any) -> str:
    return str(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))


def test_the_keyboard_skips_to_the_filters_and_opens_an_incident(page: Any, demo: Demo) -> None:
    open_map(page, demo, "?status=violation")
    page.keyboard.press("Tab")
    assert active(page) == "Skip to content"
    page.keyboard.press("Enter")
    reached = []
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.append(active(page))
        if reached[-1] == "party":
            break
    # straight to the filters, past the navigation, slider first
    assert reached[:3] == ["range-from", "range-to", "date-from"] and reached[-1] == "party"
    for _ in range(150):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('#incident-list') !== null"):
            break
    else:
        pytest.fail("tabbing never reached the incident list")
    incident = page.evaluate("document.activeElement.dataset.incident")
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup-content").wait_for()
    assert f"Incident {incident}" in page.locator(".leaflet-popup-content").inner_text()
    # the popup's close button has the focus, so Enter closes it again
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup-content").wait_for(state="detached")


def test_the_map_on_a_phone(phone_page: Any, demo: Demo) -> None:
    open_map(phone_page, demo)
    box = phone_page.locator("#map").bounding_box()
    assert box is not None and box["width"] <= 390 and box["height"] > 300
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width} px wide)"
    shoot(phone_page, "map-phone")


def test_an_events_popup_lists_each_record_with_its_source_and_grade(page: Any, demo: Demo) -> None:
    """The demo's convoy report and ACLED's SYR-ILL-0041 are one event (issue 13): one row, one
    marker, and a popup that lists both records, who reported each and how they are graded."""
    day = {"from": "2016-09-19", "to": "2016-09-19"}
    open_map(page, demo, "?from=2016-09-19&to=2016-09-19")
    row = next(r for r in twin(demo, day)["incidents"] if r["records"] > 1)
    button = page.locator(f"#incident-list button[data-incident='{row['id']}']")
    assert f"{row['records']} records" in button.inner_text()
    button.click()
    page.locator(".leaflet-popup-content .event-records").wait_for()
    records = page.locator(".event-records li[data-record]")
    assert records.count() == row["records"] == 2
    ids = {records.nth(i).get_attribute("data-record") for i in range(2)}
    assert "SYR-ILL-0041" in ids and any(i and i.startswith("report-") for i in ids)
    text = page.locator(".event-records").inner_text()
    assert "2 records of this event" in text and "grade A" in text and "grade B" in text
    assert "20 killed" in text and "by Unidentified Military Forces" in text
    assert page.cf_errors == []
