"""A second factor for staff (OWASP ASVS 6.3.2, RFC 6238): six-digit codes from an authenticator app, and
one-time recovery codes for a lost phone. Pure: the clock and the stored state are passed in.

Required for admins, and for officials unless SECOND_FACTOR_OFFICIALS=false. Team members stay on passwords:
they share a commune's tablets in the field, where a personal authenticator cannot follow each volunteer from
device to device, and their accounts see only their own sessions' counts (no statistics, no accounts)."""

from __future__ import annotations

import secrets
import unicodedata

import pyotp

from .staff import Role, StaffUser

STEP_SECONDS = 30
ISSUER = "Kỹ Năng Số"
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def required(user: StaffUser, *, officials: bool) -> bool:
    return user.role == Role.ADMIN or (officials and user.role == Role.OFFICIAL)


def new_secret() -> str:
    return pyotp.random_base32()  # 32 base32 characters: 160 bits, as RFC 4226 recommends


def setup_uri(secret: str, username: str) -> str:
    """What the QR code carries: authenticator apps read the account name, the issuer and the secret from it."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def typed_code(value: str) -> str:
    """A code as typed: full-width digits, spaces and dashes are forgiven."""
    return "".join(c for c in unicodedata.normalize("NFKC", value) if c.isalnum()).lower()[:40]


def matching_step(secret: str, code: str, now: float, last_step: int | None) -> int | None:
    """The time step whose code `code` is, within one step either side of now (clocks drift), and only if it is
    later than the last step accepted: RFC 6238 5.2 forbids accepting one code twice."""
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int(now // STEP_SECONDS)
    for step in (current - 1, current, current + 1):
        if (last_step is None or step > last_step) and secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Ten codes of twelve characters (about 59 bits each) in groups of four: each works once."""
    return [
        "-".join("".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(4)) for _ in range(3))
        for _ in range(RECOVERY_CODES)
    ]
