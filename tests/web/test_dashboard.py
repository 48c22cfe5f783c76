"""The officials' dashboard over HTTP: everything comes from published releases of closed months; the numbers
are sums of released cells, noisy rather than true; scope, filters, exports and the API."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from server.db import releases as releases_db
from server.db import tables
from server.domain.dashboard import tally
from server.domain.release import WORKING_AGE, month_bounds

from ..conftest import cli
from .helpers import csrf_token
from .released import app_on, client_of, make_staff
from .staff import COMMUNE_A, COMMUNE_B

LEVELS = ("not_yet", "basic", "intermediate", "advanced")


@pytest.fixture(scope="module")
def demo(fresh_database, settings, bank):  # type: ignore[no-untyped-def]
    """Four thousand synthetic attempts over fourteen months, written and released by the real demo-data
    command, on a database of this module's own."""
    url = fresh_database()
    result = cli(url, "demo-data", "--attempts", "4000", "--seed", "7")
    assert result.returncode == 0, result.stderr
    assert "published the release of" in result.stdout
    make_staff(url, "official", "canbo.tinh")
    make_staff(url, "official", "canbo.xa.a", COMMUNE_A)
    make_staff(url, "team", "to.cns.a", COMMUNE_A)
    make_staff(url, "admin", "quantri")
    return app_on(url, settings, bank)


@pytest.fixture
def official(demo):  # type: ignore[no-untyped-def]
    with client_of(demo, "canbo.tinh") as client:
        yield client


def released(client, period: str):  # type: ignore[no-untyped-def]
    return client.blocking_portal.call(releases_db.load, period)


def months(client) -> list[str]:  # type: ignore[no-untyped-def]
    return client.blocking_portal.call(releases_db.published_periods)


def api(client, **params):  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/dashboard", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def true_levels(client, period: str, topic: str) -> dict[tuple[str, str], int]:  # type: ignore[no-untyped-def]
    """The true counts of one month, from the raw attempts and topic results."""
    start, end = month_bounds(period)

    async def count() -> dict[tuple[str, str], int]:
        r = tables.TopicResult
        rows = await r.select(r.attempt.age_band, r.level).where(
            (r.topic_id == topic) & (r.attempt.finished_at >= start) & (r.attempt.finished_at < end)
        )
        result: dict[tuple[str, str], int] = {}
        for row in rows:
            key = (row["attempt.age_band"], row["level"])
            result[key] = result.get(key, 0) + 1
        return result

    return client.blocking_portal.call(count)


def test_the_default_view_is_the_latest_release_with_its_privacy_loss(official):
    latest = months(official)[0]
    page = official.get("/dashboard")
    assert page.status_code == 200
    assert api(official)["period"] == latest
    assert "ε = 1" in page.text and "ước tính được bảo vệ" in page.text.lower()
    assert '<option value="' + latest + '" selected' in page.text
    # The month still running is never offered.
    assert not any(p > latest for p in re.findall(r'<option value="(\d{4}-\d\d)"', page.text))


def test_in_english_the_places_keep_their_names_and_the_words_around_them_are_english(official):
    official.cookies.set("lang", "en")
    try:
        page = official.get("/dashboard").text
        assert '<option value="province" selected>Ninh Bình province</option>' in page
        assert ">Nam Định ward</option>" in page
        assert "Tỉnh Ninh Bình" not in page and "Phường Nam Định" not in page
        assert "Excel set to Vietnamese reads a comma as the decimal mark" in page
    finally:
        official.cookies.set("lang", "vi")
    page = official.get("/dashboard").text
    assert '<option value="province" selected>Tỉnh Ninh Bình</option>' in page and ">Phường Nam Định</option>" in page


