"""Staff personas for HTTP tests, created the way an operator and an admin really create them: the first admin
through the command line, everyone else through the admin pages, each then choosing their own password."""

from __future__ import annotations

import re
from dataclasses import dataclass

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


def log_in(client: TestClient, username: str, password: str, **kwargs):  # type: ignore[no-untyped-def]
    data = {"_csrf_token": csrf_token(client, "/login"), "username": username, "password": password}
    return client.post("/login", data=data, follow_redirects=False, **kwargs)


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
