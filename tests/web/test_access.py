"""Every route against every persona, with the status each must get (OWASP ASVS 8.2: guards on every staff route,
tested per role)."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from .helpers import csrf_token, finish, start
from .staff import as_admin, log_in, user_id

PERSONAS = ["anonymous", "citizen", "team_a", "team_b", "official_province", "official_a", "admin", "disabled"]
LOGIN = "login"  # a 303 to the login page
OK = 200
NO = 403

# (method, path) -> expected status for each persona, in the order of PERSONAS.
STAFF_ROUTES = {
    ("GET", "/team"): [LOGIN, LOGIN, OK, OK, NO, NO, NO, LOGIN],
    ("GET", "/team/guided"): [LOGIN, LOGIN, OK, OK, NO, NO, NO, LOGIN],
    ("POST", "/team/guided/next"): [401, 401, 303, 303, NO, NO, NO, 401],
    ("GET", "/dashboard"): [LOGIN, LOGIN, NO, NO, OK, OK, NO, LOGIN],
    ("GET", "/dashboard/areas"): [LOGIN, LOGIN, NO, NO, OK, NO, NO, LOGIN],  # a commune official: their commune only
    ("GET", "/admin"): [LOGIN, LOGIN, NO, NO, NO, NO, OK, LOGIN],
    ("POST", "/admin/users/{target}/end-sessions"): [401, 401, NO, NO, NO, NO, 303, 401],
    ("POST", "/admin/users/{target}/reset"): [401, 401, NO, NO, NO, NO, OK, 401],
    ("POST", "/admin/users/{target}/disable"): [401, 401, NO, NO, NO, NO, 303, 401],
    ("POST", "/admin/users/{target}/enable"): [401, 401, NO, NO, NO, NO, 303, 401],
    ("GET", "/account/password"): [LOGIN, LOGIN, OK, OK, OK, OK, OK, LOGIN],
    ("POST", "/staff/keepalive"): [401, 401, 204, 204, 204, 204, 204, 401],
}
PUBLIC_ROUTES = {
    ("GET", "/"): [OK] * 8,
    ("GET", "/start"): [OK] * 8,
    ("GET", "/lessons"): [OK] * 8,
    ("GET", "/code"): [OK] * 8,
    ("GET", "/login"): [OK, OK, 303, 303, 303, 303, 303, OK],  # staff already logged in go to their page
    ("GET", "/healthz"): [OK] * 8,
    ("GET", "/quiz"): [404, 303, 404, 404, 404, 404, 404, 404],
    ("GET", "/results"): [404, OK, 404, 404, 404, 404, 404, 404],
    ("GET", "/results/card"): [404, OK, 404, 404, 404, 404, 404, 404],
}
CASES = [
    (method, path, persona, expected[i])
    for table in (STAFF_ROUTES, PUBLIC_ROUTES)
    for (method, path), expected in table.items()
    for i, persona in enumerate(PERSONAS)
]


@pytest.fixture(scope="module")
def target(app, personas):  # type: ignore[no-untyped-def]
    """A throwaway team account the admin actions act on."""
    from .staff import admin_creates

    with TestClient(app=app) as c:
        as_admin(c, personas)
        admin_creates(c, "muc.tieu", "team", "13669")
        return user_id(c, "muc.tieu")


def become(client: TestClient, persona: str, personas, bank) -> None:  # type: ignore[no-untyped-def]
    if persona == "citizen":
        start(client, scope=bank.topics[0].id)
        finish(client, bank)
    elif persona == "disabled":
        client.cookies.set("staff", personas["disabled"].session)  # a session the account had before it was disabled
    elif persona == "admin":
        as_admin(client, personas)
    elif persona != "anonymous":
        p = personas[persona]
        log_in(client, p.username, p.password)


@pytest.mark.parametrize(
    ("method", "path", "persona", "expected"), CASES, ids=[f"{m} {p} as {who}" for m, p, who, _ in CASES]
)
def test_route_answers_each_persona_as_expected(client, personas, bank, target, method, path, persona, expected):
    become(client, persona, personas, bank)
    url = path.format(target=target)
    if method == "GET":
        response = client.get(url, follow_redirects=False)
    else:
        response = client.post(url, headers={"x-csrftoken": csrf_token(client, "/login")}, follow_redirects=False)
    if expected == LOGIN:
        assert response.status_code == 303
        assert response.headers["location"] == "/login"
    else:
        assert response.status_code == expected, response.text[:300]