def test_the_trend_is_drawn_as_a_chart_of_the_tables_numbers_against_the_target(official, bank):
    page = official.get("/dashboard").text
    svg = re.search(r'<svg class="trend-chart".*?</svg>', page, re.S)
    assert svg, "no trend chart"
    chart = svg.group(0)
    assert 'role="img"' in chart and '<title id="trend-chart-title">' in chart
    assert len(re.findall(r'<g class="series series-\d', chart)) == len(bank.topics)
    assert "Mục tiêu 70 %" in chart  # the working-age target of targets.toml
    assert "style=" not in chart and "<script" not in chart  # the CSP refuses both
    # Every point is one of the trend table's numbers: twelve months of the latest release, per topic.
    periods = len(re.findall(r"<th scope=\"col\">tháng \d+ năm \d{4}</th>", page.split('id="trend-title"')[1]))
    assert periods >= 2
    table = page.split('id="trend-title"')[1].split("</table>")[0]
    for topic in bank.topics:
        group = re.search(rf"<title>{re.escape(topic.title.vi)}</title>(.*?)</g>", chart, re.S)
        row = re.search(rf'<th scope="row">{re.escape(topic.title.vi)}</th>(.*?)</tr>', table, re.S).group(1)
        shown = [cell for cell in re.findall(r"<td>(.*?)</td>", row, re.S) if "%" in cell]
        assert len(re.findall(r"<(?:circle|rect|polygon) ", group.group(1))) == len(shown) > 0


def test_each_topics_levels_are_drawn_as_stacked_bars_of_its_table(official, bank):
    page = official.get("/dashboard").text
    charts = re.findall(r'<svg class="levels-chart".*?</svg>', page, re.S)
    assert len(charts) == len(bank.topics)
    bars = re.findall(r'<text class="tick"[^>]*>([^<]+)</text>', charts[0])
    assert bars[-1] == "Mọi lứa tuổi" and len(bars) == 7  # six age bands, then all ages
    parts = re.findall(r"<title>([^<]+): (\d+(?:,\d)?)&nbsp;%</title>", charts[0])
    assert parts and all(name in {"Chưa đạt", "Cơ bản", "Trung cấp", "Nâng cao"} for name, _ in parts)
    assert "style=" not in charts[0]


def scroll_boxes_are_reachable_and_named(page: str) -> int:
    """Every sideways-scrolling box is in the tab order and named by a heading or caption on the page."""
    boxes = re.findall(r'<div class="scroll"([^>]*)>', page)
    for attributes in boxes:
        assert 'tabindex="0"' in attributes and 'role="region"' in attributes, attributes
        named = re.search(r'aria-labelledby="([^"]+)"', attributes).group(1)
        assert f'id="{named}"' in page, named
    return len(boxes)


def test_tables_that_scroll_sideways_can_be_reached_by_keyboard_and_are_named(demo):
    # One client at a time: two on one app would share its PostgreSQL pool across event loops.
    with client_of(demo, "canbo.tinh") as official:
        assert scroll_boxes_are_reachable_and_named(official.get("/dashboard").text) >= 5
    with client_of(demo, "quantri") as admin:
        for path in ("/admin/items", "/admin/flags"):
            scroll_boxes_are_reachable_and_named(admin.get(path).text)
    with client_of(demo, "to.cns.a") as team:
        assert scroll_boxes_are_reachable_and_named(team.get("/team").text) >= 1


def test_every_number_of_the_province_view_is_a_sum_of_released_cells(official, bank):
    latest = months(official)[0]
    release = released(official, latest)
    data = api(official, period=latest)
    people = tally([release], "participation", ("age_band", "mode"), {}, ("age_band",))
    assert [n if isinstance(n, int) else None for n in data["participation"]["row_totals"]] == [
        people[(b,)] if people[(b,)] >= 10 else None for b in data["participation"]["rows"]
    ]
    for topic in data["topics"]:
        cells = tally(
            [release],
            "levels",
            ("age_band", "mode", "topic", "level"),
            {"topic": [topic["topic"]]},
            ("age_band", "level"),
        )
        for row, shown in zip(topic["rows"], topic["cells"], strict=True):
            assert shown == [cells[(row, lv)] if cells[(row, lv)] >= 10 else "< 10" for lv in LEVELS]


