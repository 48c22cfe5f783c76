"""Steps a person takes in the browser, shared by the journey tests."""

from __future__ import annotations

from playwright.sync_api import Page

from server.domain.content import Bank


def start_full_check(page: Page, age_band: str = "65+") -> None:
    page.goto("/")
    page.get_by_role("link", name="Bắt đầu kiểm tra").tap()
    page.get_by_label("Tôi đồng ý").check()
    page.get_by_label(f"{age_band} tuổi").check()
    page.get_by_label("Tất cả: cả ba chủ đề").check()
    page.get_by_role("button", name="Bắt đầu").tap()
    page.wait_for_url("**/quiz")


def answer_current_question_rightly(page: Page, bank: Bank) -> str:
    """Ticks the right options of the question on screen and submits; returns the question id."""
    question_id = page.locator('input[name="question"]').input_value()
    question = bank.question(question_id)
    for option in question.options:
        if option.correct:
            page.locator(f'input[name="option"][value="{option.id}"]').check()
    page.get_by_role("button", name="Trả lời và tiếp tục").tap()
    # The next question (or the results) replaces this one, by an htmx swap or a page load.
    page.locator(f'input[name="question"][value="{question_id}"]').wait_for(state="detached")
    return question_id
