"""Static files under content-hashed names (app.3f2a9c1b0d.css): a changed file gets a new name, so every name can
be cached for a year, immutable. Unhashed names still work, with a short cache, for what links to them directly
(the manifest's start page, icons named in it)."""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from litestar.types import ASGIApp, Receive, Scope, Send

from .assets import accepted_encoding
from .site import Site

YEAR = 365 * 24 * 3600
PREFIX = "/static/"

mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("image/svg+xml", ".svg")
mimetypes.add_type("text/javascript", ".js")


def file_hashes(static_dir: Path) -> dict[str, str]:
    """relative path -> the first 10 hex digits of its SHA-256."""
    return {
        path.relative_to(static_dir).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()[:10]
        for path in sorted(static_dir.rglob("*"))
        if path.is_file()
    }


def hashed_name(path: str, digest: str) -> str:
    folder, _, name = path.rpartition("/")
    stem, dot, suffix = name.partition(".")
    hashed = f"{stem}.{digest}{dot}{suffix}" if dot else f"{stem}.{digest}"
    return f"{folder}/{hashed}" if folder else hashed


def unhashed(path: str, hashes: dict[str, str]) -> tuple[str, bool]:
    """The file a requested name stands for, and whether the name carried its current hash."""
    folder, _, name = path.rpartition("/")
    parts = name.split(".")
    if len(parts) >= 3 and len(parts[1]) == 10:
        plain = ".".join([parts[0], *parts[2:]])
        original = f"{folder}/{plain}" if folder else plain
        if hashes.get(original) == parts[1]:
            return original, True
    return path, False


@dataclass(frozen=True)
class StaticReply:
    status: int
    headers: dict[str, str]
    body: bytes


def reply(site: Site, path: str, if_none_match: str, accept_encoding: str) -> StaticReply | None:
    """What to send for a static path, or None when no such file existed at start-up (no traversal, no
    surprises: the caller answers 404)."""
    relative, immutable = unhashed(path.lstrip("/"), site.static_hashes)
    if relative not in site.static_hashes:
        return None
    cache = f"public, max-age={YEAR}, immutable" if immutable else "public, max-age=3600"
    static = site.static.get(relative)
    headers = {"Cache-Control": cache, "ETag": static.etag, "Vary": "Accept-Encoding"}
    if static.etag in if_none_match:
        return StaticReply(304, headers, b"")
    body, encoding = static.variant(accepted_encoding(accept_encoding))
    if encoding:
        headers["Content-Encoding"] = encoding
    text = static.media_type.startswith(("text/", "application/javascript", "application/manifest+json"))
    headers["Content-Type"] = static.media_type + ("; charset=utf-8" if text else "")
    return StaticReply(200, headers, body)


class StaticShortcut:
    """Sends GET and HEAD of existing static files straight from memory, before Litestar's routing, middleware and
    dependency injection, which cost two thirds of a static request (the files are public and the same for
    everyone: no session, CSRF, rate limit or language applies). Everything else goes to the app, where a name
    that is not a current file finds no route and gets the 404 page."""

    def __init__(self, app: ASGIApp, site: Site, always: list[tuple[bytes, bytes]]) -> None:
        self.app = app
        self.site = site
        self.always = always

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or not scope["path"].startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        wanted = {b"if-none-match": b"", b"accept-encoding": b""}
        for name, value in scope["headers"]:
            if name in wanted:
                wanted[name] = value
        found = reply(
            self.site,
            scope["path"][len(PREFIX) :],
            wanted[b"if-none-match"].decode("latin-1"),
            wanted[b"accept-encoding"].decode("latin-1"),
        )
        if found is None:
            await self.app(scope, receive, send)
            return
        headers = [(k.lower().encode(), v.encode()) for k, v in found.headers.items()]
        if found.status == 200:
            headers.append((b"content-length", str(len(found.body)).encode()))
        await send({"type": "http.response.start", "status": found.status, "headers": headers + self.always})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else found.body})