def test_released_numbers_carry_noise_so_they_are_not_the_true_counts(official, bank):
    """The attack on a live view read true counts; a release gives noisy ones, even where the count is large."""
    equal = compared = 0
    for period in months(official)[:6]:
        release = released(official, period)
        for topic in bank.topic_ids:
            truth = true_levels(official, period, topic)
            cells = tally(
                [release], "levels", ("age_band", "mode", "topic", "level"), {"topic": [topic]}, ("age_band", "level")
            )
            for key, n in truth.items():
                if n >= 10:
                    compared += 1
                    equal += cells[key] == n
    assert compared > 50
    assert equal < compared / 2


def test_a_quarter_is_the_sum_of_its_months_so_month_inside_quarter_gives_only_the_release(official):
    """Quarter minus the other two months recovers one month exactly as released, noise included: no more."""
    quarter = next(p for p in re.findall(r'<option value="(\d{4}-Q\d)"', official.get("/dashboard").text))
    data = api(official, period=quarter, area=COMMUNE_A)
    month_releases = [released(official, m) for m in data["months"]]
    dims = ("commune", "age_band", "mode")
    by_month = [
        tally([r], "participation_by_commune", dims, {"commune": [COMMUNE_A]}, ("age_band",)) for r in month_releases
    ]
    for i, band in enumerate(data["participation"]["rows"]):
        total = sum(m[(band,)] for m in by_month)
        assert data["participation"]["row_totals"][i] == (total if total >= 10 else "< 10")


def test_all_is_self_plus_guided_and_linked_panels_subtract_to_released_rows(official):
    latest = months(official)[0]
    views = {mode: api(official, period=latest, mode=mode) for mode in ("all", "self", "guided")}
    release = released(official, latest)
    for mode in ("self", "guided"):
        people = tally([release], "participation", ("age_band", "mode"), {"mode": [mode]}, ("age_band",))
        total = sum(people.values())
        assert views[mode]["participation"]["total"] == (total if total >= 10 else "< 10")
    everyone = tally([release], "participation", ("age_band", "mode"), {}, ())[()]
    assert views["all"]["participation"]["total"] == everyone
    # Working age is the sum of its bands: topic total minus the working-age rows is the 65+ row as released.
    topic = views["all"]["topics"][0]
    cells = tally(
        [release], "levels", ("age_band", "mode", "topic", "level"), {"topic": [topic["topic"]]}, ("age_band",)
    )
    assert sum(cells[(b,)] for b in WORKING_AGE) + cells[("65+",)] == sum(cells.values())


def test_a_commune_view_shows_age_groups_from_the_commune_tables(official):
    data = api(official, area=COMMUNE_B)
    assert data["area"] == COMMUNE_B
    assert data["topics"][0]["rows"] == ["15-64", "65+"]
    assert data["targets"][0]["rows"] == ["all"]
    page = official.get("/dashboard", params={"area": COMMUNE_B}).text
    assert "theo nhóm tuổi" in page


def test_htmx_gets_the_panels_alone(official):
    fragment = official.get("/dashboard", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="panels"')
    assert "HX-Request" in fragment.headers["vary"]


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"area": "99999"}, 400, "Bảng theo dõi không có địa bàn, kỳ hoặc hình thức này"),
        ({"period": "2026-13"}, 400, "Bảng theo dõi không có địa bàn, kỳ hoặc hình thức này"),
        ({"period": "robots"}, 400, "Bảng theo dõi không có địa bàn, kỳ hoặc hình thức này"),
        ({"mode": "robots"}, 400, "Bảng theo dõi không có địa bàn, kỳ hoặc hình thức này"),
        ({"period": "1999"}, 404, "Chưa có bản công bố"),
        ({"period": "2999-01"}, 404, "Chưa có bản công bố"),
    ],
)
def test_unknown_filters_and_unreleased_periods_are_refused_clearly(official, params, status, message):
    response = official.get("/dashboard", params=params)
    assert response.status_code == status
    assert message in response.text
    assert "levels-by-band" not in response.text


