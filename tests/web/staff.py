"""Staff personas for HTTP tests, created the way an operator and an admin really create them: the first admin
through the command line, everyone else through the admin pages, each then choosing their own password."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import pyotp
from litestar.testing import TestClient

from ..conftest import cli
from .helpers import csrf_token

COMMUNE_A, COMMUNE_B = "13669", "13684"
ONE_TIME = re.compile(r'<p class="code one-time">([a-z0-9-]+)</p>')


@dataclass(frozen=True)
class Persona:
    username: str
    password: str
    role: str
    area: str | None
    session: str | None = None  # a session cookie from before the account was disabled


def create_first_admin(database_url: str, username: str, password: str) -> None:
    result = cli(database_url, "create-user", "--role", "admin", "--username", username, stdin=password + "\n")
    assert result.returncode == 0, result.stderr


class Authenticator:
    """The authenticator apps of the staff in these tests: each account's TOTP secret, read off the enrolment
    page as a person would type it into their app. A code is accepted once (RFC 6238), and the server takes the
    steps one either side of now, so `code` hands out the next unused step; when none is left it types one of
    the recovery codes, as a person would, rather than wait for the clock (see `as_admin`, which spares them)."""

    def __init__(self) -> None:
        self.secrets: dict[str, str] = {}
        self.last_step: dict[str, int] = {}
        self.recovery: dict[str, list[str]] = {}

    def code(self, username: str) -> str:
        now = int(time.time() // 30)
        step = max(self.last_step.get(username, now - 2) + 1, now - 1)
        if step > now + 1:
            if not self.recovery.get(username):
                raise RuntimeError(f"no unused code left for {username}: reuse its session")
            return self.recovery[username].pop()
        self.last_step[username] = step
        return pyotp.TOTP(self.secrets[username]).generate_otp(step)

    def enrol(self, client: TestClient, username: str) -> list[str]:
        """Sets up the second factor on the enrolment page; returns the recovery codes shown."""
        account = self.account(client, username)
        page = client.get("/account/second-factor").text
        self.secrets[account] = SECRET.search(page).group(1).replace(" ", "")
        self.last_step.pop(account, None)
        data = {"_csrf_token": csrf_token(client, "/account/second-factor"), "code": self.code(account)}
        shown = client.post("/account/second-factor", data=data)
        assert shown.status_code == 200, shown.text
        codes = RECOVERY_CODE.findall(shown.text)
        self.recovery[account] = list(codes)
        return codes

    @staticmethod
    def account(client: TestClient, username: str) -> str:
        """Accounts are per database: tests that build a fresh one create their own "quantri"."""
        return f"{client.app.state.site.settings.database_url}|{username.strip().lower()}"


authenticator = Authenticator()
SECRET = re.compile(r'<code class="code" id="secret">([A-Z2-7 ]+)</code>')
RECOVERY_CODE = re.compile(r'<li><code class="code">([a-z0-9-]{14})</code></li>')


def log_in(client: TestClient, username: str, password: str, **kwargs):  # type: ignore[no-untyped-def]
    """The login form, then the code from the person's app when the account has a second factor."""
    data = {"_csrf_token": csrf_token(client, "/login"), "username": username, "password": password}
    response = client.post("/login", data=data, follow_redirects=False, **kwargs)
    account = authenticator.account(client, username)
    asked = response.status_code == 303 and response.headers["location"] == "/login/code"
    if asked and account in authenticator.secrets:
        code = {"_csrf_token": csrf_token(client, "/login/code"), "code": authenticator.code(account)}
        response = client.post("/login/code", data=code, follow_redirects=False)
    return response


_admin_sessions: dict[str, str] = {}


def as_admin(client: TestClient, personas) -> None:  # type: ignore[no-untyped-def]
    """The admin persona's browser: one session for the whole run (each new login costs a one-time code)."""
    admin = personas["admin"]
    client.cookies.clear()
    if admin.username in _admin_sessions:
        client.cookies.set("staff", _admin_sessions[admin.username])
        if client.get("/account", follow_redirects=False).status_code == 200:
            return
        client.cookies.clear()
    response = log_in(client, admin.username, admin.password)
    assert response.status_code == 303 and response.headers["location"] == "/admin", response.text
    _admin_sessions[admin.username] = client.cookies.get("staff")


def leave(client: TestClient) -> None:
    """Walks away from the browser without logging out: the session stays alive on the server."""
    client.cookies.clear()


def log_out(client: TestClient) -> None:
    client.post("/logout", data={"_csrf_token": csrf_token(client, "/login")})
    client.cookies.clear()


def change_password(client: TestClient, current: str, new: str):  # type: ignore[no-untyped-def]
    data = {"_csrf_token": csrf_token(client, "/account/password"), "current": current, "new": new, "again": new}
    return client.post("/account/password", data=data, follow_redirects=False)


def admin_creates(client: TestClient, username: str, role: str, area: str | None) -> str:
    data = {"_csrf_token": csrf_token(client, "/admin"), "username": username, "role": role, "area": area or ""}
    page = client.post("/admin/users", data=data)
    assert page.status_code == 200, page.text
    return ONE_TIME.search(page.text).group(1)


def user_id(client: TestClient, username: str) -> int:
    """The admin page's action URLs carry the id of each user's row."""
    page = client.get("/admin").text
    row = page[page.index(f'<th scope="row">{username}</th>') :]
    return int(re.search(r"/admin/users/(\d+)/", row).group(1))
