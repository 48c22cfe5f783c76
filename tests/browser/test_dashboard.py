"""An official uses the dashboard in Chromium: filters update the panels with htmx, and the same works without
JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ..conftest import cli

OFFICIAL = ("canbo.trinh.duyet", "an official passphrase for the browser")


@pytest.fixture(scope="module")
def official(database_url, demo_releases):  # type: ignore[no-untyped-def]
    assert (
        cli(
            database_url, "create-user", "--role", "official", "--username", OFFICIAL[0], stdin=OFFICIAL[1] + "\n"
        ).returncode
        == 0
    )
    return OFFICIAL


OUTLINE_CONTRASTS = """() => [...document.querySelectorAll("svg.levels-chart rect, svg.key rect")].map((r) => {
  const style = getComputedStyle(r);
  if (style.stroke === "none" || parseFloat(style.strokeWidth) === 0) return 1;
  const [red, green, blue] = style.stroke.match(/\\d+/g).map(Number).map((c) => {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue;
  return 1.05 / (luminance + 0.05);  /* against the white page */
})"""


def log_in(page, who) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(who[0])
    page.get_by_label("Mật khẩu").fill(who[1])
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/dashboard"))


def test_filters_update_the_panels_with_htmx(browser, live_server, official):
    context = browser.new_context(viewport={"width": 1024, "height": 800}, base_url=live_server)
    page = context.new_page()
    log_in(page, official)
    expect(page.get_by_role("heading", name="An toàn trên mạng")).to_be_visible()
    year = page.locator("#f-period option", has_text="Năm").first.get_attribute("value")
    with page.expect_request(lambda r: "/dashboard?" in r.url and r.headers.get("hx-request") == "true"):
        page.select_option("#f-period", year)
    expect(page).to_have_url(re.compile(rf"period={year}"))
    expect(page.locator("#f-period")).to_have_value(year)
    expect(page.locator("table.levels-by-band").first).to_contain_text("Mọi lứa tuổi")
    numbers = page.locator("table.levels-by-band td").all_inner_texts()
    assert not any(re.fullmatch(r"[1-9]\s.*", n) for n in numbers)  # no count between 1 and 9 is ever shown
    context.close()


def test_the_dashboard_works_without_javascript(browser, live_server, official):
    context = browser.new_context(
        viewport={"width": 1024, "height": 800}, base_url=live_server, java_script_enabled=False
    )
    page = context.new_page()
    log_in(page, official)
    year = page.locator("#f-period option", has_text="Năm").first.get_attribute("value")
    page.select_option("#f-period", year)
    page.get_by_role("button", name="Xem").click()
    expect(page).to_have_url(re.compile(rf"period={year}"))
    expect(page.get_by_role("heading", name="Số người đã làm xong bài kiểm tra")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename.endswith(f"{year}-all.csv")
    context.close()


def test_the_trend_chart_fits_a_phone_and_breaks_no_rule_of_the_csp(browser, playwright, live_server, official):
    context = browser.new_context(**playwright.devices["Pixel 7"], base_url=live_server)
    page = context.new_page()
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    log_in(page, official)
    chart = page.locator("svg.trend-chart")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box and 0 < box["width"] <= page.viewport_size["width"]
    # The lines are drawn (the stylesheet reached the inline SVG) and each topic is named in the legend.
    assert chart.locator("polyline").first.evaluate("l => getComputedStyle(l).stroke") != "none"
    expect(page.locator("figure.chart:has(svg.trend-chart) .legend li")).to_have_count(3)
    # Each topic's levels are stacked bars that fit the phone too.
    bars = page.locator("svg.levels-chart")
    expect(bars).to_have_count(3)
    assert all(0 < b.bounding_box()["width"] <= page.viewport_size["width"] for b in bars.all())
    # Each part of a bar is outlined 3:1 or more against the page (WCAG 1.4.11), the palest included.
    assert min(page.evaluate(OUTLINE_CONTRASTS)) >= 3
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert blocked == []
    context.close()


def test_the_areas_table_sorts_on_a_phone_without_javascript(browser, live_server, official):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, base_url=live_server, java_script_enabled=False, has_touch=True
    )
    page = context.new_page()
    log_in(page, official)
    year = page.locator("#f-period option", has_text="Năm").first.get_attribute("value")
    page.select_option("#f-period", year)
    page.get_by_role("button", name="Xem").click()
    expect(page).to_have_url(re.compile(rf"period={year}"))
    page.get_by_role("link", name="So sánh các xã, phường với mục tiêu").click()
    expect(page.get_by_role("heading", name="So sánh các xã, phường")).to_be_visible()
    page.get_by_role("link", name="Số người").click()
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Số người")
    people = page.locator("table.areas tbody td:nth-child(2)").all_inner_texts()
    shown = [int(p.replace(".", "")) for p in people if not p.startswith("<")]
    assert shown and shown == sorted(shown, reverse=True)
    assert all(p.startswith("<") for p in people[len(shown) :])
    # The table is wider than the phone: it scrolls in a region a keyboard reaches, not the page.
    region = page.get_by_role("region", name=re.compile(r"xã, phường của Tỉnh Ninh Bình"))
    region.focus()
    expect(region).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    context.close()
