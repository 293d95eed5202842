"""The daily bulletin in a real browser, against the running demo: the index lists the days,
the 19 September bulletin reads as a page, and its PDF link opens in the browser's PDF viewer
(served as application/pdf, the bytes a whole PDF)."""

from __future__ import annotations

from typing import Any

from browser.conftest import Demo, shoot


def test_the_bulletin_index_leads_to_the_day_and_its_pdf(demo: Demo, page: Any) -> None:
    page.goto(demo.url + "/bulletin/")
    page.get_by_role("link", name="2016-09-19", exact=True).first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/bulletin/2016-09-19.html")
    text = page.locator("main, body").first.inner_text()
    assert "19 September 2016" in text and "Urum al-Kubra" in text
    assert page.locator("svg").count() >= 1  # the small map
    shoot(page, "bulletin")
    page.goto(demo.url + "/bulletin/")
    with page.expect_response(lambda answer: answer.url.endswith("/bulletin/2016-09-19.pdf")) as opened:
        page.get_by_role("link", name="2016-09-19 as PDF").click()
    answer = opened.value
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    page.wait_for_load_state()  # chromium shows it in its PDF viewer
    pdf = page.request.get(answer.url).body()  # the bytes it was given, fetched again in the same context
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(pdf) > 10_000  # pages of text and a map, not an empty document
    assert page.cf_errors == [], page.cf_errors
