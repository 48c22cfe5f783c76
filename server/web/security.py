"""Security headers on every response, and an Origin check on state-changing requests (defence in depth on top
of Litestar's CSRF token, which is not bound to a session: ../shared/reference/stack-notes.md)."""

from __future__ import annotations

from urllib.parse import urlsplit

from litestar import Request
from litestar.exceptions import PermissionDeniedException
from litestar.types import Message, Scope

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def header_list(*, https: bool) -> list[tuple[bytes, bytes]]:
    """The headers every response carries (static files too: static.py sends those without Litestar)."""
    headers = [
        (b"content-security-policy", CSP.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"DENY"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]
    if https:
        headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
    return headers


def security_headers(*, https: bool):  # type: ignore[no-untyped-def]
    """A `before_send` hook: Litestar calls it for every response, error pages and router 404s included."""
    headers = header_list(https=https)

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start":
            present = {name.lower() for name, _ in message.get("headers", [])}
            message["headers"] = [*message.get("headers", []), *((n, v) for n, v in headers if n not in present)]

    return add_headers


def check_origin(request: Request, public_origin: str) -> None:
    """Refuses a state change that a browser says comes from another site. The page's origin is the public origin
    (behind a proxy, whatever Host the proxy passes on), or the host the request was sent to, which hosts.py has
    already checked is one of ours (a phone on the hall's network opening the app by its local address)."""
    if request.method not in UNSAFE_METHODS:
        return
    if request.headers.get("sec-fetch-site", "") == "cross-site":
        raise PermissionDeniedException("cross-site request")
    origin = request.headers.get("origin")
    if not origin or origin in ("null", public_origin):
        return
    if urlsplit(origin).netloc != request.headers.get("host", ""):
        raise PermissionDeniedException("cross-origin request")
