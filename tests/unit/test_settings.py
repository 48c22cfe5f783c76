"""Settings are parsed strictly: a typo is an error that names the variable, never a silent default."""

from __future__ import annotations

import pytest

from server.settings import DEVELOPMENT_SECRET, SettingsError, from_env

GOOD_SECRET = "s" * 40


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


def test_the_secret_can_come_from_a_file(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text(GOOD_SECRET + "\n")
    assert from_env({"SECRET_KEY_FILE": str(secret_file), "APP_ENV": "production"}).secret_key == GOOD_SECRET


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
