"""Settings: one frozen dataclass built from the environment by `from_env`, then passed in. Nothing reads the
environment at import time, so tests build the app with explicit settings."""

from __future__ import annotations

import math
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEVELOPMENT_SECRET = "development-only-secret-key-change-me-0000000000"  # noqa: S105 - refused in production
# Names a browser or test client on this machine sends as Host (TestClient: testserver.local; schemathesis:
# testserver), accepted outside production when ALLOWED_HOSTS is not set.
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "testserver", "testserver.local")
WILDCARD_ADDRESSES = ("0.0.0.0", "::", "")  # noqa: S104 - addresses to listen on, never to link to


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it and says what is expected."""


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = f"sqlite:///{ROOT / 'var' / 'kynangso.db'}"
    secret_key: str = DEVELOPMENT_SECRET
    environment: str = "development"  # development | production | test
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    content_dir: Path = ROOT / "quizzes"
    map_file: Path = ROOT / "server" / "data" / "vietnam.json"  # the 2025 map (server/data/update_map.py)
    province: str = "37"  # the province this deployment serves (37 is Ninh Bình), or "all": the whole country
    static_dir: Path = ROOT / "static"
    templates_dir: Path = ROOT / "templates"
    https: bool = False  # served over HTTPS (behind a proxy): Secure cookies, __Host- prefix, HSTS
    # The address people open (scheme, host, port): QR codes and links carry it, whatever Host a request names.
    public_origin: str = "http://127.0.0.1:8000"
    # Host names a request may name besides the public origin's; empty: loopback and test names, outside production.
    allowed_hosts: tuple[str, ...] = ()
    consent_version: str = "2026-11"
    max_body_bytes: int = 64 * 1024
    anonymous_rate_per_minute: int = 600  # loose: many phones share one carrier IP
    log_level: str = "INFO"
    redis_url: str | None = None  # shared store for sessions, throttling and rate limits across processes
    # Addresses of the reverse proxies whose X-Forwarded-For names the real client (comma separated, as uvicorn
    # takes them). Unset: no proxy is trusted, or 127.0.0.1 when HTTPS says a proxy terminates TLS here.
    forwarded_allow_ips: str | None = None
    argon2_memory_kib: int = 19 * 1024  # OWASP minimum for argon2id: 19 MiB, 2 iterations, 1 lane
    argon2_time_cost: int = 2
    argon2_parallelism: int = 1
    session_idle_minutes: int = 30
    one_time_password_hours: int = 72  # an admin-set password opens the account once, within this many hours
    second_factor_officials: bool = True  # officials need a TOTP code too (admins always do)
    session_absolute_hours: int = 12
    release: str = "1"  # part of the service worker's version: a new release replaces cached app files
    small_group_k: int = 10  # released counts under K are shown as "< K" (the display threshold)
    release_grace_days: int = 3  # a month's release is computed this many days after the month ends
    release_epsilon: float = 1.0  # privacy loss of one month's release, for one attempt (docs/privacy.md)
    auto_release: bool = True  # the running app publishes due releases by itself
    answer_months: int = 3  # raw answers are dropped this many months after their month, once released (months.py)
    attempts_per_client_hour: int = 60  # new attempts one client (IP) may start in an hour; guided ones excepted
    burst_client_per_hour: int = 20  # finished attempts from one client in an hour that raise a flag for admins
    burst_commune_factor: int = 5  # a commune's day above this many times its usual daily rate raises a flag
    burst_commune_minimum: int = 30  # ... and above this many attempts, so a quiet commune's first day is no burst
    targets_dir: Path = ROOT / "server" / "data" / "targets"  # one file per province: 37.toml

    @property
    def host_names(self) -> frozenset[str]:
        """The Host names the app answers (without port): the public origin's, then ALLOWED_HOSTS, or outside
        production the loopback names and the ones test clients send."""
        public = urlsplit(self.public_origin).hostname or ""
        if self.allowed_hosts:
            return frozenset({public, *self.allowed_hosts})
        if self.environment == "production":
            return frozenset({public})
        served = () if self.host in WILDCARD_ADDRESSES else (self.host.lower(),)
        return frozenset({public, *LOCAL_HOSTS, *served})


def _bool(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, not {value!r}")


def _int(name: str, value: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {value!r}") from None
    if not low <= number <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, not {number}")
    return number


def _float(name: str, value: str, low: float, high: float) -> float:
    try:
        number = float(value)
    except ValueError:
        raise SettingsError(f"{name} must be a number such as 1.0, not {value!r}") from None
    if not low <= number <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, not {number}")
    return number


def _secret(env: Mapping[str, str], name: str) -> str | None:
    """A secret comes from NAME or from the file named by NAME_FILE (container secrets)."""
    if env.get(f"{name}_FILE"):
        try:
            return Path(env[f"{name}_FILE"]).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SettingsError(f"{name}_FILE cannot be read: {exc}") from None
    return env.get(name)


def secret_weakness(secret: str) -> str | None:
    """Why a key could be guessed, or None. Signing keys guard sessions, CSRF tokens and device cookies: a key that
    is published, repeats itself or runs along the keyboard is no secret. A random key of 32 bytes (43 characters
    of token_urlsafe) carries about 190 bits by this estimate; a phrase of ordinary words about 130 to 150."""
    if DEVELOPMENT_SECRET in secret or "change-me" in secret.lower():
        return "it is the development key published with the app"
    if any(
        secret == secret[:n] * (len(secret) // n) + secret[: len(secret) % n] for n in range(1, len(secret) // 2 + 1)
    ):
        return "it repeats a shorter pattern"
    steps = sum(abs(ord(a) - ord(b)) <= 1 for a, b in zip(secret, secret[1:], strict=False))
    if steps > len(secret) // 2:
        return "it is mostly runs of neighbouring characters"
    counts = {c: secret.count(c) for c in set(secret)}
    bits = -sum(n * math.log2(n / len(secret)) for n in counts.values())
    if bits < 128:
        return f"it carries about {bits:.0f} bits of randomness, fewer than 128"
    return None


def check_secret(secret: str, *, production: bool) -> None:
    if len(secret) < 32:
        raise SettingsError("SECRET_KEY must be at least 32 characters long")
    weakness = secret_weakness(secret) if production else None
    if weakness:
        raise SettingsError(
            f"SECRET_KEY is refused in production: {weakness}. Use a long random key, e.g. "
            f"SECRET_KEY={secrets.token_urlsafe(32)}"
        )


def check_database_url(url: str) -> str:
    if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
        return url
    if url.startswith(("postgresql://", "postgres://")):
        return url
    raise SettingsError(
        f"DATABASE_URL must look like sqlite:///path/to/file.db or postgresql://user@host:port/db, not {url!r}"
    )


def check_proxy_addresses(value: str) -> str:
    """Proxy addresses or networks, comma separated; "*" would let any client name its own address."""
    import ipaddress

    parts = [p.strip() for p in value.split(",") if p.strip()]
    for part in parts:
        if part == "*":
            raise SettingsError(
                "FORWARDED_ALLOW_IPS must name the proxies' addresses, not '*': with '*' any client can claim any "
                "address and the per-address limits count nothing"
            )
        try:
            ipaddress.ip_network(part, strict=False)
        except ValueError:
            raise SettingsError(
                f"FORWARDED_ALLOW_IPS must be addresses or networks such as 10.0.0.5,10.0.1.0/24, not {part!r}"
            ) from None
    return ",".join(parts)


def check_public_origin(value: str, *, https: bool) -> str:
    """A scheme and a host (and a port), nothing more: what is printed in QR codes and links."""
    example = "such as https://kynangso.example.gov.vn"
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        raise SettingsError(f"PUBLIC_ORIGIN must be an address {example}, not {value!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise SettingsError(f"PUBLIC_ORIGIN must be an address {example}, not {value!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise SettingsError(f"PUBLIC_ORIGIN is the scheme and host only, {example}, without a path: not {value!r}")
    if https and parts.scheme != "https":
        raise SettingsError(f"PUBLIC_ORIGIN must start with https:// when HTTPS=true, not {value!r}")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    default_port = {"http": 80, "https": 443}[parts.scheme]
    # As a browser writes it in the Origin header: lower case, no default port, no slash.
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default_port else "")


def check_allowed_hosts(value: str) -> tuple[str, ...]:
    """Host names or addresses, comma separated, without scheme or port; "*" would let any Host through."""
    import ipaddress
    import re

    names = tuple(p.strip().lower() for p in value.split(",") if p.strip())
    for name in names:
        if "*" in name:
            raise SettingsError(
                "ALLOWED_HOSTS must list the host names, not a wildcard: with '*' any Host header is believed"
            )
        try:
            ipaddress.ip_address(name)
        except ValueError:
            if not re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*", name):
                raise SettingsError(
                    "ALLOWED_HOSTS must be host names without scheme or port, such as "
                    f"kynangso.example.gov.vn,10.0.0.7, not {name!r}"
                ) from None
    return names


def listening_origin(host: str, port: int) -> str:
    """The app's own address on this machine: the public origin in development and tests."""
    host = "127.0.0.1" if host in WILDCARD_ADDRESSES else host
    return f"http://{f'[{host}]' if ':' in host else host}:{port}"


