"""Admin-set passwords work once and expire; until changed they open nothing but the change form, the API
included; a person can end all their other sessions; an admin's reset also revokes the account's API tokens."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from server.db import tables

from .helpers import csrf_token
from .staff import admin_creates, as_admin, change_password, leave, log_in, log_out, user_id

TOKEN = re.compile(r"(kns_[A-Za-z0-9_-]+)")


def created(client, personas, role: str = "official", area: str | None = None) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    as_admin(client, personas)
    name = f"mot.lan.{secrets.token_hex(3)}"
    one_time = admin_creates(client, name, role, area)
    leave(client)
    return name, one_time


def test_a_one_time_password_opens_the_account_only_once(client, personas):
    name, one_time = created(client, personas)
    assert log_in(client, name, one_time).headers["location"] == "/account/password"
    leave(client)  # the person walks away without choosing a password
    again = log_in(client, name, one_time)
    assert again.status_code == 400
    assert "Mật khẩu dùng một lần này đã hết hạn hoặc đã được dùng" in again.text


def test_a_one_time_password_expires(client, personas):
    name, one_time = created(client, personas)

    async def three_days_pass() -> None:
        past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        await tables.StaffUser.update({tables.StaffUser.password_expires_at: past}).where(
            tables.StaffUser.username == name
        )

    client.blocking_portal.call(three_days_pass)
    client.cookies.set("lang", "en")
    refused = log_in(client, name, one_time)
    assert refused.status_code == 400 and "has expired or has been used already" in refused.text
    assert "staff" not in client.cookies


def test_the_admin_page_says_how_long_a_one_time_password_lasts(client, personas):
    as_admin(client, personas)
    data = {"_csrf_token": csrf_token(client, "/admin"), "username": f"han.{secrets.token_hex(3)}", "role": "team"}
    page = client.post("/admin/users", data={**data, "area": "13669"})
    assert "trong vòng 72 giờ" in page.text


def test_until_it_is_changed_the_api_is_closed_too(client, personas):
    name, one_time = created(client, personas)
    as_admin(client, personas)
    page = client.post(
        f"/admin/users/{user_id(client, name)}/token", data={"_csrf_token": csrf_token(client, "/admin")}
    )
    token = TOKEN.search(page.text).group(1)
    leave(client)
    assert client.get("/api/v1/dashboard", headers={"Authorization": f"Bearer {token}"}).status_code == 403
    log_in(client, name, one_time)
    assert client.get("/api/v1/dashboard").status_code == 403  # the session of the one-time password
    assert client.get("/dashboard", follow_redirects=False).headers["location"] == "/account/password"
    change_password(client, one_time, "an official now chooses this")
    assert client.get("/api/v1/dashboard").status_code in (200, 404)  # 404 until a month is released
    leave(client)
    assert client.get("/api/v1/dashboard", headers={"Authorization": f"Bearer {token}"}).status_code in (200, 404)


def test_a_reset_revokes_the_accounts_api_tokens(client, personas):
    name, one_time = created(client, personas)
    log_in(client, name, one_time)
    change_password(client, one_time, "an official's own passphrase")
    leave(client)
    as_admin(client, personas)
    target = user_id(client, name)
    page = client.post(f"/admin/users/{target}/token", data={"_csrf_token": csrf_token(client, "/admin")})
    token = TOKEN.search(page.text).group(1)
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/dashboard", headers=bearer).status_code in (200, 404)
    client.post(f"/admin/users/{target}/reset", data={"_csrf_token": csrf_token(client, "/admin")})
    leave(client)
    assert client.get("/api/v1/dashboard", headers=bearer).status_code == 401


def test_a_person_ends_all_their_other_sessions(client, personas):
    team = personas["team_a"]
    log_in(client, team.username, team.password)
    tablet = client.cookies.get("staff")  # left logged in at the commune hall
    leave(client)
    log_in(client, team.username, team.password)
    assert "Đăng xuất ở mọi nơi khác" in client.get("/account").text
    ended = client.post("/account/sessions/end", data={"_csrf_token": csrf_token(client, "/account")})
    assert "Mọi phiên đăng nhập khác của tài khoản đã kết thúc" in ended.text
    assert client.get("/team").status_code == 200  # this phone goes on
    phone = client.cookies.get("staff")
    client.cookies.clear()
    client.cookies.set("staff", tablet)
    assert client.get("/team", follow_redirects=False).headers["location"] == "/login"
    client.cookies.set("staff", phone)
    log_out(client)
