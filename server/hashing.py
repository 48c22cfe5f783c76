"""The one module that wraps argon2-cffi. Hashing costs tens of milliseconds of CPU on purpose, so web code calls
these methods in a worker thread (anyio.to_thread), never on the event loop."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from .domain.passwords import PasswordPolicy
from .settings import ROOT, Settings

COMMON_PASSWORD_FILES = (
    ROOT / "server" / "data" / "common-passwords.txt.gz",
    ROOT / "server" / "data" / "common-passwords-vi.txt",
)


class Hasher:
    def __init__(self, memory_kib: int, time_cost: int, parallelism: int) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
        )
        # Verified against when the username is unknown, so an unknown user costs the same time as a known one.
        self._dummy = self._hasher.hash(secrets.token_urlsafe(24))

    @classmethod
    def from_settings(cls, settings: Settings) -> Hasher:
        return cls(settings.argon2_memory_kib, settings.argon2_time_cost, settings.argon2_parallelism)

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(stored or self._dummy, password) and stored is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        return self._hasher.check_needs_rehash(stored)


def read_common_passwords(paths: Iterable[Path] = COMMON_PASSWORD_FILES) -> frozenset[str]:
    import gzip

    words: set[str] = set()
    for path in paths:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        for line in raw.decode("utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                words.add(line.lower())
    return frozenset(words)


def password_policy() -> PasswordPolicy:
    return PasswordPolicy(read_common_passwords())
