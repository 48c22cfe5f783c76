"""Staff password policy (OWASP ASVS 6.2, NIST SP 800-63B 5.1.1.2).

8 to 128 characters, any characters, paste allowed, no composition rules, never truncated; passwords on a list of
common ones are refused. Pure: the list of common passwords is passed in."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

MIN_LENGTH = 8
MAX_LENGTH = 128


class WeakPassword(Exception):
    """`reason` is one of: too_short, too_long, common, like_username."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class PasswordPolicy:
    common: frozenset[str]

    def check(self, password: str, username: str = "") -> str:
        """Returns the password as it will be hashed (NFC, so the same typed password always matches)."""
        password = unicodedata.normalize("NFC", password)
        length = len(password)
        if length < MIN_LENGTH:
            raise WeakPassword("too_short")
        if length > MAX_LENGTH:
            raise WeakPassword("too_long")
        lowered = password.lower()
        if lowered in self.common:
            raise WeakPassword("common")
        if username and username.lower() in lowered:
            raise WeakPassword("like_username")
        return password
