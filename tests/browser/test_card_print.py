"""The result card prints on one page, A5 or A4, in Vietnamese and in English, with its code beside its QR."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from .journey import start_full_check, tick_options


def _answer_everything_wrongly(page, bank) -> None:  # type: ignore[no-untyped-def]
    """The longest card: every topic "Chưa đạt", three lessons to take."""
    for _ in range(15):
        name = tick_options(page, bank, lambda q: [next(o for o in q.options if not o.correct)])
        page.get_by_role("button", name="Trả lời và tiếp tục").tap()
        page.locator(f'input[name="question"][value="{name}"]').wait_for(state="detached")
    page.wait_for_url("**/results")


@pytest.fixture(scope="module")
def card_page(browser, live_server, bank):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 800}, base_url=live_server, has_touch=True)
    page = context.new_page()
    start_full_check(page)
    _answer_everything_wrongly(page, bank)
    yield page
    context.close()


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("paper", ["A5", "A4"])
def test_the_card_prints_on_one_page(card_page, live_server, language, paper):
    page = card_page
    page.context.add_cookies([{"name": "lang", "value": language, "url": live_server}])  # the language chosen
    page.goto("/results/card")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator(".card ol li").count() == 3  # the longest card: three lessons
    pdf = page.pdf(format=paper, print_background=False)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1, f"the {paper} card in {language} takes more than one page"


def test_the_card_has_a_print_button_where_scripts_run(card_page):
    page = card_page
    page.goto("/results/card")
    button = page.locator("button[data-print]")
    assert button.is_visible()
    page.evaluate("window.print = () => { window.printed = true; }")
    button.click()
    assert page.evaluate("window.printed === true")
    assert page.locator(".hint").first.is_visible()  # the browser's own Print menu, said for everyone
