"""Usernames that look alike are one account or none, and a password typed in another Unicode form still matches."""

from __future__ import annotations

import secrets
import unicodedata

import pytest

from .helpers import csrf_token
from .staff import admin_creates, as_admin, change_password, leave, log_in, log_out


def create(client, username: str):  # type: ignore[no-untyped-def]
    data = {"_csrf_token": csrf_token(client, "/admin"), "username": username, "role": "official", "area": ""}
    return client.post("/admin/users", data=data)


@pytest.fixture
def admin_browser(client, personas):  # type: ignore[no-untyped-def]
    as_admin(client, personas)
    return client


def test_look_alike_usernames_are_refused_with_the_reason(admin_browser):
    base = f"thuky{secrets.randbelow(10**6)}"
    assert create(admin_browser, f"{base}1").status_code == 200
    admin_browser.cookies.set("lang", "en")
    for look_alike in (f"{base}¹", f"{base.upper()}1", f"ｔｈｕｋｙ{base[5:]}1"):  # the same name once normalised
        page = create(admin_browser, look_alike)
        assert page.status_code == 400 and "This username is taken." in page.text, look_alike
    cyrillic = f"{base.replace('u', 'у', 1)}1"  # "у" is Cyrillic
    page = create(admin_browser, cyrillic)
    assert page.status_code == 400 and "in Latin letters (Vietnamese letters are fine)" in page.text
    for imitation in (f"{base}l", f"{base.replace('t', 't.', 1)}1", f"{base.replace('u', 'ư', 1)}1"):
        page = create(admin_browser, imitation)
        assert page.status_code == 400 and "looks too much like an existing one" in page.text, imitation
    admin_browser.cookies.set("lang", "vi")
    assert "Tên đăng nhập này trông quá giống một tên đã có" in create(admin_browser, f"{base}l").text
    names = admin_browser.get("/admin").text
    assert f">{base}1<" in names and cyrillic not in names


def test_a_vietnamese_username_is_fine(admin_browser):
    name = f"trần.thị.bình.{secrets.randbelow(10**6)}"
    assert create(admin_browser, unicodedata.normalize("NFD", name)).status_code == 200
    assert f">{name}<" in admin_browser.get("/admin").text  # stored composed


def test_a_password_typed_in_decomposed_form_matches(client, personas):
    as_admin(client, personas)
    name = f"canbo.dau.{secrets.token_hex(3)}"
    one_time = admin_creates(client, name, "official", None)
    leave(client)
    composed = "mật khẩu của tôi rất dài"
    log_in(client, name, one_time)
    # One phone keyboard sends "ậ" as one character, another as "a" with two combining accents.
    assert change_password(client, one_time, unicodedata.normalize("NFD", composed)).status_code == 303
    log_out(client)
    assert log_in(client, name, composed).status_code == 303
    log_out(client)
    assert log_in(client, name, unicodedata.normalize("NFD", composed)).status_code == 303
    assert log_in(client, f"  {name.upper()} ", composed).status_code == 303
