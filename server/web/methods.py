"""HEAD on every GET route, answered once for the whole app.

Litestar answers HEAD only where a handler is registered for it, and refuses a HEAD handler that returns a body, so
each GET handler would need a twin. HEAD is a GET whose body is not sent (RFC 9110, 9.3.2): here it goes into the
app as GET, and only the body is dropped on the way out, so the status and every header (Content-Length,
Content-Encoding, Cache-Control, cookies) are exactly those of the GET."""

from __future__ import annotations

from litestar.types import ASGIApp, Message, Receive, Scope, Send


def with_head(allow: bytes) -> bytes:
    """An Allow header value that names HEAD wherever it names GET, since both are answered."""
    methods = [m.strip() for m in allow.decode("latin-1").split(",") if m.strip()]
    if "GET" in methods and "HEAD" not in methods:
        methods.insert(methods.index("GET") + 1, "HEAD")
    return ", ".join(methods).encode("latin-1")


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"

        async def send_as_asked(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                if any(name.lower() == b"allow" for name, _ in headers):
                    fixed = [(n, with_head(v) if n.lower() == b"allow" else v) for n, v in headers]
                    message = {**message, "headers": fixed}
            elif head and message["type"] == "http.response.body" and message.get("body"):
                message = {**message, "body": b""}
            await send(message)

        # The scope itself is changed, not a copy: the request log outside reads the route Litestar matched from it.
        if head:
            scope["method"] = "GET"
        try:
            await self.app(scope, receive, send_as_asked)
        finally:
            if head:
                scope["method"] = "HEAD"
