"""Every scenario picture renders on a phone and has a text equivalent a screen reader and a zoomed reader get."""

from __future__ import annotations

from playwright.sync_api import expect


def test_every_scenario_picture_renders_with_its_text_equivalent(phone, bank):
    page = phone.new_page()
    with_pictures = [q for t in bank.topics for q in t.questions if q.picture]
    assert with_pictures
    for question in with_pictures:
        page.goto(f"/preview/{question.id}")
        picture = page.locator("figure.picture img")
        expect(picture).to_have_attribute("alt", question.picture_text.vi)
        assert picture.evaluate("img => img.complete && img.naturalWidth > 0"), question.picture
        box = picture.bounding_box()
        assert box and 0 < box["width"] <= 412, question.picture  # fits the phone's screen
        page.get_by_text("Đọc nội dung hình dưới dạng chữ").tap()
        expect(page.locator("figure.picture details p")).to_have_text(question.picture_text.vi)
