"""An axe-core scan of every page, citizen and staff, in Vietnamese and English: no serious or critical
violation (WCAG 2.2 AA rules)."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from ..conftest import cli
from ..web.staff import Authenticator
from .journey import answer_current_question_rightly, start_full_check

STAFF = {
    "team": ("axe.to.cns", "team", "13669"),
    "official": ("axe.can.bo", "official", None),
    "admin": ("axe.quan.tri", "admin", None),
}
PASSWORD = "accessibility scan passphrase"
axe = Axe()


@pytest.fixture(scope="module")
def staff_accounts(database_url, demo_releases):  # type: ignore[no-untyped-def]
    for username, role, area in STAFF.values():
        args = ["create-user", "--role", role, "--username", username] + (["--area", area] if area else [])
        cli(database_url, *args, stdin=PASSWORD + "\n")
    return STAFF


def serious(page) -> list[str]:  # type: ignore[no-untyped-def]
    results = axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa", "best-practice"]}},
    )
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def scan(page, path: str, problems: dict[str, list[str]], language: str) -> None:  # type: ignore[no-untyped-def]
    if path:
        page.goto(path)
    found = serious(page)
    if found:
        problems[f"{language} {page.url}"] = found


def look_up(page, code: str) -> None:  # type: ignore[no-untyped-def]
    """Types a result code into /code and waits for the levels or the message (the code is never in a URL)."""
    page.goto("/code")
    page.locator("#code-input").fill(code)
    page.locator("#code-lookup button[type=submit]").click()
    expect(page.locator("#code-error, table.levels")).to_be_visible()


def set_language(page, language: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    if language == "en":
        page.get_by_role("button", name="English").click()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_citizen_pages_pass_axe(phone, bank, language):
    page = phone.new_page()
    set_language(page, language)
    problems: dict[str, list[str]] = {}
    lesson = bank.topics[0].lessons[0].id
    for path in (
        "/",
        "/start",
        "/lessons",
        f"/lessons/{lesson}",
        "/code",
        "/offline",
        "/login",
        "/no-such-page",
    ):
        scan(page, path, problems, language)
    look_up(page, "ZZZZ-ZZZZ")  # the "no result with this code" page
    scan(page, "", problems, language)
    start_full_check(page) if language == "vi" else _start_in_english(page)
    scan(page, "", problems, language)  # a question
    page.locator('input[name="question"]')  # the page holds one question at a time
    for _ in range(15):
        answer_current_question_rightly(page, bank) if language == "vi" else _answer_in_english(page, bank)
    page.wait_for_url("**/results")
    scan(page, "", problems, language)
    scan(page, "/results/card", problems, language)
    code = page.locator(".code").inner_text()
    look_up(page, code)
    scan(page, "", problems, language)
    assert problems == {}


def _start_in_english(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/start")
    page.get_by_label("I agree").check()
    page.get_by_label("65+ years").check()
    page.get_by_label("Everything: all three topics").check()
    page.get_by_role("button", name="Begin").click()
    page.wait_for_url("**/quiz")


def _answer_in_english(page, bank) -> None:  # type: ignore[no-untyped-def]
    answer_current_question_rightly(page, bank, "en")


WIDTHS = (360, 1366)  # a phone, and the laptop most officials have


@pytest.mark.parametrize("language", ["vi", "en"])
def test_staff_pages_pass_axe(browser, live_server, staff_accounts, language):
    """Every staff page, each at a phone's width and a laptop's, in one login per role."""
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 800}, base_url=live_server)
    page = context.new_page()
    set_language(page, language)
    problems: dict[str, list[str]] = {}
    pages = {
        "team": ["/team", "/team/guided", "/account/password", "/account"],
        "official": ["/dashboard", "/dashboard?period={year}", "/dashboard/areas?period={year}", "/account"],
        "admin": ["/admin", "/admin/items", "/admin/flags", "/account"],
    }
    for who, paths in pages.items():
        username = staff_accounts[who][0]
        page.goto("/login")
        page.locator("#username").fill(username)
        page.locator("#password").fill(PASSWORD)
        page.locator("form[action='/login'] button[type=submit]").click()
        if who == "admin":
            second_factor(page, username, problems, language)
        page.wait_for_load_state()
        year = ""
        if who == "official":
            page.goto("/dashboard")
            year = page.locator("#f-period option", has_text=re.compile(r"^(Năm|Year) ")).first.get_attribute("value")
        for path in paths:
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                scan(page, path.format(year=year), problems, f"{language} {width} px")
        page.locator("nav.staff button[type=submit]").click()
        page.wait_for_url(re.compile(r"/login"))
    assert problems == {}
    context.close()


authenticator = Authenticator()  # the admin's phone


def second_factor(page, username: str, problems: dict[str, list[str]], language: str) -> None:  # type: ignore[no-untyped-def]
    """An admin's first login sets up the authenticator app (the page with the QR code, then the recovery codes);
    later ones ask for its code. Every one of those pages is scanned too."""
    page.wait_for_url(re.compile(r"/(account/second-factor|login/code)$"))
    scan(page, "", problems, language)
    if page.url.endswith("/account/second-factor"):
        authenticator.secrets[username] = page.locator("#secret").inner_text().replace(" ", "")
        page.locator("#code").fill(authenticator.code(username))
        page.locator("form[action='/account/second-factor'] button[type=submit]").click()
        expect(page.locator("ul.recovery-codes li")).to_have_count(10)
        authenticator.recovery[username] = page.locator("ul.recovery-codes li").all_inner_texts()
        scan(page, "", problems, language)
        page.locator("a.button.primary").click()
    else:
        page.locator("#code").fill(authenticator.code(username))
        page.locator("form[action='/login/code'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin$"))


def test_the_scan_does_find_a_real_violation(browser):
    """Guards the scan itself: a page with an unlabelled input and an image without text must fail it."""
    page = browser.new_page()
    page.set_content('<html lang="vi"><body><main><img src="x.png"><input type="text"></main></body></html>')
    found = serious(page)
    assert any(v.startswith("image-alt") for v in found) and any(v.startswith("label") for v in found)
    page.close()
