"""The map page, its JSON twin, signing in and out, CSRF and the static files, over a real
uvicorn server (no browser: tests/browser drives one)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from api.apikit import Live, running
from starlette.requests import Request
from web.conftest import visitor

from ceasefire.api.problems import Problem
from ceasefire.server import create_app
from ceasefire.web.pages import STATIC, check_csrf, csrf_token, twin_path

Finding = dict[str, Any]


def api(site: Live, path: str, who: str | None = None) -> Any:
    with visitor(site, who) as client:
        answer = client.get(
            "/api/v1" + path, params={"limit": 1000}
        )  # issue 14: one page holds every row of these small data sets
    assert answer.status_code == 200, answer.text
    assert answer.json().get("next") is None
    return answer.json()


def twin(site: Live, who: str | None = None, **query: str) -> dict[str, Any]:
    with visitor(site, who) as client:
        answer = client.get("/index.json", params=query)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    return dict(answer.json())


def shown_in_html(html: str) -> int:
    found = re.search(r'id="shown-count"[^>]*>(\d+) incidents? shown<', html)
    assert found, "no #shown-count in the page"
    return int(found.group(1))


def test_the_map_page_and_its_twin(site: Live) -> None:
    with visitor(site) as client:
        page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<link rel="alternate" type="application/json" href="/index.json">' in html
    assert '<a class="skip-link" href="#main">' in html and '<main id="main"' in html
    assert '<script src="/static/vendor/leaflet/leaflet.js">' in html
    data = twin(site)
    features = api(site, "/incidents")["features"]
    # the twin keeps every incident the API serves when no filter is set, as the page says
    assert data["total"] == data["shown"] == len(features) == shown_in_html(html) > 0
    assert sorted(r["id"] for r in data["incidents"]) == sorted(f["properties"]["id"] for f in features)
    assert data["agreement"]["id"] == "syria-2016-09" and data["run"] is not None
    assert {p["id"] for p in data["choices"]["parties"]} == {"syria-gov", "russia", "us", "opposition"}
    assert data["choices"]["dates"] == [
        min(f["properties"]["date"] for f in features),
        max(f["properties"]["date"] for f in features),
    ]
    # the page embeds the same dict for its script
    embedded = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', html, re.S)
    assert embedded and json.loads(embedded.group(1)) == data


def _worst(statuses: list[str]) -> str | None:
    rank = {"violation": 3, "possible_violation": 2, "exempt": 1}
    return max(statuses, key=lambda s: rank[s]) if statuses else None


def _expected(
    features: list[dict[str, Any]],
    findings: dict[str, Finding],
    keep: Callable[[Finding], bool],
    statuses: set[str],
    days: tuple[str, str],
) -> set[str]:
    """The ids the map should keep, worked out from the API's incidents and findings."""
    out = set()
    for f in features:
        p = f["properties"]
        matching = [findings[i]["status"] for i in p["findings"] if keep(findings[i])]
        status = "no_finding" if keep is _any and not p["findings"] else _worst(matching)
        if status and days[0] <= p["date"] <= days[1] and (not statuses or status in statuses):
            out.add(p["id"])
    return out


def _any(finding: Finding) -> bool:
    return True


FILTERS = [
    ({"status": "violation"}, _any, {"violation"}, ("", "9")),
    ({"status": "exempt,no_finding"}, _any, {"exempt", "no_finding"}, ("", "9")),
    ({"party": "us"}, lambda f: "us" in f["parties"], set(), ("", "9")),
    (
        {"obligation": "cease-attacks", "status": "possible_violation"},
        lambda f: f["obligation"] == "cease-attacks",
        {"possible_violation"},
        ("", "9"),
    ),
    ({"from": "2016-09-17", "to": "2016-09-19"}, _any, set(), ("2016-09-17", "2016-09-19")),
]


