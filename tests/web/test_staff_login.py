"""Staff login: one generic error, rotation of the session id, sessions that end when they must."""

from __future__ import annotations

from .helpers import csrf_token
from .staff import change_password, log_in, log_out


def test_a_team_member_logs_in_and_lands_on_their_page(client, personas):
    team = personas["team_a"]
    response = log_in(client, team.username, team.password)
    assert response.status_code == 303
    assert response.headers["location"] == "/team"
    page = client.get("/team")
    assert page.status_code == 200
    assert "Phiên hướng dẫn" in page.text
    assert page.headers["cache-control"] == "no-store"


def test_usernames_are_not_case_sensitive(client, personas):
    team = personas["team_a"]
    assert log_in(client, team.username.upper(), team.password).headers["location"] == "/team"


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(client, personas):
    wrong_password = log_in(client, personas["team_a"].username, "not the password at all")
    unknown_user = log_in(client, "nobody.here", "not the password at all")
    assert wrong_password.status_code == unknown_user.status_code == 400
    message = "Tên đăng nhập hoặc mật khẩu không đúng."
    assert message in wrong_password.text and message in unknown_user.text


def test_a_disabled_account_cannot_log_in_and_its_sessions_are_dead(client, personas):
    disabled = personas["disabled"]
    response = log_in(client, disabled.username, disabled.password)
    assert response.status_code == 400
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.text  # no hint that the account exists
    client.cookies.set("staff", disabled.session)
    assert client.get("/team", follow_redirects=False).headers["location"] == "/login"


def test_login_mints_a_new_session_id_and_a_planted_one_is_never_used(client, personas):
    planted = "planted-by-an-attacker-0123456789abcdef"
    client.cookies.set("staff", planted)
    team = personas["team_a"]
    response = log_in(client, team.username, team.password)
    session_cookie = response.cookies.get("staff")
    assert session_cookie and session_cookie != planted and len(session_cookie) >= 43
    # The attacker who planted the id is still logged out.
    client.cookies.clear()
    client.cookies.set("staff", planted)
    assert client.get("/team", follow_redirects=False).headers["location"] == "/login"


def test_a_session_id_from_before_login_dies_at_login(client, personas):
    team = personas["team_a"]
    first = log_in(client, team.username, team.password).cookies.get("staff")
    second = log_in(client, team.username, team.password).cookies.get("staff")
    assert first != second
    client.cookies.clear()
    client.cookies.set("staff", first)
    assert client.get("/team", follow_redirects=False).status_code == 303


def test_logout_ends_the_session_at_once(client, personas):
    team = personas["team_a"]
    session = log_in(client, team.username, team.password).cookies.get("staff")
    log_out(client)
    client.cookies.set("staff", session)
    assert client.get("/team", follow_redirects=False).headers["location"] == "/login"


def test_the_session_cookie_is_httponly_and_samesite(client, personas):
    team = personas["team_a"]
    header = log_in(client, team.username, team.password).headers.get_list("set-cookie")
    staff = next(h for h in header if h.startswith("staff=")).lower()
    assert "httponly" in staff and "samesite=lax" in staff and "path=/" in staff


def test_changing_the_password_ends_other_sessions(app, client, personas):
    """Two devices of one team member; a password change on one logs the other out."""
    team = personas["team_b"]
    other_device = log_in(client, team.username, team.password).cookies.get("staff")
    client.cookies.clear()
    log_in(client, team.username, team.password)
    assert change_password(client, team.password, team.password + " v2").status_code == 303
    assert client.get("/team").status_code == 200  # this device goes on, with a fresh id
    client.cookies.clear()
    client.cookies.set("staff", other_device)
    assert client.get("/team", follow_redirects=False).headers["location"] == "/login"
    client.cookies.clear()
    log_in(client, team.username, team.password + " v2")
    assert change_password(client, team.password + " v2", team.password).status_code == 303


def test_a_weak_new_password_is_refused_with_the_reason(client, personas):
    team = personas["team_a"]
    log_in(client, team.username, team.password)
    for weak, reason in (
        ("short", "quá ngắn"),
        ("password123", "quá phổ biến"),
        ("iloveyou", "quá phổ biến"),
        (f"{team.username}2026", "không được chứa tên đăng nhập"),
    ):
        response = change_password(client, team.password, weak)
        assert response.status_code == 400
        assert reason in response.text
    assert log_in(client, team.username, team.password).status_code == 303


def test_the_keepalive_answers_only_a_live_session(client, personas):
    team = personas["team_a"]
    log_in(client, team.username, team.password)
    token = csrf_token(client, "/team")
    assert client.post("/staff/keepalive", headers={"x-csrftoken": token}).status_code == 204
    log_out(client)
    token = csrf_token(client, "/login")
    assert client.post("/staff/keepalive", headers={"x-csrftoken": token}).status_code == 401


def test_over_https_staff_cookies_are_secure_and_host_prefixed(settings, bank, personas):
    from dataclasses import replace

    from litestar.testing import TestClient

    from server.app import create_app

    https_app = create_app(replace(settings, https=True), bank=bank)
    with TestClient(app=https_app, base_url="https://testserver.local") as c:
        page = c.get("/login")
        assert "strict-transport-security" in page.headers
        token = page.text.split('name="_csrf_token" value="')[1].split('"')[0]
        team = personas["team_a"]
        response = c.post(
            "/login",
            data={"_csrf_token": token, "username": team.username, "password": team.password},
            follow_redirects=False,
        )
        staff = next(h for h in response.headers.get_list("set-cookie") if h.startswith("__Host-staff="))
        assert "secure" in staff.lower() and "path=/" in staff.lower() and "domain" not in staff.lower()


def test_logins_are_logged_without_secrets(client, personas, caplog):
    import logging

    team = personas["team_a"]
    with caplog.at_level(logging.INFO, logger="kynangso.auth"):
        log_in(client, team.username, "a wrong password typed")
        response = log_in(client, team.username, team.password)
    text = caplog.text
    assert "login failed user=to.cns.a" in text and "login ok user=to.cns.a" in text
    assert "a wrong password typed" not in text and team.password not in text
    assert response.cookies.get("staff") not in text
