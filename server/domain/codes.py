"""Result codes: short, easy to read aloud and type. The alphabet leaves out 0/O and 1/I."""

from __future__ import annotations

import re

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 8  # 32**8 = 2**40 codes: enough that guessing one, under a rate limit, is hopeless
_CLEAN = re.compile(r"[\s\-.]")


def format_code(code: str) -> str:
    """ABCD2345 -> ABCD-2345: two halves are easier to read aloud."""
    return f"{code[:4]}-{code[4:]}"


def normalize_code(typed: str) -> str | None:
    """What a person typed -> a stored code, or None when it cannot be one.

    Lower case, spaces and dashes are accepted. Codes never contain 0, O, 1 or I, so a code with one of them
    was mistyped and is refused rather than guessed at.
    """
    code = _CLEAN.sub("", typed).upper()
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def new_code(random_choice) -> str:  # type: ignore[no-untyped-def]
    """`random_choice` is `secrets.choice` in the app; passed in so the domain stays free of I/O."""
    return "".join(random_choice(ALPHABET) for _ in range(LENGTH))
