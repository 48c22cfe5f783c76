"""A second factor for officials and admins: enrolment with a QR code, login with and without the code, codes
that work once, recovery codes, throttling; team members stay on passwords."""

from __future__ import annotations

import dataclasses
import re
import secrets
import time
from collections.abc import Iterator

import pyotp
import pytest
from litestar.testing import TestClient

from server.app import create_app

from ..conftest import cli
from .helpers import csrf_token
from .staff import RECOVERY_CODE, SECRET, log_out

PASSWORD = "a long passphrase for the second factor"


@pytest.fixture(scope="module")
def strict_app(settings, bank):  # type: ignore[no-untyped-def]
    """The app as deployed by default: officials need a second factor too."""
    return create_app(dataclasses.replace(settings, second_factor_officials=True), bank=bank)


@pytest.fixture
def browser(strict_app) -> Iterator[TestClient]:
    with TestClient(app=strict_app, base_url="http://testserver.local") as client:
        yield client


def new_account(database_url: str, role: str = "official") -> str:
    name = f"{role}.{secrets.token_hex(4)}"
    area = ["--area", "13669"] if role == "team" else []
    result = cli(database_url, "create-user", "--role", role, "--username", name, *area, stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    return name


def password_step(client: TestClient, name: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    data = {"_csrf_token": csrf_token(client, "/login"), "username": name, "password": password}
    return client.post("/login", data=data, follow_redirects=False)


def code_step(client: TestClient, code: str):  # type: ignore[no-untyped-def]
    data = {"_csrf_token": csrf_token(client, "/login/code"), "code": code}
    return client.post("/login/code", data=data, follow_redirects=False)


def at(secret: str, offset: int = 0) -> str:
    """The code an authenticator app shows `offset` steps from now."""
    return pyotp.TOTP(secret).generate_otp(int(time.time() // 30) + offset)


def enrolled(client: TestClient, name: str) -> tuple[str, list[str]]:
    """Logs in and sets up the app with the code of the previous step (so later steps stay unused)."""
    assert password_step(client, name).headers["location"] == "/account/second-factor"
    page = client.get("/account/second-factor").text
    secret = SECRET.search(page).group(1).replace(" ", "")
    data = {"_csrf_token": csrf_token(client, "/account/second-factor"), "code": at(secret, -1)}
    shown = client.post("/account/second-factor", data=data)
    assert shown.status_code == 200
    return secret, RECOVERY_CODE.findall(shown.text)


def test_an_official_must_set_up_the_app_before_seeing_anything(browser, database_url):
    name = new_account(database_url)
    assert password_step(browser, name).headers["location"] == "/account/second-factor"
    # Until it is set up, the dashboard, exports and the API are closed; the account's own pages are open.
    assert browser.get("/dashboard", follow_redirects=False).headers["location"] == "/account/second-factor"
    assert browser.get("/api/v1/dashboard").status_code == 403
    assert browser.get("/account/password").status_code == 200
    page = browser.get("/account/second-factor")
    assert "Quét mã QR" in page.text or "quét mã QR" in page.text
    qr = re.search(r'<img class="qr" src="(data:image/svg\+xml[^"]+)"', page.text)
    assert qr, "the QR code is an inline SVG image the CSP allows"
    secret = SECRET.search(page.text).group(1).replace(" ", "")
    assert len(secret) == 32
    token = csrf_token(browser, "/account/second-factor")
    wrong = browser.post("/account/second-factor", data={"_csrf_token": token, "code": "000000"})
    assert wrong.status_code == 400 and "Mã này không đúng" in wrong.text
    # The page shown after a mistake offers the same key: the app the person just set up stays right.
    assert SECRET.search(wrong.text).group(1).replace(" ", "") == secret
    right = browser.post("/account/second-factor", data={"_csrf_token": token, "code": at(secret)})
    codes = RECOVERY_CODE.findall(right.text)
    assert right.status_code == 200 and len(set(codes)) == 10
    assert "không hiện lại" in right.text
    assert browser.get("/dashboard").status_code == 200


def test_the_login_asks_for_the_code_and_a_code_works_once(browser, database_url):
    name = new_account(database_url)
    secret, _ = enrolled(browser, name)
    log_out(browser)
    assert password_step(browser, name).headers["location"] == "/login/code"
    # The password alone opens nothing.
    assert browser.get("/dashboard", follow_redirects=False).headers["location"] == "/login"
    wrong = code_step(browser, "123456" if at(secret) != "123456" else "654321")
    assert wrong.status_code == 400 and "Mã này không đúng" in wrong.text
    code = at(secret)
    assert code_step(browser, f" {code[:3]} {code[3:]} ").headers["location"] == "/dashboard"
    assert browser.get("/dashboard").status_code == 200
    log_out(browser)
    # Someone who saw the code over the person's shoulder cannot use it again, even within its 30 seconds.
    password_step(browser, name)
    assert code_step(browser, code).status_code == 400
    assert code_step(browser, at(secret, 1)).headers["location"] == "/dashboard"


def test_the_code_step_cannot_be_reached_without_the_password(browser):
    assert browser.get("/login/code", follow_redirects=False).headers["location"] == "/login"
    token = csrf_token(browser, "/login")
    response = browser.post("/login/code", data={"_csrf_token": token, "code": "123456"}, follow_redirects=False)
    assert response.headers["location"] == "/login"


def test_a_recovery_code_logs_in_once(browser, database_url):
    name = new_account(database_url)
    _, codes = enrolled(browser, name)
    log_out(browser)
    password_step(browser, name)
    assert code_step(browser, codes[3].upper()).headers["location"] == "/dashboard"
    browser.cookies.set("lang", "en")
    assert "You have 9 unused recovery codes." in browser.get("/account/second-factor").text
    log_out(browser)
    password_step(browser, name)
    assert code_step(browser, codes[3]).status_code == 400


def test_wrong_codes_are_throttled_like_passwords(browser, database_url):
    name = new_account(database_url)
    secret, _ = enrolled(browser, name)
    log_out(browser)
    password_step(browser, name)
    statuses = [code_step(browser, f"{n:06d}").status_code for n in range(6) if f"{n:06d}" != at(secret)]
    assert statuses[:5] == [400] * 5 and statuses[5] == 429
    throttled = code_step(browser, at(secret, 1))  # even the right code waits now
    assert throttled.status_code == 429 and "Vui lòng chờ" in throttled.text


def test_an_admin_removes_the_second_factor_of_a_lost_phone(browser, database_url):
    name = new_account(database_url)
    enrolled(browser, name)
    log_out(browser)
    admin = new_account(database_url, "admin")
    admin_secret, _ = enrolled(browser, admin)
    page = browser.get("/admin").text
    row = page[page.index(f'<th scope="row">{name}</th>') :]
    target = re.search(r"/admin/users/(\d+)/remove-second-factor", row).group(1)
    token = csrf_token(browser, "/admin")
    assert browser.post(f"/admin/users/{target}/remove-second-factor", data={"_csrf_token": token}).status_code == 200
    log_out(browser)
    assert password_step(browser, name).headers["location"] == "/account/second-factor"  # set up again


def test_team_members_stay_on_passwords(browser, database_url):
    name = new_account(database_url, "team")
    assert password_step(browser, name).headers["location"] == "/team"
    assert browser.get("/team").status_code == 200


def test_with_the_setting_off_officials_log_in_with_a_password(client, database_url):
    name = new_account(database_url)
    assert password_step(client, name).headers["location"] == "/dashboard"
    admin = new_account(database_url, "admin")
    log_out(client)
    assert password_step(client, admin).headers["location"] == "/account/second-factor"  # admins always
    assert client.get("/admin", follow_redirects=False).headers["location"] == "/account/second-factor"
