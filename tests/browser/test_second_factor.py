"""Setting up the second factor on a phone: the QR code shows under the CSP, the page reflows at 360 px and with
text at 200 %, the recovery codes are shown, and the next login asks for the app's code."""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import expect

from ..conftest import cli
from ..web.staff import Authenticator

PASSWORD = "an admin's phone passphrase"


def an_admin(database_url: str) -> str:
    name = f"qt.dt.{secrets.token_hex(3)}"
    result = cli(database_url, "create-user", "--role", "admin", "--username", name, stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    return name


def password_step(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.locator("#username").fill(name)
    page.locator("#password").fill(PASSWORD)
    page.locator("form[action='/login'] button[type=submit]").click()


def overflow(page) -> int:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_an_admin_sets_up_the_app_on_a_phone_and_logs_in_with_its_code(browser, playwright, live_server, database_url):
    context = browser.new_context(**playwright.devices["Pixel 7"], base_url=live_server)
    page = context.new_page()
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    name, phone = an_admin(database_url), Authenticator()
    password_step(page, name)
    page.wait_for_url(re.compile(r"/account/second-factor$"))
    qr = page.locator("img.qr")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR code did not render"
    assert overflow(page) <= 0
    phone.secrets[name] = page.locator("#secret").inner_text().replace(" ", "")
    page.locator("#code").fill(phone.code(name))
    page.get_by_role("button", name="Bật yếu tố xác thực thứ hai").tap()
    expect(page.locator("ul.recovery-codes li")).to_have_count(10)
    assert overflow(page) <= 0
    page.get_by_role("link", name="Tôi đã cất các mã: tiếp tục").tap()
    page.wait_for_url(re.compile(r"/admin$"))
    page.locator("nav.staff button[type=submit]").tap()
    page.wait_for_url(re.compile(r"/login$"))
    password_step(page, name)
    page.wait_for_url(re.compile(r"/login/code$"))
    page.locator("#code").fill(phone.code(name))
    page.get_by_role("button", name="Tiếp tục").tap()
    page.wait_for_url(re.compile(r"/admin$"))
    assert blocked == []
    context.close()


def test_the_setup_page_reflows_with_text_at_200_percent(browser, live_server, database_url):
    context = browser.new_context(viewport={"width": 640, "height": 900}, base_url=live_server, bypass_csp=True)
    page = context.new_page()
    password_step(page, an_admin(database_url))
    page.wait_for_url(re.compile(r"/account/second-factor$"))
    page.add_style_tag(content="html { font-size: 200% !important; }")
    assert overflow(page) <= 0
    context.close()
