"""A team member runs a whole guided session on a tablet, prints the card, and clears the device for the next
person."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from ..conftest import cli
from .journey import answer_current_question_rightly

TEAM = ("to.cns.may.tinh.bang", "a tablet team member passphrase")


@pytest.fixture(scope="module")
def team_member(database_url):  # type: ignore[no-untyped-def]
    result = cli(
        database_url, "create-user", "--role", "team", "--username", TEAM[0], "--area", "13669", stdin=TEAM[1] + "\n"
    )
    assert result.returncode == 0, result.stderr
    return TEAM


@pytest.fixture
def tablet(browser, playwright, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(**playwright.devices["Galaxy Tab S4"], base_url=live_server)
    yield context
    context.close()


def test_a_whole_guided_session_with_card_and_next_person(tablet, team_member, bank):
    page = tablet.new_page()
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(team_member[0])
    page.get_by_label("Mật khẩu").fill(team_member[1])
    page.get_by_role("button", name="Đăng nhập").tap()
    expect(page).to_have_url(re.compile(r"/team$"))
    page.get_by_role("link", name="Bắt đầu phiên hướng dẫn").tap()
    expect(page.get_by_label("Xã/phường của bạn (không bắt buộc)")).to_have_value("13669")
    page.get_by_label("Tôi đồng ý").check()
    page.get_by_label("65+ tuổi").check()
    page.get_by_role("button", name="Bắt đầu").tap()
    page.wait_for_url("**/quiz")

    # Large type, large targets, no timer.
    assert float(page.evaluate("getComputedStyle(document.body).fontSize").rstrip("px")) >= 20
    for box in [o.bounding_box() for o in page.locator("label.option").all()]:
        assert box and box["height"] >= 48
    assert page.get_by_role("timer").count() == 0
    # Headless Chromium has no Vietnamese voice, so read-aloud stays hidden rather than speak with another voice.
    expect(page.locator("button.read-aloud").first).to_be_hidden()

    for n in range(1, 16):
        expect(page.locator(".progress")).to_contain_text(f"Câu {n}/15")
        answer_current_question_rightly(page, bank)
    page.wait_for_url("**/results")
    code = page.locator(".code").inner_text()

    page.get_by_role("link", name="In phiếu kết quả").tap()
    page.wait_for_url("**/results/card")
    page.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A5", print_background=False)))
    assert len(pdf.pages) == 1, "the card must fit on one page"
    text = pdf.pages[0].extract_text()
    assert code in text
    assert "Nâng cao" in text and "Mã kết quả" in text
    page.emulate_media(media="screen")

    page.go_back()
    page.get_by_role("button", name="Người tiếp theo").tap()
    expect(page).to_have_url(re.compile(r"/team\?ready=true$"))
    expect(page.get_by_role("status")).to_contain_text("Sẵn sàng cho người tiếp theo")
    assert "attempt" not in {c["name"] for c in tablet.cookies()}
    assert page.evaluate("localStorage.length") == 0
    # htmx notes the page it is on; nothing else, and nothing of the previous person, is in session storage.
    session = page.evaluate("Object.fromEntries(Object.entries(sessionStorage))")
    assert set(session) <= {"htmx-current-path-for-history"}
    assert all("/quiz" not in v and "/results" not in v for v in session.values())
    # Back through history: the previous person's pages are gone, not served from a cache.
    page.go_back()
    expect(page.locator("body")).not_to_contain_text(code)
    page.goto("/results")
    expect(page.locator("body")).not_to_contain_text(code)
    expect(page.get_by_text("Chúng tôi không tìm thấy bài kiểm tra nào")).to_be_visible()
