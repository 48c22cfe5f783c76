"""The start form offers every commune and ward of the province, grouped, without JavaScript; a code that is not
on the current list is refused with a clear message and nothing the person chose is lost."""

from __future__ import annotations

import re

from .helpers import start


def test_the_start_form_offers_all_129_communes_and_wards_of_ninh_binh_grouped(client):
    page = client.get("/start").text
    select = page[page.index('<select id="commune-select"') : page.index("</select>")]
    codes = re.findall(r'<option value="(\d{5})"', select)
    assert len(codes) == len(set(codes)) == 129
    assert re.findall(r'<optgroup label="([^"]+)"', select) == ["Phường", "Xã"]
    assert '<option value="13669" >Nam Định</option>' in select
    client.cookies.set("lang", "en")
    english = client.get("/start").text
    assert re.findall(r'<optgroup label="([^"]+)"', english) == ["Wards", "Communes"]


def test_any_current_commune_of_the_province_is_accepted(client):
    assert start(client, commune="14614").status_code == 303  # Xã Khánh Hội: not in the old 20-ward list


def test_a_commune_code_that_is_not_current_is_refused_clearly_and_the_answers_stay(client):
    # 13666 was Phường Nam Định's code in a draft list; 13294 a ward before the 2025 merger.
    for code in ("13666", "13294", "00004"):
        refused = start(client, commune=code, age_band="55-64")
        assert refused.status_code == 400
        assert "không có trong danh mục hiện hành" in refused.text
        assert re.search(r'value="55-64"\s+checked', refused.text)
