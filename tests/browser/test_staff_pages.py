"""Every staff page (team, official, admin) on a 360 px phone and with text at 200 %: nothing scrolls the page
sideways, no word is broken inside (a heading or a cell one letter per line, "Trun / g cấp"), and tables that
are wider than the screen scroll inside a box a keyboard reaches and a screen reader names."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from ..conftest import cli
from ..web.staff import Authenticator

PASSWORD = "staff layout passphrase"
STAFF = {
    "team": ("bo.cuc.to", "team", "13669"),
    "official": ("bo.cuc.can.bo", "official", None),
    "admin": ("bo.cuc.quan.tri", "admin", None),
}
PAGES = {
    "team": ["/team", "/team/guided", "/account", "/account/password"],
    "official": ["/dashboard", "/dashboard?period={year}", "/dashboard/areas?period={year}", "/account"],
    "admin": ["/admin", "/admin/items", "/admin/flags", "/account"],
}
authenticator = Authenticator()

# A word whose text spans more than one line box has been broken inside. Codes and one-time passwords are
# allowed to wrap anywhere (they have no words), so they are left out.
BROKEN_WORDS = """() => {
  const broken = [];
  const skip = "code, pre, .one-time, .code, svg";
  const texts = "th, td, caption, h1, h2, h3, label, legend, button, .button, p, li, summary";
  for (const element of document.querySelectorAll(texts.split(", ").map((s) => "main " + s).join(", "))) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest(skip)) continue;
      for (const match of node.textContent.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return [...new Set(broken)];
}"""

SCROLL_BOXES = """() => [...document.querySelectorAll("main table")].filter((t) => {
  /* A table wider than the page's column must sit in a focusable, named scroll box. */
  const box = t.closest(".scroll");
  if (t.scrollWidth <= t.parentElement.clientWidth + 1) return false;
  return !(box && box.tabIndex === 0 && box.getAttribute("role") === "region" &&
           document.getElementById(box.getAttribute("aria-labelledby") || "-"));
}).map((t) => t.querySelector("caption")?.textContent || t.className)"""


@pytest.fixture(scope="module")
def staff(database_url, demo_releases):  # type: ignore[no-untyped-def]
    for username, role, area in STAFF.values():
        args = ["create-user", "--role", role, "--username", username] + (["--area", area] if area else [])
        assert cli(database_url, *args, stdin=PASSWORD + "\n").returncode == 0
    return STAFF


def log_in(page: Page, who: str) -> None:
    username = STAFF[who][0]
    page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(PASSWORD)
    page.locator("form[action='/login'] button[type=submit]").click()
    if who == "admin":
        page.wait_for_url(re.compile(r"/(account/second-factor|login/code)$"))
        if page.url.endswith("/account/second-factor"):
            authenticator.secrets[username] = page.locator("#secret").inner_text().replace(" ", "")
            page.locator("#code").fill(authenticator.code(username))
            page.locator("form[action='/account/second-factor'] button[type=submit]").click()
            expect(page.locator("ul.recovery-codes li")).to_have_count(10)
            authenticator.recovery[username] = page.locator("ul.recovery-codes li").all_inner_texts()
            page.locator("a.button.primary").click()
        else:
            page.locator("#code").fill(authenticator.code(username))
            page.locator("form[action='/login/code'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/(team|dashboard|admin)$"))


def latest_year(page: Page) -> str:
    page.goto("/dashboard")
    return page.locator("#f-period option", has_text=re.compile(r"^(Năm|Year) ")).first.get_attribute("value")


def visit(page: Page, who: str) -> Iterator[str]:
    year = latest_year(page) if who == "official" else ""
    paths = [p.format(year=year) for p in PAGES[who]]
    for path in paths:
        page.goto(path)
        page.wait_for_load_state()
        yield path


def overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("who", list(STAFF))
def test_staff_pages_fit_a_phone_without_breaking_a_word(browser, live_server, staff, who, language):
    context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=live_server, has_touch=True)
    page = context.new_page()
    if language == "en":
        page.goto("/")
        page.get_by_role("button", name="English").click()
    log_in(page, who)
    problems = {}
    for path in visit(page, who):
        found = {
            "sideways": overflow(page),
            "broken words": page.evaluate(BROKEN_WORDS),
            "unboxed wide tables": page.evaluate(SCROLL_BOXES),
        }
        if found["sideways"] > 0 or found["broken words"] or found["unboxed wide tables"]:
            problems[path] = found
    assert problems == {}, problems
    context.close()


@pytest.mark.parametrize("who", list(STAFF))
def test_staff_pages_reflow_with_text_at_200_percent(browser, live_server, staff, who):
    # Injecting a style needs the CSP bypassed in this test only; the app's pages never carry inline style.
    context = browser.new_context(viewport={"width": 640, "height": 900}, base_url=live_server, bypass_csp=True)
    page = context.new_page()
    log_in(page, who)
    problems = {}
    for path in visit(page, who):
        page.add_style_tag(content="html { font-size: 200% !important; }")
        found = {"sideways": overflow(page), "broken words": page.evaluate(BROKEN_WORDS)}
        if found["sideways"] > 0 or found["broken words"]:
            problems[path] = found
    assert problems == {}
    context.close()


def test_the_check_finds_a_word_broken_inside(browser):
    """Guards the check itself: a cell too narrow for its word breaks it, and the check says so."""
    page = browser.new_page()
    page.set_content(
        '<main><table><tr><td style="width:3ch;max-width:3ch;overflow-wrap:anywhere">Trung cấp</td></tr></table>'
        "<p>whole words only</p></main>"
    )
    assert "Trung" in page.evaluate(BROKEN_WORDS)
    page.close()
