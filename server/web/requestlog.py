"""The app's own request log, in place of uvicorn's access log: one line per request with the method, the route's
path template, the status and the time taken. Never the query string, the client address, headers or cookies, so
no log holds a citizen's IP address or result code (docs/security.md, "Logs and URLs")."""

from __future__ import annotations

import logging
import time

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from ..domain.codes import normalize_code

log = logging.getLogger("kynangso.request")
MAX_PATH = 100


def loggable_path(scope: Scope) -> str:
    """The matched route's template (`/lessons/{lesson_id}`), else the raw path (a 404, say): cut, printable,
    and with any segment that could be a result code (someone typing theirs into the address bar) blanked out."""
    template = scope.get("path_template")
    if template:
        return template
    segments = scope.get("path", "")[:MAX_PATH].split("/")
    path = "/".join("{code?}" if normalize_code(s) else s for s in segments)
    return "".join(c if c.isprintable() else "?" for c in path)


class RequestLog:
    """Wraps Litestar's whole ASGI handler, not one route: Litestar's middleware runs only once a route has
    matched, and would miss 404s, 405s and requests refused by the CSRF or rate-limit middleware."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # if the app fails before it answers, the server answers 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            took = (time.perf_counter() - started) * 1000
            log.info("%s %s %s %.1fms", scope.get("method", "?"), loggable_path(scope), status, took)
