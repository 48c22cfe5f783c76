"""Static files in memory, each compressed once per process on first asking (brotli and gzip), with its hash as
ETag: the compression middleware never touches them (it would compress again on every request)."""

from __future__ import annotations

import gzip
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path

import brotli

COMPRESS_FROM_BYTES = 1024  # smaller responses gain less than the headers and the work cost
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/manifest+json", "image/svg+xml")


def accepted_encoding(header: str) -> str | None:
    """The best encoding a client accepts that we keep: br, else gzip (a q of 0 refuses one)."""
    offered = {}
    for part in header.lower().split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        offered[name.strip()] = q
    for encoding in ("br", "gzip"):
        if offered.get(encoding, 0) > 0:
            return encoding
    return None


@dataclass
class StaticFile:
    body: bytes
    media_type: str
    etag: str
    encoded: dict[str, bytes] = field(default_factory=dict)

    def variant(self, encoding: str | None) -> tuple[bytes, str | None]:
        """The body in `encoding`, compressed once per process on first asking (brotli at its best, since it is
        done once); the plain body for small or incompressible files, or when compressing does not make it smaller."""
        compressible = len(self.body) >= COMPRESS_FROM_BYTES and self.media_type.startswith(COMPRESSIBLE)
        if encoding is None or not compressible:
            return self.body, None
        if encoding not in self.encoded:
            packed = (
                brotli.compress(self.body, quality=11) if encoding == "br" else gzip.compress(self.body, 9, mtime=0)
            )
            self.encoded[encoding] = packed if len(packed) < len(self.body) else b""
        packed = self.encoded[encoding]
        return (packed, encoding) if packed else (self.body, None)


class StaticFiles:
    """The files of static/ as they were at start-up, in memory: they are few and small, and are asked for on
    every first visit."""

    def __init__(self, static_dir: Path, hashes: dict[str, str]) -> None:
        self.hashes = hashes
        self._files: dict[str, StaticFile] = {}
        self._dir = static_dir

    def get(self, relative: str) -> StaticFile:
        if relative not in self._files:
            media_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
            body = (self._dir / relative).read_bytes()
            self._files[relative] = StaticFile(body, media_type, f'"{self.hashes[relative]}"')
        return self._files[relative]
