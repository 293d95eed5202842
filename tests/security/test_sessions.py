"""Issue 11, class 6: the dashboard's cookie holds a server-side session id, never the token;
signing out ends the session on the server; a session of a revoked token is dead; an https
``--public-url`` makes the cookie Secure behind a TLS proxy."""

from __future__ import annotations

import dataclasses
import re

import httpx
from api.apikit import Live, running

from ceasefire.server import create_app


def _browser(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, timeout=30, follow_redirects=False)


def _sign_in(client: httpx.Client, token: str) -> httpx.Response:
    """Sign in through the form, as a person does (the client keeps the cookies a browser would)."""
    form = client.get("/signin")
    found = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert form.status_code == 200 and found
    answer = client.post("/signin", data={"token": token, "csrf": found.group(1), "next": "/"})
    assert answer.status_code == 303, answer.text
    return answer


def _sign_out(client: httpx.Client) -> httpx.Response:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text)
    assert found
    return client.post("/signout", data={"csrf": found.group(1)})


def _new_token(live: Live) -> tuple[int, str]:
    with live.client("admin") as admin:
        made = admin.post("/tokens", json={"role": "analyst", "name": "dashboard user"}).json()
    return int(made["id"]), str(made["token"])


def test_the_cookie_holds_a_short_lived_session_id_not_the_token(live: Live) -> None:
    with _browser(live.url) as client:
        cookie = _sign_in(client, live.tokens["gov"]).headers["set-cookie"]
        assert cookie.startswith("cf_session=") and live.tokens["gov"] not in cookie
        assert all(part in cookie for part in ("HttpOnly", "SameSite=strict", "Path=/"))
        max_age = re.search(r"Max-Age=(\d+)", cookie)
        assert max_age and int(max_age.group(1)) <= 12 * 3600
        assert ">party: syria-gov<" in client.get("/").text
    with httpx.Client(base_url=live.url, cookies={"cf_token": live.tokens["gov"]}, timeout=30) as raw:
        assert ">party: syria-gov<" not in raw.get("/").text, "a raw token in a cookie must not sign in"


def test_signing_out_ends_the_session_on_the_server(live: Live) -> None:
    with _browser(live.url) as client:
        _sign_in(client, live.tokens["analyst"])
        copied = client.cookies["cf_session"]
        assert client.get("/index.json").status_code == 200
        assert _sign_out(client).status_code == 303
    with httpx.Client(base_url=live.url, cookies={"cf_session": copied}, timeout=30) as stolen:
        assert stolen.get("/index.json").status_code == 401
        assert stolen.get("/api/v1/findings").status_code == 401


def test_a_session_of_a_revoked_token_is_dead(live: Live) -> None:
    token_id, token = _new_token(live)
    with _browser(live.url) as client:
        _sign_in(client, token)
        assert client.get("/cases.json").status_code == 200
        with live.client("admin") as admin:
            assert admin.post(f"/tokens/{token_id}/revoke").status_code == 200
        assert client.get("/cases.json").status_code == 401
        assert client.get("/api/v1/reports").status_code == 401
        refused = client.post("/signin", data={"token": token, "csrf": "x"})
        assert "set-cookie" not in refused.headers or "cf_session=" not in refused.headers["set-cookie"]


def test_an_https_public_url_makes_the_cookie_secure(live: Live) -> None:
    with _browser(live.url) as plain:
        assert "Secure" not in _sign_in(plain, live.tokens["gov"]).headers["set-cookie"]
    behind_proxy = dataclasses.replace(live.settings, public_url="https://ceasefire.example.org")
    with running(create_app(behind_proxy)) as url, _browser(url) as client:
        form = client.get("/signin")
        visitor = form.headers["set-cookie"]  # the CSRF visitor cookie is Secure too
        assert visitor.startswith("cf_visitor=") and "Secure" in visitor
        # the browser talks https to the proxy, so it sends the Secure cookie; httpx here talks
        # plain http to the server and would not: send it by hand, as the proxy passes it on
        found = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert found
        answer = client.post(
            "/signin",
            data={"token": live.tokens["gov"], "csrf": found.group(1)},
            headers={"Cookie": visitor.split(";")[0]},
        )
        assert answer.status_code == 303 and "Secure" in answer.headers["set-cookie"]
