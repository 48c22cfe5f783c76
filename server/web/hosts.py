"""Requests must name one of our hosts; links name the public origin.

The Host header is the client's to write. A page that built its links from it (the QR code on a result card, say)
would print whatever a forged request or a misrouted proxy put there, so links are built from PUBLIC_ORIGIN, and a
request naming a host that is not ours gets 400 before it reaches the app.

Litestar's AllowedHostsConfig is not used: it runs only once a route has matched (404s and static files pass
unchecked), compares the host with its port (every port would need listing), redirects www. names by default, and
answers with a bare JSON line where a person may be reading."""

from __future__ import annotations

import html
import logging

from litestar.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger("kynangso.hosts")

# The process manager's probe names the container's own address; the health check builds no link and says nothing.
UNCHECKED_PATHS = frozenset({"/healthz"})


def host_name(header: str) -> str:
    """The name of a Host header's value, without the port: "[::1]:8000" -> "::1", "Example.vn:443" -> "example.vn"."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else ""
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def refusal_page(public_origin: str) -> bytes:
    """Both languages: the request named no host of ours, so no page of ours (and no language cookie) applies."""
    link = html.escape(public_origin)
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Địa chỉ không đúng · Unknown address</title></head><body>"
        "<h1>Địa chỉ không đúng</h1>"
        f'<p>Trang Kỹ Năng Số không có ở địa chỉ này. Hãy mở <a href="{link}/">{link}</a>.</p>'
        '<h1 lang="en">Unknown address</h1>'
        f'<p lang="en">Digital Skills is not served at this address. Please open <a href="{link}/">{link}</a>.</p>'
        "</body></html>"
    ).encode()


class HostCheck:
    def __init__(self, app: ASGIApp, names: frozenset[str], public_origin: str, always: list[tuple[bytes, bytes]]):
        self.app = app
        self.names = names
        self.body = refusal_page(public_origin)
        self.headers = [
            (b"content-type", b"text/html; charset=utf-8"),
            (b"content-length", str(len(self.body)).encode()),
            (b"cache-control", b"no-store"),
            *always,
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in UNCHECKED_PATHS:
            await self.app(scope, receive, send)
            return
        header = next((v.decode("latin-1") for n, v in scope["headers"] if n == b"host"), "")
        if host_name(header) in self.names:
            await self.app(scope, receive, send)
            return
        shown = "".join(c if c.isprintable() else "?" for c in header[:100])
        log.warning("refused a request for host %r, not one of ALLOWED_HOSTS", shown)
        await send({"type": "http.response.start", "status": 400, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body})
