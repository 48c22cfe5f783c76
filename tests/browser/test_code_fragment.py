"""The QR's link, /code#CODE, in a phone's browser: the page reads the code from the fragment, drops it from the
address bar and posts it, so the code never travels in a URL."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from ..web.helpers import finish, start

CODE = re.compile(r'<p class="code"[^>]*>([A-Z2-9]{4}-[A-Z2-9]{4})</p>')


@pytest.fixture(scope="module")
def code(live_server, bank) -> str:  # type: ignore[no-untyped-def]
    """A finished check's result code, made over HTTP on another "device" to keep the browser part short."""
    with httpx.Client(base_url=live_server, timeout=10) as client:
        start(client, scope=bank.topics[0].id)
        finish(client, bank)
        return CODE.search(client.get("/results").text).group(1)


def test_opening_the_qr_link_shows_the_levels_and_clears_the_code_from_the_url(phone, code):
    page = phone.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(f"{r.method} {r.url.split('#')[0]} {r.post_data or ''}"))
    page.goto(f"/code#{code}")
    expect(page.locator("table.levels")).to_contain_text("Nâng cao")
    expect(page.locator("main")).to_contain_text(code)
    expect(page).to_have_url(re.compile(r"/code$"))
    assert code not in page.evaluate("location.href")
    posted = [r for r in requests if r.startswith("POST ") and "/code " in r]
    assert len(posted) == 1 and "code=" + code in posted[0], requests
    assert not [r for r in requests if code in r.split(" ")[1]], requests  # in a body, never in a URL


def test_a_wrong_code_in_the_fragment_gets_the_message_and_no_loop(phone):
    page = phone.new_page()
    page.goto("/code#ZZZZ-ZZZZ")
    expect(page.locator("#code-error")).to_contain_text("Không tìm thấy bài kiểm tra đã hoàn thành với mã này")
    expect(page).to_have_url(re.compile(r"/code$"))
    expect(page.locator("#code-input")).to_have_value("ZZZZ-ZZZZ")


def test_without_javascript_the_page_asks_for_the_printed_code(phone_without_js, code):
    page = phone_without_js.new_page()
    page.goto(f"/code#{code}")
    expect(page.locator("#code-hint")).to_contain_text("Nhập mã được in bên cạnh mã QR")
    expect(page.locator("table.levels")).to_have_count(0)
    page.locator("#code-input").fill(code)
    page.locator("#code-lookup button[type=submit]").tap()
    expect(page.locator("table.levels")).to_contain_text("Nâng cao")
