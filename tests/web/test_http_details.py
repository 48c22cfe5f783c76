"""HTTP as clients and proxies expect it: HEAD wherever GET is, Allow on a 405, no caching of the API, hosts that
are ours only, links that name the public origin, and refused API tokens logged without their value."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from litestar.testing import TestClient

from server.app import create_app
from server.db import staff as staff_db
from server.db import tokens
from server.web.results import qr_svg

from .helpers import csrf_token, finish, start
from .released import PASSWORD, make_staff
from .staff import log_in

PUBLIC = "https://kynangso.example.gov.vn"
TOOL = "canbo.http"  # an official whose tool reads the API
TEAM = "to.http"
# Uncompressed: a page holds a random CSRF token, so its compressed length differs from one request to the next.
PLAIN = {"accept-encoding": "identity"}


@pytest.fixture(scope="module")
def accounts(database_url):  # type: ignore[no-untyped-def]
    make_staff(database_url, "official", TOOL)
    make_staff(database_url, "team", TEAM, "13669")


@contextmanager
def logged_in(app, username: str) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """A staff member's browser. One client of the app at a time: on PostgreSQL each client's lifespan opens the
    app's pool on its own event loop."""
    with TestClient(app=app, base_url="http://testserver.local") as client:
        assert log_in(client, username, PASSWORD).status_code == 303
        yield client


@pytest.fixture(scope="module")
def public_app(settings, bank):  # type: ignore[no-untyped-def]
    """The app as deployed: its public origin is not the address this test client sends requests to."""
    return create_app(dataclasses.replace(settings, public_origin=PUBLIC), bank=bank)


def same_headers(get, head) -> None:  # type: ignore[no-untyped-def]
    """Every header of the GET, with the same value; a new CSRF cookie differs in its random value only."""
    assert head.headers.keys() == get.headers.keys()
    for name in get.headers:
        if name != "set-cookie":
            assert head.headers[name] == get.headers[name], name


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/start",
        "/login",
        "/lessons",
        "/code",
        "/static/css/app.css",
        "/api/v1/docs",
        "/api/v1/schema/openapi.json",
    ],
)
def test_head_answers_like_get_without_a_body(client, path):
    get = client.get(path, headers=PLAIN, follow_redirects=False)
    client.cookies.clear()  # the HEAD gets a new CSRF cookie, as the GET did
    head = client.head(path, headers=PLAIN, follow_redirects=False)
    assert head.status_code == get.status_code == 200
    same_headers(get, head)
    assert int(head.headers["content-length"]) == len(get.content) > 0
    assert head.content == b""


def test_head_answers_a_lesson_and_the_api_like_get(app, accounts, bank):
    with logged_in(app, TOOL) as official:
        path = f"/lessons/{bank.topics[0].lessons[0].id}"
        get = official.get(path, headers=PLAIN)
        head = official.head(path, headers=PLAIN)
        assert head.status_code == get.status_code == 200
        same_headers(get, head)
        for params in ({}, {"period": "2999-01"}, {"mode": "nonsense"}):
            get = official.get("/api/v1/dashboard", params=params)
            head = official.head("/api/v1/dashboard", params=params)
            assert head.status_code == get.status_code
            same_headers(get, head)
            assert head.content == b""


def test_a_wrong_method_gets_405_with_the_methods_allowed(client):
    for method, path, allowed in [
        ("POST", "/lessons", {"GET", "HEAD"}),
        ("DELETE", "/", {"GET", "HEAD"}),
        ("PUT", "/api/v1/dashboard", {"GET", "HEAD"}),
        ("GET", "/logout", {"POST"}),
        ("HEAD", "/logout", {"POST"}),
    ]:
        response = client.request(method, path)
        assert response.status_code == 405, (method, path)
        methods = {m.strip() for m in response.headers["allow"].split(",")}
        assert allowed <= methods, (method, path, methods)
        # HEAD is offered where GET is, and only there.
        assert ("HEAD" in methods) == ("GET" in methods), (method, path, methods)


