"""PUBLIC_ORIGIN and ALLOWED_HOSTS: the address printed in QR codes and links, and the Host names answered."""

from __future__ import annotations

import pytest

from server.settings import Settings, SettingsError, from_env

PRODUCTION = {"APP_ENV": "production", "SECRET_KEY": "q8Zr2Lw-Xn5vKd7TfYb0Hs3Jm9Gc1Pa4Ue6Ri_Oy"}


def test_production_refuses_to_start_without_its_public_origin():
    with pytest.raises(SettingsError, match="PUBLIC_ORIGIN is not set.*PUBLIC_ORIGIN=https://"):
        from_env(PRODUCTION)


def test_production_answers_its_public_host_only():
    settings = from_env({**PRODUCTION, "PUBLIC_ORIGIN": "https://kynangso.example.gov.vn"})
    assert settings.public_origin == "https://kynangso.example.gov.vn"
    assert settings.host_names == {"kynangso.example.gov.vn"}


def test_allowed_hosts_add_names_to_the_public_one():
    env = {**PRODUCTION, "PUBLIC_ORIGIN": "https://kynangso.example.gov.vn", "ALLOWED_HOSTS": " WWW.Kns.vn,10.0.0.7"}
    assert from_env(env).host_names == {"kynangso.example.gov.vn", "www.kns.vn", "10.0.0.7"}


@pytest.mark.parametrize(
    ("given", "written"),
    [
        ("https://KyNangSo.Example.gov.vn/", "https://kynangso.example.gov.vn"),
        ("https://kynangso.example.gov.vn:443", "https://kynangso.example.gov.vn"),
        ("http://10.0.0.7:8080", "http://10.0.0.7:8080"),
        ("http://[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_the_public_origin_is_written_as_a_browser_sends_it_in_origin(given, written):
    assert from_env({"PUBLIC_ORIGIN": given}).public_origin == written


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PUBLIC_ORIGIN": "kynangso.example.gov.vn"}, "PUBLIC_ORIGIN must be an address such as https://"),
        ({"PUBLIC_ORIGIN": "ftp://kynangso.example.gov.vn"}, "PUBLIC_ORIGIN must be an address"),
        ({"PUBLIC_ORIGIN": "https://kynangso.example.gov.vn:99999"}, "PUBLIC_ORIGIN must be an address"),
        ({"PUBLIC_ORIGIN": "https://kynangso.example.gov.vn/app"}, "without a path"),
        ({"PUBLIC_ORIGIN": "https://kynangso.example.gov.vn/?x=1"}, "without a path"),
        ({"PUBLIC_ORIGIN": "http://kynangso.example.gov.vn", "HTTPS": "true"}, "https:// when HTTPS=true"),
        ({"ALLOWED_HOSTS": "*"}, "not a wildcard"),
        ({"ALLOWED_HOSTS": "*.example.gov.vn"}, "not a wildcard"),
        ({"ALLOWED_HOSTS": "kynangso.example.gov.vn:443"}, "without scheme or port"),
        ({"ALLOWED_HOSTS": "https://kynangso.example.gov.vn"}, "without scheme or port"),
    ],
)
def test_a_malformed_address_is_refused_with_its_name(env, message):
    with pytest.raises(SettingsError, match=message):
        from_env(env)


def test_development_links_to_the_address_it_listens_on():
    assert from_env({}).public_origin == "http://127.0.0.1:8000"
    assert from_env({"HOST": "192.168.1.20", "PORT": "9000"}).public_origin == "http://192.168.1.20:9000"
    # Listening everywhere is no address to link to: the machine's own is.
    assert from_env({"HOST": "0.0.0.0"}).public_origin == "http://127.0.0.1:8000"  # noqa: S104


def test_outside_production_loopback_and_test_client_names_are_answered():
    names = Settings(environment="test").host_names
    assert {"127.0.0.1", "localhost", "::1", "testserver", "testserver.local"} <= names
    assert "192.168.1.20" in from_env({"HOST": "192.168.1.20"}).host_names
