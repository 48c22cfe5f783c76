"""Every citizen page reflows on a 320 px screen and with text at 200 %, and no page breaks the CSP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from .journey import answer_current_question_rightly, start_full_check

PAGES = ["/", "/start", "/lessons", "/code", "/no-such-page"]


def sideways_overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def visit_all(page: Page, bank) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Goes to each citizen page in turn, the questions and the results included, yielding its path."""
    for path in [*PAGES, f"/lessons/{bank.topics[0].lessons[0].id}"]:
        page.goto(path)
        yield path
    start_full_check(page)
    yield "/quiz"
    for _ in range(15):
        answer_current_question_rightly(page, bank)
    page.wait_for_url("**/results")
    page.wait_for_load_state()
    yield "/results"


@pytest.mark.parametrize("width", [320, 360])
def test_pages_reflow_without_sideways_scrolling(browser, live_server, bank, width):
    context = browser.new_context(viewport={"width": width, "height": 700}, base_url=live_server, has_touch=True)
    page = context.new_page()
    for path in visit_all(page, bank):
        assert sideways_overflow(page) <= 0, f"{path} scrolls sideways at {width} px"
    context.close()


def test_pages_reflow_with_text_at_200_percent(browser, live_server, bank):
    # Injecting a style needs the CSP bypassed in this test only; the app's pages never carry inline style.
    context = browser.new_context(
        viewport={"width": 640, "height": 900}, base_url=live_server, bypass_csp=True, has_touch=True
    )
    page = context.new_page()
    for path in visit_all(page, bank):
        page.add_style_tag(content="html { font-size: 200% !important; }")
        assert sideways_overflow(page) <= 0, f"{path} scrolls sideways with 200 % text"
    context.close()


def test_no_page_breaks_the_content_security_policy(phone, bank):
    page = phone.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    for _ in visit_all(page, bank):
        pass
    assert problems == []


def test_answer_targets_are_at_least_44_px_high(phone, bank):
    page = phone.new_page()
    start_full_check(page)
    for box in [o.bounding_box() for o in page.locator("label.option").all()]:
        assert box and box["height"] >= 44
    assert page.get_by_role("button", name="Trả lời và tiếp tục").bounding_box()["height"] >= 44


BROKEN_WORDS = """() => {
  /* Words split across two lines in the level steps and level tables ("Trun / g cấp"): a word whose text range
     has more than one line box. */
  const broken = [];
  for (const cell of document.querySelectorAll(".scale .step, .level-now, table.levels th, table.levels td")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.textContent.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


@pytest.mark.parametrize("width", [320, 360])
def test_level_names_never_break_inside_a_word(browser, live_server, bank, width):
    context = browser.new_context(viewport={"width": width, "height": 700}, base_url=live_server, has_touch=True)
    page = context.new_page()
    for path in visit_all(page, bank):
        if path in ("/results", "/code"):
            assert page.evaluate(BROKEN_WORDS) == [], f"{path} breaks a word at {width} px"
    assert page.locator(".scale .step").count() == 4 * len(bank.topics)
    context.close()
