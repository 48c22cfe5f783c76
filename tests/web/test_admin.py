"""Admin pages: create, reset, disable, re-enable, end sessions; the command line for the first admin."""

from __future__ import annotations

import secrets

from .helpers import csrf_token
from .staff import admin_creates, as_admin, change_password, create_first_admin, leave, log_in, log_out, user_id


def test_a_new_account_gets_a_one_time_password_that_must_be_changed(client, personas):
    as_admin(client, personas)
    name = f"moi.{secrets.token_hex(3)}"
    one_time = admin_creates(client, name, "official", "")
    leave(client)
    response = log_in(client, name, one_time)
    assert response.headers["location"] == "/account/password"
    # Until the password is changed, every staff page leads back to the change form.
    assert client.get("/dashboard", follow_redirects=False).headers["location"] == "/account/password"
    assert change_password(client, one_time, "an official's new passphrase").headers["location"] == "/dashboard"
    assert client.get("/dashboard").status_code == 200
    log_out(client)
    assert log_in(client, name, one_time).status_code == 400  # the one-time password is gone


def test_a_reset_ends_the_users_sessions_and_issues_a_new_one_time_password(client, personas):
    as_admin(client, personas)
    name = f"quen.{secrets.token_hex(3)}"
    first = admin_creates(client, name, "team", "13669")
    leave(client)
    log_in(client, name, first)
    change_password(client, first, "my own passphrase here")
    their_session = client.cookies.get("staff")
    log_out(client)
    as_admin(client, personas)
    page = client.post(
        f"/admin/users/{user_id(client, name)}/reset", data={"_csrf_token": csrf_token(client, "/admin")}
    )
    assert "Mật khẩu dùng một lần" in page.text
    leave(client)
    client.cookies.set("staff", their_session)
    assert client.get("/team", follow_redirects=False).headers["location"] == "/login"


def test_end_sessions_logs_a_user_out_everywhere(client, personas):
    as_admin(client, personas)
    name = f"may.mat.{secrets.token_hex(3)}"
    one_time = admin_creates(client, name, "team", "13669")
    leave(client)
    log_in(client, name, one_time)
    change_password(client, one_time, "passphrase of a lost phone")
    lost_phone = client.cookies.get("staff")
    log_out(client)
    as_admin(client, personas)
    client.post(
        f"/admin/users/{user_id(client, name)}/end-sessions", data={"_csrf_token": csrf_token(client, "/admin")}
    )
    leave(client)
    client.cookies.set("staff", lost_phone)
    assert client.get("/team", follow_redirects=False).status_code == 303
    client.cookies.clear()
    assert log_in(client, name, "passphrase of a lost phone").status_code == 303  # the password still works


def test_disable_then_re_enable(client, personas):
    as_admin(client, personas)
    name = f"tam.nghi.{secrets.token_hex(3)}"
    one_time = admin_creates(client, name, "team", "13684")
    target = user_id(client, name)
    token = csrf_token(client, "/admin")
    client.post(f"/admin/users/{target}/disable", data={"_csrf_token": token})
    assert "Đã khóa" in client.get("/admin").text.split(name)[1][:300]
    leave(client)
    assert log_in(client, name, one_time).status_code == 400
    as_admin(client, personas)
    client.post(f"/admin/users/{target}/enable", data={"_csrf_token": csrf_token(client, "/admin")})
    leave(client)
    assert log_in(client, name, one_time).headers["location"] == "/account/password"


def test_an_admin_cannot_disable_themselves(client, personas):
    as_admin(client, personas)
    me = user_id(client, personas["admin"].username)
    response = client.post(f"/admin/users/{me}/disable", data={"_csrf_token": csrf_token(client, "/admin")})
    assert response.status_code == 400
    assert client.get("/admin").status_code == 200


def test_bad_account_forms_are_refused_with_reasons(client, personas):
    as_admin(client, personas)
    token = csrf_token(client, "/admin")
    cases = [
        ({"username": "x", "role": "team", "area": "13669"}, "3 đến 40"),
        ({"username": personas["team_a"].username, "role": "team", "area": "13669"}, "đã có người dùng"),
        ({"username": "ok.name", "role": "king", "area": ""}, "Chọn vai trò và địa bàn"),
        ({"username": "ok.name", "role": "official", "area": "99999"}, "Chọn vai trò và địa bàn"),
        ({"username": "ok.name", "role": "team", "area": ""}, "thuộc một xã/phường"),
    ]
    for data, message in cases:
        response = client.post("/admin/users", data={"_csrf_token": token, **data})
        assert response.status_code == 400
        assert message in response.text


def test_an_unknown_user_id_is_a_404(client, personas):
    as_admin(client, personas)
    response = client.post("/admin/users/999999/reset", data={"_csrf_token": csrf_token(client, "/admin")})
    assert response.status_code == 404


def test_create_user_refuses_a_weak_password_from_stdin(database_url):
    import pytest

    with pytest.raises(AssertionError, match="common passwords"):
        create_first_admin(database_url, "yeu.mk", "password1")
    with pytest.raises(AssertionError, match="at least 8"):
        create_first_admin(database_url, "yeu.mk", "short")