def test_every_api_answer_says_no_store(app, accounts):
    with TestClient(app=app, base_url="http://testserver.local") as anyone:
        answers = {200: anyone.get("/api/v1/schema/openapi.json"), 401: anyone.get("/api/v1/dashboard")}
    with logged_in(app, TOOL) as official:
        answers[404] = official.get("/api/v1/dashboard", params={"period": "2999-01"})
        answers[422] = official.get("/api/v1/dashboard", params={"mode": "nonsense"})
    with logged_in(app, TEAM) as team:
        answers[403] = team.get("/api/v1/dashboard")
    for status, response in answers.items():
        assert response.status_code == status, response.text
        assert response.headers["cache-control"] == "no-store", status
    for status in (401, 403, 404, 422):
        assert answers[status].json()["status"] == status
    assert answers[401].headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("path", ["/", "/login", "/static/css/app.css", "/no-such-page", "/api/v1/dashboard"])
def test_a_request_for_a_host_that_is_not_ours_gets_400(client, settings, path):
    response = client.get(path, headers={"host": "kynangso.evil.example"})
    assert response.status_code == 400
    assert "Địa chỉ không đúng" in response.text and "Unknown address" in response.text
    assert f'href="{settings.public_origin}/"' in response.text  # where to go instead
    assert response.headers["cache-control"] == "no-store"
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_the_health_check_answers_whatever_host_the_probe_names(client):
    assert client.get("/healthz", headers={"host": "10.1.2.3:8000"}).status_code == 200


def test_our_hosts_are_answered_with_or_without_a_port(client):
    for host in ("127.0.0.1:8000", "localhost", "[::1]:8000", "TestServer.Local"):
        assert client.get("/", headers={"host": host}).status_code == 200, host


def test_the_qr_code_names_the_public_origin_whatever_host_was_asked(public_app, bank):
    with TestClient(app=public_app, base_url="http://127.0.0.1:8000") as phone:
        start(phone, scope=bank.topics[0].id)
        finish(phone, bank)
        page = phone.get("/results").text
        code = re.search(r'<p class="code"[^>]*>([A-Z2-9]{4}-[A-Z2-9]{4})</p>', page).group(1)
        card = phone.get("/results/card").text
    # The QR that a phone scanning the card would read: the same data draws the same SVG.
    scanned = qr_svg(f"{PUBLIC}/code#{code}")
    for shown in (page, card):
        assert scanned in shown
        assert qr_svg(f"http://127.0.0.1:8000/code#{code}") not in shown


def test_a_form_from_the_public_origin_is_accepted_behind_a_proxy_that_rewrites_host(public_app):
    """The proxy passes the request on to 127.0.0.1:8000; the browser says it came from the public origin."""
    with TestClient(app=public_app, base_url="http://127.0.0.1:8000") as browser:
        data = {"_csrf_token": csrf_token(browser, "/"), "language": "en", "next": "/"}
        sent = browser.post("/language", data=data, headers={"origin": PUBLIC}, follow_redirects=False)
        assert sent.status_code == 303
        forged = browser.post(
            "/language", data=data, headers={"origin": "https://kynangso.evil.example"}, follow_redirects=False
        )
        assert forged.status_code == 403


def test_a_refused_token_is_logged_with_why_but_never_its_value(client, accounts, caplog):
    revoked = "kns_" + secrets.token_urlsafe(32)

    async def revoke() -> None:
        user, _ = await staff_db.by_username(TOOL)
        await tokens.create(user.id, revoked, "for the log test", dt.datetime.now(dt.UTC))
        await tokens.revoke_all(user.id)

    client.blocking_portal.call(revoke)
    sent = {
        "malformed": "kns_not-a-token-at-all",
        "unknown": "kns_" + secrets.token_urlsafe(32),
        "revoked": revoked,
    }
    with caplog.at_level(logging.WARNING, logger="kynangso.api"):
        for token in sent.values():
            response = client.get("/api/v1/dashboard", headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 401
    lines = [r.getMessage() for r in caplog.records if r.name == "kynangso.api"]
    for reason in sent:
        assert f"refused api token path=/api/v1/dashboard reason={reason}" in lines
    for token in sent.values():
        assert token not in caplog.text
        assert token[4:20] not in caplog.text
