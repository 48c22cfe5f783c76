"""The officials' dashboard over HTTP: numbers that match the raw data, suppression, scope, filters, exports."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from server.db import tables
from server.domain.dashboard import periods_offered

from ..conftest import cli
from .helpers import csrf_token, finish, start
from .staff import COMMUNE_A, COMMUNE_B, log_in


@pytest.fixture(scope="module")
def demo(database_url, personas):  # type: ignore[no-untyped-def]
    """Four thousand synthetic attempts written by the real demo-data command."""
    result = cli(database_url, "demo-data", "--attempts", "4000", "--seed", "7")
    assert result.returncode == 0, result.stderr


def year_key() -> str:
    from server.web.dashboard import today

    return next(p.key for p in periods_offered(today()) if p.kind == "year")


def raw_levels(client, topic: str, year: str, commune: str | None = None) -> dict[tuple[str, str], int]:  # type: ignore[no-untyped-def]
    """The same numbers counted from the raw attempts and topic results, not from the rollups."""

    async def count() -> dict[tuple[str, str], int]:
        rows = await tables.TopicResult.select(
            tables.TopicResult.attempt.age_band,
            tables.TopicResult.level,
            tables.TopicResult.attempt.finished_at,
            tables.TopicResult.attempt.commune,
        ).where(tables.TopicResult.topic_id == topic)
        from server.db.rollups import month_of

        result: dict[tuple[str, str], int] = {}
        for r in rows:
            if month_of(r["attempt.finished_at"]).startswith(year) and (
                commune is None or r["attempt.commune"] == commune
            ):
                key = (r["attempt.age_band"], r["level"])
                result[key] = result.get(key, 0) + 1
        return result

    return client.blocking_portal.call(count)


def as_official(client, personas, who: str = "official_province") -> None:  # type: ignore[no-untyped-def]
    log_in(client, personas[who].username, personas[who].password)


def test_the_province_table_matches_a_count_of_the_raw_data(client, personas, demo, bank):
    as_official(client, personas)
    year = year_key()
    page = client.get("/dashboard", params={"period": year})
    assert page.status_code == 200
    topic = bank.topics[0].id
    expected = raw_levels(client, topic, year)
    section = page.text.split(f'id="topic-{topic}"')[1].split("</section>")[0]
    row_65 = section.split('<th scope="row">65+</th>')[1].split("</tr>")[0]
    shown = [int(n.replace(".", "")) for n in re.findall(r"<td>([\d.]+)<br>", row_65)]
    assert shown == [expected.get(("65+", level), 0) for level in ("not_yet", "basic", "intermediate", "advanced")]


def test_older_people_are_weaker_in_the_demo_data(client, personas, demo, bank):
    as_official(client, personas)
    expected = raw_levels(client, bank.topics[0].id, year_key())
    share = lambda band: expected.get((band, "not_yet"), 0) / sum(v for (b, _), v in expected.items() if b == band)  # noqa: E731
    assert share("65+") > share("15-24")


def test_a_small_group_is_withheld_not_shown(client, personas, demo):
    from server.db.rollups import month_of
    from server.web.dashboard import today

    as_official(client, personas)
    month = periods_offered(today())[0].key  # this month: few guided attempts per commune

    async def guided_here() -> int:
        rows = await tables.Attempt.select(tables.Attempt.finished_at).where(
            (tables.Attempt.commune == COMMUNE_A)
            & (tables.Attempt.mode == "guided")
            & tables.Attempt.finished_at.is_not_null()
        )
        return sum(month_of(r["finished_at"]) == month for r in rows)

    assert client.blocking_portal.call(guided_here) < 10
    page = client.get("/dashboard", params={"period": month, "area": COMMUNE_A, "mode": "guided"})
    assert page.status_code == 200
    assert "có quá ít người trong kỳ đã chọn" in page.text
    assert "levels-by-band" not in page.text


def test_no_published_cell_is_between_1_and_k_minus_1(client, personas, demo):
    as_official(client, personas)
    for params in ({"period": year_key()}, {"period": year_key(), "area": COMMUNE_B, "mode": "self"}):
        page = client.get("/dashboard", params=params).text
        numbers = [int(n.replace(".", "")) for n in re.findall(r"<td>([\d.]+)(?:<br>|</td>)", page)]
        assert numbers and all(n == 0 or n >= 10 for n in numbers)


def test_htmx_gets_the_panels_alone(client, personas, demo):
    as_official(client, personas)
    fragment = client.get("/dashboard", params={"period": year_key()}, headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="panels"')
    assert "HX-Request" in fragment.headers["vary"]


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"area": "99999"}, 400),
        ({"period": "1999"}, 400),
        ({"period": "2026-13"}, 400),
        ({"mode": "robots"}, 400),
    ],
)
def test_unknown_filters_are_a_clear_400(client, personas, params, status):
    as_official(client, personas)
    response = client.get("/dashboard", params=params)
    assert response.status_code == status
    assert "Bảng theo dõi không có địa bàn, kỳ hoặc hình thức này" in response.text
    assert "levels-by-band" not in response.text


def test_a_commune_official_sees_their_commune_and_no_other(client, personas, demo):
    as_official(client, personas, "official_a")
    assert client.get("/dashboard", params={"period": year_key()}).status_code == 200
    assert client.get("/dashboard", params={"area": COMMUNE_B}).status_code == 403
    assert client.get("/dashboard", params={"area": "province"}).status_code == 403
    assert client.get("/dashboard/export.csv", params={"area": COMMUNE_B}).status_code == 403
    assert client.get("/api/v1/dashboard", params={"area": COMMUNE_B}).status_code == 403


def test_the_csv_export_is_what_the_screen_shows_with_a_header(client, personas, demo, bank):
    as_official(client, personas)
    year = year_key()
    response = client.get("/dashboard/export.csv", params={"period": year})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert rows[1] == ["Kỳ", year]
    assert rows[2][0] == "Địa bàn"
    assert rows[4][0] == "Tạo lúc"
    expected = raw_levels(client, bank.topics[0].id, year)
    title = bank.topics[0].title.vi
    block = rows[[r[:1] for r in rows].index([title]) :]
    row_65 = next(r for r in block if r and r[0] == "65+")
    assert [int(v) for v in row_65[1:5]] == [
        expected.get(("65+", lv), 0) for lv in ("not_yet", "basic", "intermediate", "advanced")
    ]


def test_the_excel_export_reads_back_with_the_same_numbers(client, personas, demo):
    as_official(client, personas)
    year = year_key()
    csv_rows = list(
        csv.reader(io.StringIO(client.get("/dashboard/export.csv", params={"period": year}).text.lstrip("\ufeff")))
    )
    response = client.get("/dashboard/export.xlsx", params={"period": year})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    xlsx_rows = [[v for v in row if v is not None] for row in sheet.iter_rows(values_only=True)]

    def same(value):  # type: ignore[no-untyped-def]
        try:
            return float(value)
        except (TypeError, ValueError):
            return value

    assert len(xlsx_rows) == len(csv_rows)
    for a, b in zip(csv_rows[5:], xlsx_rows[5:], strict=True):
        assert [same(v) for v in a if v != ""] == [same(v) for v in b]


def test_exports_neutralise_formulas():
    from server.web.exports import neutralise

    for text in ('=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "\tx"):
        assert neutralise(text).startswith("'")
    assert neutralise("Phường Nam Định") == "Phường Nam Định"
    assert neutralise(12) == 12


def test_the_api_gives_the_same_numbers_to_a_token(client, personas, demo, bank):
    log_in(client, personas["admin"].username, personas["admin"].password)
    admin_page = client.get("/admin").text
    row = admin_page.split(f'<th scope="row">{personas["official_province"].username}</th>')[1]
    official_id = re.search(r"/admin/users/(\d+)/", row).group(1)
    page = client.post(f"/admin/users/{official_id}/token", data={"_csrf_token": csrf_token(client, "/admin")})
    token = re.search(r'<p class="code one-time">(kns_[\w-]+)</p>', page.text).group(1)
    client.cookies.clear()
    year = year_key()
    data = client.get("/api/v1/dashboard", params={"period": year}, headers={"Authorization": f"Bearer {token}"}).json()
    assert data["period"] == year and data["area"] == "province" and data["withheld"] is False
    topic = next(t for t in data["topics"] if t["topic"] == bank.topics[0].id)
    expected = raw_levels(client, bank.topics[0].id, year)
    assert topic["cells"][5] == [
        expected.get(("65+", lv), 0) for lv in ("not_yet", "basic", "intermediate", "advanced")
    ]
    assert client.get("/api/v1/dashboard", headers={"Authorization": "Bearer kns_wrong"}).status_code == 401
    assert client.get("/api/v1/dashboard").status_code == 401


def test_the_api_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/schema/openapi.json").json()
    assert "/api/v1/dashboard" in schema["paths"]
    assert not any(path.startswith("/quiz") for path in schema["paths"])


def test_a_team_member_gets_no_dashboard_data_anywhere(client, personas):
    log_in(client, personas["team_a"].username, personas["team_a"].password)
    assert client.get("/dashboard").status_code == 403
    assert client.get("/dashboard/export.csv").status_code == 403
    assert client.get("/api/v1/dashboard").status_code == 403


def test_about_you_answers_count_once(client, bank):
    start(client, scope=bank.topics[0].id)
    finish(client, bank)
    token = csrf_token(client, "/results")
    data = {"_csrf_token": token, "smartphone": "yes", "bank_account": "no", "digital_signature": "skip"}
    assert client.post("/results/about", data=data, follow_redirects=False).status_code == 303
    page = client.get("/results").text
    assert "Cảm ơn" in page
    assert client.post("/results/about", data={**data, "smartphone": "maybe"}).status_code == 400


def test_item_analysis_for_admins(client, personas, demo, bank):
    log_in(client, personas["admin"].username, personas["admin"].password)
    page = client.get("/admin/items")
    assert page.status_code == 200
    assert bank.topics[0].questions[0].id in page.text
    assert re.search(r"<td>0,\d\d", page.text)  # a discrimination figure, Vietnamese decimal comma