def _public_address(env: Mapping[str, str], environment: str, values: dict[str, object]) -> dict[str, object]:
    """PUBLIC_ORIGIN and ALLOWED_HOSTS. Production must name its public origin (a QR code printed with a guessed
    one sends people nowhere); elsewhere it defaults to the address the app listens on (see from_env)."""
    https = bool(values.get("https", False))
    found: dict[str, object] = {}
    if env.get("PUBLIC_ORIGIN"):
        found["public_origin"] = check_public_origin(env["PUBLIC_ORIGIN"], https=https)
    elif environment == "production":
        raise SettingsError(
            "PUBLIC_ORIGIN is not set. In production the app needs the address people open, for the QR codes and "
            "links it prints, e.g. PUBLIC_ORIGIN=https://kynangso.example.gov.vn"
        )
    if env.get("ALLOWED_HOSTS"):
        found["allowed_hosts"] = check_allowed_hosts(env["ALLOWED_HOSTS"])
    return found


def from_env(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    environment = env.get("APP_ENV", "development")
    if environment not in ("development", "production", "test"):
        raise SettingsError(f"APP_ENV must be development, production or test, not {environment!r}")
    secret = _secret(env, "SECRET_KEY")
    if not secret:
        if environment != "development":
            raise SettingsError(
                "SECRET_KEY is not set. Outside development the app needs a long random secret, e.g. "
                f"SECRET_KEY={secrets.token_urlsafe(32)}"
            )
        secret = DEVELOPMENT_SECRET
    else:
        check_secret(secret, production=environment == "production")
    values: dict[str, object] = {"secret_key": secret, "environment": environment}
    if "DATABASE_URL" in env:
        values["database_url"] = check_database_url(env["DATABASE_URL"])
    if "HOST" in env:
        values["host"] = env["HOST"]
    if "PORT" in env:
        values["port"] = _int("PORT", env["PORT"], 1, 65535)
    if "WORKERS" in env:
        values["workers"] = _int("WORKERS", env["WORKERS"], 1, 64)
    if "HTTPS" in env:
        values["https"] = _bool("HTTPS", env["HTTPS"])
    if "CONTENT_DIR" in env:
        values["content_dir"] = Path(env["CONTENT_DIR"])
    if "RELEASE" in env:
        values["release"] = env["RELEASE"][:40]
    if "TARGETS_DIR" in env:
        values["targets_dir"] = Path(env["TARGETS_DIR"])
    if "MAP_FILE" in env:
        values["map_file"] = Path(env["MAP_FILE"])
    if "PROVINCE" in env:
        if not (env["PROVINCE"].isdigit() and len(env["PROVINCE"]) == 2) and env["PROVINCE"] != "all":
            raise SettingsError(
                "PROVINCE must be a two-digit province code such as 37 (Ninh Bình), or all for the whole country, "
                f"not {env['PROVINCE']!r}"
            )
        values["province"] = env["PROVINCE"]
    if env.get("FORWARDED_ALLOW_IPS"):
        values["forwarded_allow_ips"] = check_proxy_addresses(env["FORWARDED_ALLOW_IPS"])
    if "RATE_LIMIT_PER_MINUTE" in env:
        values["anonymous_rate_per_minute"] = _int("RATE_LIMIT_PER_MINUTE", env["RATE_LIMIT_PER_MINUTE"], 1, 10**6)
    if env.get("REDIS_URL"):
        if not env["REDIS_URL"].startswith(("redis://", "rediss://", "unix://")):
            raise SettingsError(f"REDIS_URL must look like redis://host:6379/0, not {env['REDIS_URL']!r}")
        values["redis_url"] = env["REDIS_URL"]
    for name, key, low, high in (
        ("ARGON2_MEMORY_KIB", "argon2_memory_kib", 8 * 1024, 1024 * 1024),
        ("ARGON2_TIME_COST", "argon2_time_cost", 1, 20),
        ("ARGON2_PARALLELISM", "argon2_parallelism", 1, 16),
        ("SESSION_IDLE_MINUTES", "session_idle_minutes", 1, 24 * 60),
        ("SESSION_ABSOLUTE_HOURS", "session_absolute_hours", 1, 72),
        ("ONE_TIME_PASSWORD_HOURS", "one_time_password_hours", 1, 30 * 24),
        ("SMALL_GROUP_K", "small_group_k", 3, 1000),
        ("RELEASE_GRACE_DAYS", "release_grace_days", 0, 27),
        ("ANSWER_MONTHS", "answer_months", 2, 1200),
        ("ATTEMPTS_PER_HOUR", "attempts_per_client_hour", 1, 100_000),
        ("BURST_CLIENT_PER_HOUR", "burst_client_per_hour", 2, 100_000),
        ("BURST_COMMUNE_FACTOR", "burst_commune_factor", 2, 1000),
        ("BURST_COMMUNE_MINIMUM", "burst_commune_minimum", 1, 100_000),
    ):
        if name in env:
            values[key] = _int(name, env[name], low, high)
    if "RELEASE_EPSILON" in env:
        values["release_epsilon"] = _float("RELEASE_EPSILON", env["RELEASE_EPSILON"], 0.01, 20.0)
    if "SECOND_FACTOR_OFFICIALS" in env:
        values["second_factor_officials"] = _bool("SECOND_FACTOR_OFFICIALS", env["SECOND_FACTOR_OFFICIALS"])
    if "AUTO_RELEASE" in env:
        values["auto_release"] = _bool("AUTO_RELEASE", env["AUTO_RELEASE"])
    if "LOG_LEVEL" in env:
        values["log_level"] = env["LOG_LEVEL"].upper()
    values.update(_public_address(env, environment, values))
    settings = Settings(**values)  # type: ignore[arg-type]
    if "public_origin" not in values:
        settings = replace(settings, public_origin=listening_origin(settings.host, settings.port))
    return settings
