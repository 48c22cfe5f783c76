"""Static files under content-hashed names (app.3f2a9c1b0d.css): a changed file gets a new name, so every name can
be cached for a year, immutable. Unhashed names still work, with a short cache, for what links to them directly
(the manifest's start page, icons named in it)."""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from .assets import accepted_encoding
from .site import Site

YEAR = 365 * 24 * 3600

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


@get("/static/{path:path}", name="static", cache=False, include_in_schema=False)
async def static_file(request: Request, site: NamedDependency[Site], path: FromPath[str]) -> Response:
    relative, immutable = unhashed(path.lstrip("/"), site.static_hashes)
    if relative not in site.static_hashes:  # only files that existed at startup: no traversal, no surprises
        raise NotFoundException()
    cache = f"public, max-age={YEAR}, immutable" if immutable else "public, max-age=3600"
    static = site.static.get(relative)
    headers = {"Cache-Control": cache, "ETag": static.etag, "Vary": "Accept-Encoding"}
    if static.etag in request.headers.get("if-none-match", ""):
        return Response(b"", status_code=304, headers=headers)
    body, encoding = static.variant(accepted_encoding(request.headers.get("accept-encoding", "")))
    if encoding:
        headers["Content-Encoding"] = encoding
    return Response(body, media_type=static.media_type, headers=headers)
