"""The server's log keeps less: one line per request with the route, the status and the time taken, and never a
citizen's IP address, a query string or a result code."""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path

import httpx
import pytest

from .helpers import csrf_token, finish, start

CODE = re.compile(r'<p class="code"[^>]*>([A-Z2-9]{4}-[A-Z2-9]{4})</p>')


def log_since(log: Path, offset: int, wanted: str) -> str:
    """What the server logged after `offset`, once `wanted` shows up (a line is written as its request ends)."""
    deadline = time.monotonic() + 10
    while True:
        text = log.read_bytes()[offset:].decode("utf-8", "replace")
        if wanted in text or time.monotonic() > deadline:
            return text
        time.sleep(0.05)


def test_the_live_server_logs_requests_without_addresses_or_result_codes(live_server, live_server_log, bank):
    offset = live_server_log.stat().st_size
    with httpx.Client(base_url=live_server, timeout=10) as client:
        assert start(client, scope=bank.topics[0].id).status_code == 303
        finish(client, bank)
        code = CODE.search(client.get("/results").text).group(1)
        client.get("/code", params={"c": code})  # an old QR's link: the server must not keep its query string
        found = client.post("/code", data={"_csrf_token": csrf_token(client, "/code"), "code": code})
        assert found.status_code == 200
    text = log_since(live_server_log, offset, "POST /code 200")
    assert re.search(r"kynangso\.request\b.* POST /quiz/answer 303 \d+\.\dms$", text, re.M), text
    assert "POST /code 200" in text
    assert "127.0.0.1" not in text
    assert code not in text and code.replace("-", "") not in text


@pytest.fixture
def request_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="kynangso.request")
    return caplog


def lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "kynangso.request"]


def test_a_request_is_logged_by_its_route_template_without_the_query_string(client, bank, request_log):
    lesson = bank.topics[0].lessons[0].id
    client.get(f"/lessons/{lesson}", params={"c": "ABCD-2345"})
    (line,) = lines(request_log)
    assert re.fullmatch(r"GET /lessons/\{lesson_id\} 200 \d+\.\dms", line), line


def test_a_404_is_logged_by_its_path_with_a_code_shaped_part_blanked(client, request_log):
    client.get("/ABCD-2345/no-such-page")
    assert re.fullmatch(r"GET /\{code\?\}/no-such-page 404 \d+\.\dms", lines(request_log)[0])


def test_a_long_unknown_path_is_cut(client, request_log):
    client.get("/" + "x" * 500)
    assert len(lines(request_log)[0]) < 130


def test_a_refused_post_is_logged_too(client, request_log):
    client.post("/code", data={"code": "ABCD-2345"})  # no CSRF token
    assert re.fullmatch(r"POST /code 403 \d+\.\dms", lines(request_log)[-1])


def test_a_phone_that_hangs_up_mid_form_is_not_logged_as_a_server_error(live_server, live_server_log):
    """A lost signal while a form is being sent is common on 3G; it is noted in one line, not as an error."""
    import socket
    from urllib.parse import urlsplit

    offset = live_server_log.stat().st_size
    with httpx.Client(base_url=live_server, timeout=10) as client:
        client.get("/start")
        cookies = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    where = urlsplit(live_server)
    with socket.create_connection((where.hostname, where.port), timeout=10) as phone:
        phone.sendall(
            (
                "POST /quiz/answer HTTP/1.1\r\n"
                f"Host: {where.netloc}\r\nCookie: {cookies}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 5000\r\n\r\n"
                "question=abc&option="
            ).encode()
        )
    text = log_since(live_server_log, offset, "POST /quiz/answer 499")
    assert re.search(r"kynangso\.request\b.* POST /quiz/answer 499 ", text), text
    assert "Traceback" not in text and " ERROR " not in text and "ERROR -" not in text, text
