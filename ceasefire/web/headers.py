"""Security headers on every answer of the server (issue 11, class 7): an ASGI middleware.

* ``Content-Security-Policy``: scripts only from this origin (``script-src 'self'``: no inline
  script, no ``on...=`` attribute, no ``javascript:`` URL runs, so text that slipped into the
  page as HTML still cannot act); nothing may frame the dashboard (``frame-ancestors 'none'``);
  forms post only here; images from here, ``data:`` URLs and the map's tile server
  (``Settings.tile_url``). Styles may be inline: Leaflet positions its layers with them.
* ``X-Content-Type-Options: nosniff``: an evidence file or export is never run as a script.
* ``Referrer-Policy: same-origin``: report and case URLs do not leak to other sites.

The page data the map reads is a ``<script type="application/json">`` block: data, not script,
so the policy lets it be.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["SecurityHeaders", "content_security_policy"]


def content_security_policy(tile_url: str | None) -> str:
    """The policy for a dashboard whose map loads tiles from ``tile_url`` (None: no tiles)."""
    images = "'self' data: blob:"
    if tile_url:
        parts = urlsplit(tile_url.replace("{s}", "*"))  # Leaflet's {s}: any subdomain
        if parts.scheme in ("http", "https") and parts.netloc:
            images += f" {parts.scheme}://{parts.netloc}"
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            f"img-src {images}",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


class SecurityHeaders:
    """ASGI middleware adding the headers above to every HTTP answer (an answer that sets one
    itself keeps its own)."""

    def __init__(self, app: ASGIApp, tile_url: str | None = None) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", content_security_policy(tile_url).encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"x-frame-options", b"DENY"),  # frame-ancestors for browsers without CSP level 2
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in self.headers if n not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)