def test_the_api_says_404_for_a_period_without_a_release(official):
    response = official.get("/api/v1/dashboard", params={"period": "2999-01"})
    assert response.status_code == 404
    assert "no published release" in response.text


def test_a_commune_official_sees_their_commune_and_no_other(demo):
    with client_of(demo, "canbo.xa.a") as client:
        assert client.get("/dashboard").status_code == 200
        assert api(client)["area"] == COMMUNE_A
        assert client.get("/dashboard", params={"area": COMMUNE_B}).status_code == 403
        assert client.get("/dashboard", params={"area": "province"}).status_code == 403
        assert client.get("/dashboard/export.csv", params={"area": COMMUNE_B}).status_code == 403
        assert client.get("/api/v1/dashboard", params={"area": COMMUNE_B}).status_code == 403


def csv_rows(client, **params):  # type: ignore[no-untyped-def]
    response = client.get("/dashboard/export.csv", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))


def test_the_csv_export_is_what_the_api_shows_with_a_header(official, bank):
    year = next(p for p in re.findall(r'<option value="(\d{4})"', official.get("/dashboard").text))
    rows = csv_rows(official, period=year)
    assert rows[1][:2] == ["Kỳ", year]
    assert rows[2][0] == "Địa bàn" and rows[4][0] == "Tạo lúc"
    assert "ε = 1" in rows[5][0]
    data = api(official, period=year)
    title = bank.topics[0].title.vi
    block = rows[[r[:1] for r in rows].index([title]) :]
    row_65 = next(r for r in block if r and r[0] == "65+")
    assert [v if v.startswith("<") else int(v) for v in row_65[1:5]] == data["topics"][0]["cells"][5]


