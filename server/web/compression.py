"""Compressing pages in one call each.

Litestar's compression middleware gives each response a streaming brotli compressor inside closures that refer to
each other, so a finished response's compressor (a few hundred KB of native memory) lives until Python's cycle
collector next runs. Under 64 concurrent answer posts, hundreds of them were alive at once and a worker grew from
120 to over 500 MB (measured with memray; see docs/benchmarks.md). Our pages are one body each, so here each is
compressed with one `brotli.compress` (or gzip) call, whose memory is released when the call returns. Streamed
responses (several body messages) and static files (compressed once, ahead, by assets.py) pass through as they are.
"""

from __future__ import annotations

import gzip

import brotli
from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from .assets import COMPRESS_FROM_BYTES, COMPRESSIBLE, accepted_encoding

# Pages change per request, so speed matters more than the last bytes: on a 5 KB quiz page, quality 2 takes a
# third of quality 4's time for 9 % more bytes (2,341 against 2,153); a 64 KB window is more than a page needs.
BROTLI_QUALITY = 2
BROTLI_WINDOW = 16


def compress(body: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(body, mode=brotli.MODE_TEXT, quality=BROTLI_QUALITY, lgwin=BROTLI_WINDOW)
    return gzip.compress(body, compresslevel=6, mtime=0)


class PageCompression:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        accepted = b""
        for name, value in scope["headers"]:
            if name == b"accept-encoding":
                accepted = value
        encoding = accepted_encoding(accepted.decode("latin-1"))
        start: Message | None = None
        passing = False

        async def send_compressed(message: Message) -> None:
            nonlocal start, passing
            if passing:
                await send(message)
                return
            if message["type"] == "http.response.start":
                start = message
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            headers = MutableScopeHeaders(start)
            body = message.get("body", b"")
            kind = headers.get("content-type", "")
            compressible = kind.startswith(COMPRESSIBLE) and "content-encoding" not in headers
            if compressible:
                headers.extend_header_value("vary", "Accept-Encoding")
            if compressible and encoding and not message.get("more_body") and len(body) >= COMPRESS_FROM_BYTES:
                packed = compress(body, encoding)
                if len(packed) < len(body):
                    headers["content-encoding"] = encoding
                    headers["content-length"] = str(len(packed))
                    message = {**message, "body": packed}
            passing = True
            await send(start)
            await send(message)

        await self.app(scope, receive, send_compressed)
