"""The API's documentation in Chromium, under the site's Content-Security-Policy: it shows the endpoint, its filters
and its answers, with JavaScript or without, and nothing on it is blocked."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

# Every CSP violation the page reports, from the moment the document starts (an init script is not subject to the
# page's CSP, so it can listen before anything loads).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@pytest.fixture
def docs(page: Page) -> Iterator[tuple[Page, list[str]]]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.add_init_script(RECORD_VIOLATIONS)
    yield page, problems


def test_the_api_docs_show_the_endpoint_under_the_csp(docs):
    page, problems = docs
    response = page.goto("/api/v1/docs")
    assert response is not None and response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.get_by_role("heading", level=1)).to_have_text("Tài liệu API")
    expect(page.get_by_role("heading", name="GET /api/v1/dashboard")).to_be_visible()
    for name in ("area", "period", "mode"):
        expect(page.get_by_role("rowheader", name=name).first).to_be_visible()
    for status in ("200", "401", "403", "404", "422", "429"):
        expect(page.get_by_role("rowheader", name=status, exact=True)).to_be_visible()
    # The stylesheet was let in: the tables are drawn by it.
    assert page.locator("table.data").first.evaluate("t => getComputedStyle(t).borderCollapse") == "collapse"
    assert page.evaluate("window.__violations") == []
    assert problems == []
    # The schema the page links to is there for tools (the browser's JSON view asks for a favicon: not ours).
    with page.expect_response("**/api/v1/schema/openapi.json") as schema:
        page.get_by_role("link", name="/api/v1/schema/openapi.json").click()
    assert schema.value.status == 200 and schema.value.json()["openapi"] == "3.1.0"


def test_the_api_docs_read_in_english_too(docs):
    page, problems = docs
    page.goto("/api/v1/docs")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API documentation")
    expect(page.get_by_text("The released statistics for one area, period and mode").first).to_be_visible()
    assert page.evaluate("window.__violations") == []
    assert problems == []


def test_the_api_docs_need_no_javascript(phone_without_js):
    page = phone_without_js.new_page()
    page.goto("/api/v1/docs")
    expect(page.get_by_role("heading", name="GET /api/v1/dashboard")).to_be_visible()
    # The long list of communes opens without a script: it is a <details>.
    page.get_by_text(re.compile(r"^\d+ giá trị$")).first.click()
    expect(page.get_by_text("Phường Nam Định").first).to_be_visible()
