"""Steps a person takes in the browser, shared by the journey tests."""

from __future__ import annotations

import re

from playwright.sync_api import Page

from server.domain.content import Bank, Question


def start_full_check(page: Page, age_band: str = "65+") -> None:
    page.goto("/")
    page.get_by_role("link", name="Bắt đầu kiểm tra").tap()
    page.get_by_label("Tôi đồng ý").check()
    page.get_by_label(f"{age_band} tuổi").check()
    page.get_by_label("Tất cả: cả ba chủ đề").check()
    page.get_by_role("button", name="Bắt đầu").tap()
    page.wait_for_url("**/quiz")


def _plain(text: str) -> str:
    return " ".join(text.split())


def shown_question(page: Page, bank: Bank, language: str = "vi") -> Question:
    """The question on screen, known by its wording as the person reads it (the form names it only by its place)."""
    prompt = _plain(page.locator("#prompt").inner_text())
    # Only questions still drawn: a retired one may share its wording with the one that replaced it.
    matches = [q for t in bank.topics for q in t.questions if _plain(q.prompt.get(language)) == prompt]
    assert len(matches) == 1, f"no single question reads {prompt!r}"
    return matches[0]


def tick_options(page: Page, bank: Bank, wanted, language: str = "vi") -> str:  # type: ignore[no-untyped-def]
    """Ticks, by their text, the options `wanted(question)` picks of the question on screen; returns the form's
    name for the question."""
    name = page.locator('input[name="question"]').input_value()
    for option in wanted(shown_question(page, bank, language)):
        text = re.compile(f"^{re.escape(_plain(option.text.get(language)))}$")
        page.locator("label.option").filter(has=page.locator("span", has_text=text)).locator("input").check()
    return name


def tick_right_options(page: Page, bank: Bank, language: str = "vi") -> str:
    return tick_options(page, bank, lambda q: [o for o in q.options if o.correct], language)


def answer_current_question_rightly(page: Page, bank: Bank, language: str = "vi") -> str:
    """Ticks the right options of the question on screen and submits; returns the form's name for the question."""
    name = tick_right_options(page, bank, language)
    if language == "vi":
        page.get_by_role("button", name="Trả lời và tiếp tục").tap()  # a phone, touched
    else:
        page.get_by_role("button", name="Answer and continue").click()
    # The next question (or the results) replaces this one, by an htmx swap or a page load.
    page.locator(f'input[name="question"][value="{name}"]').wait_for(state="detached")
    return name