@pytest.mark.parametrize(
    ("query", "keep", "statuses", "days"),
    FILTERS,
    ids=["violations", "exempt-or-none", "party-us", "obligation-possible", "dates"],
)
def test_filters_keep_what_the_findings_say(
    site: Live,
    query: dict[str, str],
    keep: Callable[[Finding], bool],
    statuses: set[str],
    days: tuple[str, str],
) -> None:
    features = api(site, "/incidents")["features"]
    findings = {f["id"]: f for f in api(site, "/findings")["findings"]}
    expected = _expected(features, findings, keep, statuses, days)
    data = twin(site, **query)
    assert {r["id"] for r in data["incidents"]} == expected and data["shown"] == len(expected)
    assert 0 < data["shown"] < data["total"], "a filter that keeps all or nothing tests nothing"
    assert all(not statuses or r["status"] in statuses for r in data["incidents"])
    with visitor(site) as client:
        assert shown_in_html(client.get("/", params=query).text) == len(expected)


@pytest.mark.parametrize(
    ("query", "field"), [({"status": "bad"}, "status"), ({"from": "17-09-2016"}, "from")], ids=["status", "date"]
)
def test_a_bad_filter_is_a_422_naming_the_field(site: Live, query: dict[str, str], field: str) -> None:
    with visitor(site) as client:
        page, data = client.get("/", params=query), client.get("/index.json", params=query)
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    assert f"{field}:" in page.text and 'role="alert"' in page.text
    assert data.status_code == 422 and data.headers["content-type"] == "application/problem+json"
    assert data.json()["detail"].startswith(f"{field}:")


def test_the_public_and_the_signed_in_see_their_own_run_and_menu(site: Live) -> None:
    with httpx.Client(
        base_url=site.url + "/api/v1", headers={"Authorization": f"Bearer {site.tokens['analyst']}"}, timeout=60
    ) as client:
        made = client.post("/runs")
    assert made.status_code == 201, made.text
    public, analyst = twin(site), twin(site, "analyst")
    assert analyst["run"]["id"] == made.json()["id"] != public["run"]["id"]
    with visitor(site) as client:
        html = client.get("/").text
    assert "Sign in</a>" in html and 'href="/report"' not in html
    with visitor(site, "analyst") as client:
        html = client.get("/").text
    assert '<span class="role"' in html and ">analyst<" in html and 'href="/report"' in html
    assert 'action="/signout"' in html


def test_a_stale_cookie_gets_401_and_a_way_to_sign_in_again(site: Live) -> None:
    with httpx.Client(base_url=site.url, cookies={"cf_session": "not-a-session"}, timeout=30) as client:
        page, data, form = client.get("/"), client.get("/index.json"), client.get("/signin")
    assert page.status_code == 401 and 'href="/signin?next=/"' in page.text and 'action="/signout"' in page.text
    assert data.status_code == 401 and data.headers["content-type"] == "application/problem+json"
    assert form.status_code == 200, "the sign-in form must work with a stale cookie"


def _signin_form(client: httpx.Client, next_path: str = "/") -> str:
    form = client.get("/signin", params={"next": next_path})
    assert form.status_code == 200
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', form.text)
    assert found
    return found.group(1)


def test_signing_in_sets_a_strict_httponly_cookie_and_signing_out_clears_it(site: Live) -> None:
    with visitor(site) as client:
        csrf = _signin_form(client, "/?status=violation")
        answer = client.post("/signin", data={"token": site.tokens["gov"], "csrf": csrf, "next": "/?status=violation"})
        assert answer.status_code == 303 and answer.headers["location"] == "/?status=violation"
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith("cf_session=") and site.tokens["gov"] not in cookie
        assert all(part in cookie for part in ("HttpOnly", "SameSite=strict", "Path=/"))
        html = client.get("/").text  # the client keeps the cookie, as a browser does
        assert ">party: syria-gov<" in html
        # the token changed, so the form token did too: the old one no longer signs out
        stale = client.post("/signout", data={"csrf": csrf})
        assert stale.status_code == 403
        fresh = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
        assert fresh
        out = client.post("/signout", data={"csrf": fresh.group(1)})
        assert out.status_code == 303 and 'cf_session=""' in out.headers["set-cookie"]


