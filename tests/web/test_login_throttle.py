"""Password guesses sent at once are counted before any is checked, against the real server (one process, and two
processes sharing Redis), and a flood from one address slows unknown devices there without locking anyone out.

Every client here stands behind a trusted proxy that names it in X-Forwarded-For, each test with an address of its
own: counters live in Redis in the PostgreSQL pass, and a flooded shared address would slow other tests' logins."""

from __future__ import annotations

import asyncio
import re
import secrets
import socket
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ..conftest import ServedApp, cli, run_async

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
GUESSES = 60


def an_address() -> str:
    return f"198.51.100.{secrets.randbelow(250) + 1}"


def official(database_url: str) -> tuple[str, str]:
    name, password = f"canbo.{secrets.token_hex(4)}", "an official's long passphrase"
    result = cli(database_url, "create-user", "--role", "official", "--username", name, stdin=password + "\n")
    assert result.returncode == 0, result.stderr
    return name, password


@pytest.fixture(scope="module")
def one_process(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    served = ServedApp(
        database_url, Path(tmp_path_factory.mktemp("one")) / "server.log", env={"FORWARDED_ALLOW_IPS": "127.0.0.1"}
    )
    served.start()
    yield served
    served.stop()


@pytest.fixture(scope="module")
def two_processes(database_url: str, redis_url: str | None, tmp_path_factory: pytest.TempPathFactory):
    if not redis_url:
        pytest.skip("two processes share their counters through Redis (the PostgreSQL pass of CI has one)")
    served = ServedApp(
        database_url,
        Path(tmp_path_factory.mktemp("two")) / "server.log",
        workers=2,
        env={"FORWARDED_ALLOW_IPS": "127.0.0.1", "REDIS_URL": redis_url},
    )
    served.start()
    yield served
    served.stop()


async def _at_once(url: str, address: str, path: str, forms: list[dict[str, str]], cookies=None) -> list[int]:
    headers = {"X-Forwarded-For": address}
    async with httpx.AsyncClient(base_url=url, headers=headers, cookies=cookies, timeout=60) as client:
        token = CSRF.search((await client.get(path)).text).group(1)
        posts = [client.post(path, data={"_csrf_token": token, **form}) for form in forms]
        return [r.status_code for r in await asyncio.gather(*posts)]


def logged_failures(served: ServedApp, username: str) -> int:
    return len(re.findall(rf"login failed user={re.escape(username)} ", served.log.read_text()))


@pytest.mark.parametrize("server", ["one_process", "two_processes"])
def test_sixty_wrong_passwords_at_once_get_five_checked(request, database_url, server):
    served: ServedApp = request.getfixturevalue(server)
    name, _ = official(database_url)
    forms = [{"username": name, "password": f"guess number {n}"} for n in range(GUESSES)]
    statuses = Counter(run_async(_at_once(served.url, an_address(), "/login", forms)))
    assert statuses == {400: 5, 429: GUESSES - 5}
    assert logged_failures(served, name) == 5


def test_the_current_password_check_is_throttled_the_same_way(one_process, database_url):
    name, password = official(database_url)
    address = an_address()
    with httpx.Client(base_url=one_process.url, headers={"X-Forwarded-For": address}) as browser:
        token = CSRF.search(browser.get("/login").text).group(1)
        login = browser.post("/login", data={"_csrf_token": token, "username": name, "password": password})
        assert login.status_code == 303 and login.headers["location"] == "/dashboard"
        cookies = dict(browser.cookies)
    forms = [
        {"current": f"not it {n}", "new": "a new long passphrase", "again": "a new long passphrase"} for n in range(25)
    ]
    statuses = Counter(run_async(_at_once(one_process.url, address, "/account/password", forms, cookies)))
    assert statuses == {400: 5, 429: 20}


def non_loopback_address() -> str | None:
    """This machine's address on its network (no packet is sent: a UDP connect only picks the route)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.254", 9))
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


@pytest.fixture(scope="module")
def behind_a_proxy(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    """The app on the machine's network address, trusting a proxy there: requests from that address are the
    proxy's, as when nginx runs on another host."""
    proxy = non_loopback_address()
    if proxy is None:
        pytest.skip("this machine has no network address other than loopback")
    served = ServedApp(
        database_url,
        Path(tmp_path_factory.mktemp("proxied")) / "server.log",
        host=proxy,
        env={"FORWARDED_ALLOW_IPS": proxy},
    )
    served.start()
    yield served
    served.stop()


def _log_in(served: ServedApp, address: str, username: str, password: str, device: str | None = None):
    cookies = {"device": device} if device else None
    with httpx.Client(base_url=served.url, headers={"X-Forwarded-For": address}, cookies=cookies) as browser:
        token = CSRF.search(browser.get("/login").text).group(1)
        form = {"_csrf_token": token, "username": username, "password": password}
        response = browser.post("/login", data=form, follow_redirects=False)
        return response, browser.cookies.get("device") or device


def test_a_flood_from_one_address_behind_the_proxy_slows_only_that_address(behind_a_proxy, database_url):
    name, password = official(database_url)
    attacker, neighbour = an_address(), an_address().replace("198.51.100.", "203.0.113.")
    for n in range(31):  # a different account each time: only the address's bucket fills
        _log_in(behind_a_proxy, attacker, f"nobody.{n}.{secrets.token_hex(2)}", "wrong password")
    assert _log_in(behind_a_proxy, attacker, name, password)[0].status_code == 429
    # Another client behind the same proxy is not the attacker, even on a phone the app has never seen.
    response, _ = _log_in(behind_a_proxy, neighbour, name, password)
    assert response.status_code == 303 and response.headers["location"] == "/dashboard"


def test_a_known_phone_logs_in_from_a_flooded_address(behind_a_proxy, database_url):
    name, password = official(database_url)
    address = an_address()
    first, device = _log_in(behind_a_proxy, address, name, password)
    assert first.status_code == 303 and device
    for n in range(40):  # someone on the same carrier address guesses at many accounts, and at this one
        _log_in(behind_a_proxy, address, name if n % 2 else f"nobody.{n}", "wrong password")
    assert _log_in(behind_a_proxy, address, name, password)[0].status_code == 429  # a new device waits
    response, _ = _log_in(behind_a_proxy, address, name, password, device)  # the person's own phone does not
    assert response.status_code == 303
