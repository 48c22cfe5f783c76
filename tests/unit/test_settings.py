"""Settings are parsed strictly: a typo is an error that names the variable, never a silent default."""

from __future__ import annotations

import pytest

from server.settings import DEVELOPMENT_SECRET, SettingsError, from_env

GOOD_SECRET = "q8Zr2Lw-Xn5vKd7TfYb0Hs3Jm9Gc1Pa4Ue6Ri_Oy"  # random: 40 characters, no pattern
PUBLIC = {"PUBLIC_ORIGIN": "https://kynangso.example.gov.vn"}  # production needs it (test_public_origin.py)


def test_development_runs_without_configuration():
    settings = from_env({})
    assert settings.environment == "development"
    assert settings.database_url.startswith("sqlite:///")
    assert settings.secret_key == DEVELOPMENT_SECRET


@pytest.mark.parametrize("environment", ["production", "test"])
def test_a_missing_secret_key_outside_development_stops_the_app(environment):
    with pytest.raises(SettingsError, match="SECRET_KEY is not set"):
        from_env({"APP_ENV": environment})


def test_a_short_secret_key_is_refused():
    with pytest.raises(SettingsError, match="at least 32"):
        from_env({"SECRET_KEY": "short"})


@pytest.mark.parametrize(
    ("secret", "why"),
    [
        (DEVELOPMENT_SECRET, "development key published"),
        ("s" * 40, "repeats a shorter pattern"),
        ("0123456789" * 4, "repeats a shorter pattern"),
        ("abcdefghijklmnopqrstuvwxyz0123456789ABCDEF", "runs of neighbouring characters"),
        ("cgaeqgcagacqecgagcaegacgecaqgcgeacgqcag", "fewer than 128"),
    ],
)
def test_production_refuses_a_guessable_secret_key_and_says_why(secret, why):
    with pytest.raises(SettingsError, match=f"SECRET_KEY is refused in production: .*{why}.*SECRET_KEY="):
        from_env({"APP_ENV": "production", "SECRET_KEY": secret})
    assert from_env({"APP_ENV": "test", "SECRET_KEY": secret}).secret_key == secret  # tests may use any


def test_production_accepts_a_random_key_or_a_long_phrase():
    import secrets

    for secret in (secrets.token_urlsafe(32), secrets.token_hex(32), "my cat sleeps on the warm rice cooker lid"):
        assert from_env({"APP_ENV": "production", "SECRET_KEY": secret, **PUBLIC}).secret_key == secret


def test_a_guessable_key_stops_the_server_before_it_starts(tmp_path):
    import subprocess
    import sys

    from server.settings import ROOT

    env = {"APP_ENV": "production", "SECRET_KEY": "x" * 48, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"}
    result = subprocess.run(
        [sys.executable, "-m", "server", "serve"],
        env={"PATH": "/usr/bin:/bin", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "configuration error: SECRET_KEY is refused in production: it repeats a shorter pattern" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_secret_can_come_from_a_file(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text(GOOD_SECRET + "\n")
    assert from_env({"SECRET_KEY_FILE": str(secret_file), "APP_ENV": "production", **PUBLIC}).secret_key == GOOD_SECRET


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"HTTPS": "ture"}, "HTTPS must be true or false"),
        ({"PORT": "eighty"}, "PORT must be a whole number"),
        ({"PORT": "70000"}, "PORT must be between"),
        ({"WORKERS": "0"}, "WORKERS must be between"),
        ({"APP_ENV": "prod"}, "APP_ENV must be"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL must look like"),
        ({"DATABASE_URL": "sqlite:///"}, "DATABASE_URL must look like"),
        ({"PROVINCE": "Ninh Bình"}, "PROVINCE must be a two-digit province code such as 37"),
        ({"FORWARDED_ALLOW_IPS": "*"}, "FORWARDED_ALLOW_IPS must name the proxies' addresses, not '\\*'"),
        ({"FORWARDED_ALLOW_IPS": "10.0.0.5,proxy.local"}, "not 'proxy.local'"),
    ],
)
def test_malformed_settings_are_named(env, message):
    with pytest.raises(SettingsError, match=message):
        from_env(env)


@pytest.mark.parametrize("url", ["sqlite:///var/x.db", "postgresql://kns@127.0.0.1:5432/kns", "postgres://kns@db/kns"])
def test_both_database_kinds_are_accepted(url):
    assert from_env({"DATABASE_URL": url}).database_url == url


def test_https_switches_cookies_to_secure_host_prefixed_names():
    assert from_env({"HTTPS": "true"}).https is True