@pytest.mark.parametrize(
    ("token", "next_path", "status", "where"),
    [
        ("cf_wrong", "/", 401, None),
        ("gov", "//elsewhere.example/", 303, "/"),
        ("gov", "https://elsewhere.example/", 303, "/"),
    ],
    ids=["wrong-token", "protocol-relative-next", "absolute-next"],
)
def test_signin_refuses_wrong_tokens_and_foreign_redirects(
    site: Live,
    token: str,
    next_path: str,
    status: int,
    where: str | None,
) -> None:
    with visitor(site) as client:
        csrf = _signin_form(client)
        answer = client.post("/signin", data={"token": site.tokens.get(token, token), "csrf": csrf, "next": next_path})
    assert answer.status_code == status
    if where is None:
        assert "That token is not valid here" in answer.text and "set-cookie" not in answer.headers
    else:
        assert answer.headers["location"] == where


@pytest.mark.parametrize(
    ("csrf", "origin"),
    [("", None), ("0" * 64, None), (None, "https://elsewhere.example")],
    ids=["missing", "forged", "other-origin"],
)
def test_signin_without_this_sites_form_is_403(site: Live, csrf: str | None, origin: str | None) -> None:
    with visitor(site) as client:
        good = _signin_form(client)
        headers = {"Origin": origin} if origin else {}
        answer = client.post(
            "/signin", data={"token": site.tokens["gov"], "csrf": good if csrf is None else csrf}, headers=headers
        )
    assert answer.status_code == 403 and "set-cookie" not in answer.headers
    assert 'role="alert"' in answer.text


def _request(cookie: str | None, origin: str | None = None) -> Request:
    headers = [(b"host", b"127.0.0.1:8000")]
    if cookie is not None:
        headers.append((b"cookie", f"cf_session={cookie}".encode()))
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    return Request(
        {
            "type": "http",
            "method": "POST",
            "path": "/report",
            "headers": headers,
            "query_string": b"",
            "scheme": "http",
            "server": ("127.0.0.1", 8000),
        }
    )


def _tampered(token: str) -> str:
    """``token`` with its last character changed (always changed: a random token may end in "0")."""
    return token[:-1] + ("1" if token.endswith("0") else "0")


def test_the_csrf_helpers() -> None:
    alice, bob, public = _request("cf_alice"), _request("cf_bob"), _request(None)
    assert len({csrf_token(alice), csrf_token(bob), csrf_token(public)}) == 3
    check_csrf(alice, csrf_token(alice))  # no error
    check_csrf(_request("cf_alice", "http://127.0.0.1:8000"), csrf_token(alice))
    for request, value in [
        (alice, csrf_token(bob)),
        (alice, ""),
        (alice, None),
        (alice, _tampered(csrf_token(alice))),
        (_request("cf_alice", "https://elsewhere.example"), csrf_token(alice)),
    ]:
        with pytest.raises(Problem) as refused:
            check_csrf(request, value)
        assert refused.value.status == 403


@pytest.mark.parametrize(
    ("path", "twin_of"),
    [("/", "/index.json"), ("/scorecards", "/scorecards.json"), ("/cases/{case_id}", "/cases/{case_id}.json")],
)
def test_twin_paths(path: str, twin_of: str) -> None:
    assert twin_path(path) == twin_of


@pytest.mark.parametrize(
    ("path", "kind"),
    [("/static/css/site.css", "text/css"), ("/static/js/common.js", "javascript"), ("/static/js/map.js", "javascript")],
)
def test_own_static_files_are_served(site: Live, path: str, kind: str) -> None:
    with visitor(site) as client:
        answer = client.get(path)
    assert answer.status_code == 200 and kind in answer.headers["content-type"]
    assert answer.content == (STATIC / path.removeprefix("/static/")).read_bytes()


def vendor_built() -> None:
    """The vendored assets are committed (issue 17): their absence is a broken checkout."""
    assert (STATIC / "vendor" / "SOURCES.txt").exists(), "ceasefire/web/static/vendor/ is missing (docs/dashboard.md)"


