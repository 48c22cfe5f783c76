"""A citizen on a phone takes the whole check, with and without JavaScript, and can reload mid-way."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .journey import answer_current_question_rightly, start_full_check


def test_a_whole_journey_in_vietnamese_with_htmx(phone, bank):
    page = phone.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r) if r.method == "POST" else None)
    start_full_check(page)
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    for n in range(1, 16):
        expect(page.locator(".progress")).to_contain_text(f"Câu {n}/15")
        answer_current_question_rightly(page, bank)
    expect(page.get_by_role("heading", name="Kết quả của bạn", exact=True)).to_be_visible()
    expect(page.locator(".topic-level .level-now").first).to_contain_text("Nâng cao")
    expect(page.locator(".code")).to_have_text(re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}$"))
    answers = [r for r in requests if r.url.endswith("/quiz/answer")]
    assert len(answers) == 15
    # htmx made the posts (so they carried the CSRF token the server checked), not full page loads.
    assert all(r.headers.get("hx-request") == "true" for r in answers)


def test_the_same_journey_works_with_javascript_off(phone_without_js, bank):
    page = phone_without_js.new_page()
    start_full_check(page)
    for n in range(1, 16):
        expect(page.locator(".progress")).to_contain_text(f"Câu {n}/15")
        answer_current_question_rightly(page, bank)
    expect(page.get_by_role("heading", name="Kết quả của bạn", exact=True)).to_be_visible()
    expect(page.locator(".topic-level .level-now").first).to_contain_text("Nâng cao")


def test_reloading_mid_quiz_resumes_where_the_person_was(phone, bank):
    page = phone.new_page()
    start_full_check(page)
    for _ in range(3):
        answer_current_question_rightly(page, bank)
    expect(page.locator(".progress")).to_contain_text("Câu 4/15")
    page.reload()
    expect(page.locator(".progress")).to_contain_text("Câu 4/15")
    page.goto("/")
    page.goto("/quiz")
    expect(page.locator(".progress")).to_contain_text("Câu 4/15")


def test_the_language_switch_persists_across_pages(phone):
    page = phone.new_page()
    page.goto("/")
    page.get_by_role("button", name="English").tap()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("How safe and skilled are you online?")
    page.goto("/lessons")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Tiếng Việt").tap()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
