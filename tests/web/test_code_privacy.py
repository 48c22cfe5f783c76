"""A result code never travels in a URL the server sees: the QR's link holds it in the fragment, and the lookup
is a POST. GET /code only shows the form."""

from __future__ import annotations

import datetime as dt
import re

from server.web.results import qr_svg

from .helpers import csrf_token, finish, start

CODE = re.compile(r'<p class="code"[^>]*>([A-Z2-9]{4}-[A-Z2-9]{4})</p>')
NOT_FOUND = "Không tìm thấy bài kiểm tra đã hoàn thành với mã này"
ADVANCED = "Nâng cao"  # the level every right answer reaches


def finished_code(client, bank) -> str:  # type: ignore[no-untyped-def]
    start(client, scope=bank.topics[0].id)
    finish(client, bank)
    return CODE.search(client.get("/results").text).group(1)


def look_up(client, code: str):  # type: ignore[no-untyped-def]
    return client.post("/code", data={"_csrf_token": csrf_token(client, "/code"), "code": code})


def test_a_code_in_the_query_string_is_not_looked_up(client, bank):
    code = finished_code(client, bank)
    page = client.get("/code", params={"c": code})
    assert page.status_code == 200
    assert ADVANCED not in page.text
    assert code not in page.text
    assert 'method="post" action="/code"' in page.text


def test_posting_the_code_shows_its_levels(client, bank):
    code = finished_code(client, bank)
    client.cookies.delete("attempt")  # another device: only the code links the person to the result
    page = look_up(client, code)
    assert page.status_code == 200
    assert ADVANCED in page.text
    assert code in page.text
    assert page.headers["cache-control"] == "no-store"


def test_a_code_typed_in_lower_case_without_the_dash_is_found(client, bank):
    code = finished_code(client, bank)
    assert ADVANCED in look_up(client, code.replace("-", " ").lower()).text


def test_a_wrong_code_gets_a_404_in_vietnamese(client):
    page = look_up(client, "ZZZZ-ZZZZ")
    assert page.status_code == 404
    assert NOT_FOUND in page.text
    assert 'value="ZZZZ-ZZZZ"' in page.text  # what was typed stays in the field, to correct it


def test_the_lookup_without_a_csrf_token_is_refused(client, bank):
    code = finished_code(client, bank)
    assert client.post("/code", data={"code": code}).status_code == 403


def test_the_lookup_form_tells_people_without_javascript_to_type_the_code(client):
    page = client.get("/code").text
    assert "Nhập mã được in bên cạnh mã QR" in page
    assert re.search(r'<script src="/static/js/code-from-fragment\.[0-9a-f]{10}\.js" defer></script>', page)


def test_the_qr_on_the_results_page_and_the_card_holds_the_code_in_the_fragment(client, bank, settings):
    code = finished_code(client, bank)
    for path in ("/results", "/results/card"):
        page = client.get(path).text
        assert qr_svg(f"{settings.public_origin}/code#{code}") in page, path
        assert qr_svg(f"{settings.public_origin}/code?c={code}") not in page, path


def test_the_card_prints_the_code_beside_its_qr(client, bank):
    code = finished_code(client, bank)
    card = client.get("/results/card").text
    box = re.search(r'<div class="card-code">(.*?)<p class="remember">', card, re.S)
    assert box, "the card has no code box"
    assert "<svg" in box.group(1) and f'<p class="code">{code}</p>' in box.group(1)
    # The day in full words, in Vietnam time, as on an official letter.
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()
    assert f"Hoàn thành ngày {today.day} tháng {today.month} năm {today.year}" in card
    client.cookies.set("lang", "en")
    assert f"Finished on {today.day} {today:%B} {today.year}" in client.get("/results/card").text


def test_no_page_of_the_results_puts_the_code_in_a_query_string(client, bank):
    code = finished_code(client, bank)
    bare = code.replace("-", "")
    for path in ("/results", "/results/card"):
        page = client.get(path).text
        assert "?c=" not in page, path
        assert not re.search(rf"\?[^\s\"'<>]*({code}|{bare})", page), path


def test_a_result_can_still_be_erased_with_its_code(client, bank):
    code = finished_code(client, bank)
    data = {"_csrf_token": csrf_token(client, "/code"), "code": code, "confirm": "yes"}
    assert client.post("/code/delete", data=data).status_code == 200
    assert look_up(client, code).status_code == 404