def test_the_excel_export_reads_back_with_the_same_numbers(official):
    rows = csv_rows(official)
    response = official.get("/dashboard/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    xlsx_rows = [[v for v in row if v is not None] for row in sheet.iter_rows(values_only=True)]

    def same(value):  # type: ignore[no-untyped-def]
        try:
            return float(value)
        except (TypeError, ValueError):
            return value

    assert len(xlsx_rows) == len(rows)
    for a, b in zip(rows[5:], xlsx_rows[5:], strict=True):
        assert [same(v) for v in a if v != ""] == [same(v) for v in b]


def test_exports_neutralise_formulas():
    from server.web.exports import neutralise

    for text in ('=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "\tx"):
        assert neutralise(text).startswith("'")
    assert neutralise("Phường Nam Định") == "Phường Nam Định"
    assert neutralise(12) == 12


def test_the_api_gives_the_same_numbers_to_a_token(demo):
    with client_of(demo, "quantri") as admin:
        page = admin.get("/admin").text
        row = page.split('<th scope="row">canbo.tinh</th>')[1]
        official_id = re.search(r"/admin/users/(\d+)/", row).group(1)
        page = admin.post(f"/admin/users/{official_id}/token", data={"_csrf_token": csrf_token(admin, "/admin")})
        token = re.search(r'<p class="code one-time">(kns_[\w-]+)</p>', page.text).group(1)
    with client_of(demo) as tool:
        by_token = tool.get("/api/v1/dashboard", headers={"Authorization": f"Bearer {token}"}).json()
        assert tool.get("/api/v1/dashboard", headers={"Authorization": "Bearer kns_wrong"}).status_code == 401
        assert tool.get("/api/v1/dashboard").status_code == 401
    with client_of(demo, "canbo.tinh") as official:
        by_session = api(official)
    assert {k: v for k, v in by_token.items() if k != "generated"} == {
        k: v for k, v in by_session.items() if k != "generated"
    }


def test_the_api_is_in_the_openapi_schema(official):
    schema = official.get("/api/v1/schema/openapi.json").json()
    assert "/api/v1/dashboard" in schema["paths"]
    assert not any(path.startswith("/quiz") for path in schema["paths"])


def test_a_team_member_gets_no_dashboard_data_anywhere(demo):
    with client_of(demo, "to.cns.a") as client:
        assert client.get("/dashboard").status_code == 403
        assert client.get("/dashboard/export.csv").status_code == 403
        assert client.get("/api/v1/dashboard").status_code == 403


def test_item_analysis_reads_closed_releases_only(demo, bank):
    with client_of(demo, "quantri") as admin:
        page = admin.get("/admin/items")
        assert page.status_code == 200
        assert "Từ các bản công bố" in page.text
        assert re.search(r"<td>0,\d\d", page.text)  # a discrimination figure, Vietnamese decimal comma
        # Answers per question are shown only from the threshold up; below it nothing but "< 10".
        counts = [int(n.replace(".", "")) for n in re.findall(r"</a></th>\s*<td>([\d.]+)</td>", page.text)]
        assert counts and min(counts) >= 10


def area_table(page: str) -> list[tuple[str, str, list[str]]]:
    """(commune, people, topic cells) per row of the areas table, as the page shows them."""
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>\s*<td>([^<]+)</td>(.*?)</tr>', page, re.S)
    return [
        (name, people.replace("&lt;", "<").replace("&nbsp;", " "), re.findall(r"<td>(.*?)</td>", rest, re.S))
        for name, people, rest in rows
    ]


def test_the_areas_table_shows_every_commune_with_its_released_sums(official, bank):
    year = api(official)["period"][:4]
    site = official.app.state.site
    page = official.get("/dashboard/areas", params={"period": year}).text
    rows = area_table(page)
    assert len(rows) == len(site.territory.communes) == 129
    releases = [released(official, m) for m in months(official) if m.startswith(year)]
    people = tally(releases, "participation_by_commune", ("commune", "age_band", "mode"), {}, ("commune",))
    by_name = {c.title.vi: c.code for c in site.territory.communes}
    for name, shown, cells in rows:
        n = people.get((by_name[name],), 0)
        assert shown == (f"{n:,}".replace(",", ".") if n >= 10 else "< 10"), name
        assert len(cells) == len(bank.topic_ids)
    judged = " ".join(c for _, _, cells in rows for c in cells)
    assert "Đạt" in judged or "Chưa đạt" in judged  # a year of demo data judges some communes
    assert "Mục tiêu: 70 %" in page


def test_the_areas_table_sorts_on_the_server_with_withheld_rows_last(official):
    year = api(official)["period"][:4]
    page = official.get("/dashboard/areas", params={"period": year, "sort": "people", "order": "desc"}).text
    assert 'aria-sort="descending"' in page
    shown = [people for _, people, _ in area_table(page)]
    numbers = [int(p.replace(".", "")) for p in shown if not p.startswith("<")]
    assert numbers == sorted(numbers, reverse=True) and numbers
    assert all(p.startswith("<") for p in shown[len(numbers) :])  # withheld after every number
    # the header links flip the order of the column sorted by, and start numbers from the highest
    assert "sort=people&amp;order=asc" in page and "sort=name&amp;order=asc" in page


def test_the_dashboard_links_to_the_areas_table_and_a_commune_official_cannot_open_it(demo, official):
    assert "/dashboard/areas?area=province&amp;period=" in official.get("/dashboard").text
    response = official.get("/dashboard/areas", params={"sort": "salary"})
    assert response.status_code == 400 and "Hãy chọn trong danh sách" in response.text


def test_a_commune_official_is_refused_the_areas_of_the_province(demo):
    with client_of(demo, "canbo.xa.a") as client:
        assert "/dashboard/areas" not in client.get("/dashboard").text
        assert client.get("/dashboard/areas").status_code == 403
    with client_of(demo, "to.cns.a") as team:
        assert team.get("/dashboard/areas").status_code == 403