@pytest.mark.parametrize(
    "path",
    [
        "leaflet/leaflet.js",
        "leaflet/leaflet.css",
        "leaflet/images/marker-icon.png",
        "markercluster/leaflet.markercluster.js",
        "markercluster/MarkerCluster.css",
    ],
)
def test_vendor_libraries_are_served(site: Live, path: str) -> None:
    vendor_built()
    with visitor(site) as client:
        answer = client.get(f"/static/vendor/{path}")
    assert answer.status_code == 200 and len(answer.content) > 100


def test_offline_outlines_cover_syria_and_ukraine(site: Live) -> None:
    vendor_built()
    with visitor(site) as client:
        countries = client.get("/static/vendor/outlines/countries.geojson").json()
        admin1 = client.get("/static/vendor/outlines/admin1.geojson").json()
    names = {f["properties"]["name"] for f in countries["features"]}
    assert {"Syria", "Ukraine", "Turkey", "Russia"} <= names and len(names) > 200
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in countries["features"])
    by_country: dict[str, set[str]] = {}
    for f in admin1["features"]:
        by_country.setdefault(f["properties"]["country"], set()).add(f["properties"]["iso_3166_2"])
    # Syria's 14 governorates (SY-DI ... SY-HL) and Ukraine's oblasts are there
    assert {"SY-HL", "SY-DY", "SY-DI", "SY-ID"} <= by_country["Syria"]
    assert {"UA-14", "UA-09", "UA-30"} <= by_country["Ukraine"]


def test_a_tile_url_setting_reaches_the_map(site: Live) -> None:
    from dataclasses import replace

    tiles = "https://tiles.example.org/{z}/{x}/{y}.png"
    with running(create_app(replace(site.settings, tile_url=tiles))) as url:
        html = httpx.get(url + "/", timeout=30).text
    assert f'data-tile-url="{tiles}"' in html
    with visitor(site) as client:
        assert 'data-tile-url=""' in client.get("/").text


@pytest.mark.parametrize(
    "query", [{}, {"party": "syria-gov", "status": "violation", "from": "2016-09-17"}], ids=["all", "filtered"]
)
def test_the_exports_page_counts_and_links_the_filtered_findings(site: Live, query: dict[str, str]) -> None:
    with visitor(site) as client:
        data = client.get("/exports.json", params=query).json()
        expected = client.get("/api/v1/findings", params=query).json()["total"]
        page = client.get("/exports", params=query)
    assert data["findings"] == expected > 0 and page.status_code == 200
    for link in data["formats"]:
        assert all(f"{k}={v}" in link["url"] for k, v in query.items())
        assert f'href="{link["url"].replace("&", "&amp;")}"' in page.text
    with visitor(site) as client:
        csv = client.get(data["formats"][0]["url"])
    assert csv.status_code == 200 and len(csv.text.strip().splitlines()) == expected + 1  # a header row


@pytest.mark.parametrize("who", [None, "analyst", "monitor", "gov"], ids=["public", "analyst", "monitor", "party"])
def test_every_link_of_the_menu_answers(site: Live, who: str | None) -> None:
    with visitor(site, who) as client:
        html = client.get("/").text
        menu = html[html.index('<nav aria-label="Main">') : html.index("</nav>")]
        links = re.findall(r'href="([^"]+)"', menu)
        assert "/" in links and "/exports" in links and "/cases" in links  # published cases are public
        assert ("/report" in links) == (who is not None)
        for link in links:
            assert client.get(link).status_code == 200, link


@pytest.mark.parametrize(
    ("path", "html"),
    [
        ("/nope", True),
        ("/cases/1/nope", True),
        ("/api/v1/nope", False),
        ("/export/nope.csv", False),
        ("/static/nope.js", False),
        ("/nope.json", False),
    ],
    ids=["page", "deep-page", "api", "export", "static", "twin"],
)
def test_an_unknown_path_is_a_404_page_for_people_and_problem_json_for_programs(
    site: Live, path: str, html: bool
) -> None:
    with visitor(site) as client:
        answer = client.get(path, headers={"Accept": "text/html"})
    assert answer.status_code == 404
    if html:
        assert answer.headers["content-type"].startswith("text/html")
        assert '<html lang="en">' in answer.text and "<title>" in answer.text and 'id="main"' in answer.text
    else:
        assert answer.headers["content-type"] == "application/problem+json"
