"""Class 4: login CSRF. Before: the sign-in form's CSRF token was the same for every visitor
(an HMAC of nothing), so a hostile page could sign a victim in as the attacker; and a form
posted with ``Origin: null`` (a sandboxed frame, a ``data:`` page) was accepted."""

from __future__ import annotations

import re

import httpx
import pytest
from api.apikit import Live


def _signin_token(client: httpx.Client) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get("/signin").text)
    assert found, "no csrf field on /signin"
    return found.group(1)


def _browser(live: Live) -> httpx.Client:
    return httpx.Client(base_url=live.url, timeout=30, follow_redirects=False)


def test_two_visitors_get_different_signin_tokens(live: Live) -> None:
    with _browser(live) as one, _browser(live) as two:
        assert _signin_token(one) != _signin_token(two)
        assert one.cookies.get("cf_visitor") and one.cookies.get("cf_visitor") != two.cookies.get("cf_visitor")


def test_an_attackers_token_does_not_sign_a_victim_in(live: Live) -> None:
    with _browser(live) as attacker, _browser(live) as victim:
        stolen = _signin_token(attacker)  # the attacker loads the form on its own
        _signin_token(victim)  # the victim has been on the site (so has a visitor cookie)
        forged = victim.post("/signin", data={"token": live.tokens["opposition"], "csrf": stolen})
    assert forged.status_code == 403 and "set-cookie" not in {k.lower() for k in forged.headers if k != "set-cookie"}
    assert "cf_session" not in forged.headers.get("set-cookie", "")


def test_a_token_without_its_visitor_cookie_is_refused(live: Live) -> None:
    with _browser(live) as attacker:
        stolen = _signin_token(attacker)
    with _browser(live) as victim:  # never visited: no cookie at all
        forged = victim.post("/signin", data={"token": live.tokens["opposition"], "csrf": stolen})
    assert forged.status_code == 403 and "cf_session" not in forged.headers.get("set-cookie", "")


def test_the_visitors_own_form_signs_in(live: Live) -> None:
    with _browser(live) as client:
        answer = client.post("/signin", data={"token": live.tokens["gov"], "csrf": _signin_token(client)})
    assert answer.status_code == 303 and "cf_session=" in answer.headers["set-cookie"]


@pytest.mark.parametrize("path", ["/signin", "/signout", "/report"], ids=["signin", "signout", "report"])
def test_origin_null_is_refused_for_every_form_post(live: Live, path: str) -> None:
    with _browser(live) as client:
        csrf = _signin_token(client)
        if path != "/signin":  # sign in first, then take the signed-in form's token
            client.post("/signin", data={"token": live.tokens["monitor"], "csrf": csrf})
            found = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get("/report").text)
            assert found
            csrf = found.group(1)
        data = {"token": live.tokens["gov"], "csrf": csrf, "title": "x"}
        answer = client.post(path, data=data, headers={"Origin": "null"})
    assert answer.status_code == 403
    assert "cf_session=" not in answer.headers.get("set-cookie", "")
