"""The administrative map since 1 July 2025, as generated from the pinned `vietnam-provinces` release."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from server.data import update_map
from server.domain.areas import AreasError, load_country, load_province
from server.settings import Settings

MAP = Settings().map_file


def test_the_country_has_34_provinces_and_3321_communes_and_no_districts():
    provinces = load_country(MAP)
    assert len(provinces) == 34
    kinds = Counter(c.kind for p in provinces for c in p.communes)
    assert kinds == {"xã": 2621, "phường": 687, "đặc khu": 13}
    assert all(len(c.code) == 5 and c.code.isdigit() for p in provinces for c in p.communes)


def test_ninh_binh_has_its_129_communes_and_wards_with_the_decisions_codes():
    ninh_binh = load_province(MAP, "37")
    assert (ninh_binh.name.vi, ninh_binh.name.en) == ("Tỉnh Ninh Bình", "Ninh Bình province")
    assert len(ninh_binh.communes) == 129
    # Decision 19/2025/QĐ-TTg's codes (the draft-based library release had these three rotated and 13666).
    for code, name in [
        ("13285", "Phường Phủ Lý"),
        ("13291", "Phường Phù Vân"),
        ("13318", "Phường Châu Sơn"),
        ("13669", "Phường Nam Định"),
        ("13684", "Phường Thiên Trường"),
    ]:
        assert ninh_binh.commune(code).name == name, code
    assert ninh_binh.commune("13669").title.en == "Nam Định ward"


@pytest.mark.parametrize("code", ["13666", "13294", "00004", "1328", ""])
def test_a_code_that_is_not_a_current_commune_of_the_province_is_unknown(code):
    assert load_province(MAP, "37").commune(code) is None  # 00004 is in Hà Nội; 13294 and 13666 are not current


def test_the_start_list_groups_wards_then_communes_in_alphabetical_order():
    groups = load_province(MAP, "37").by_kind()
    assert [(kind, len(members)) for kind, members in groups] == [("phường", 32), ("xã", 97)]
    wards = [c.place for c in groups[0][1]]
    assert wards.index("Duy Tiên") < wards.index("Đông Hoa Lư") < wards.index("Hà Nam")


def test_an_unknown_province_names_the_ones_there_are():
    with pytest.raises(AreasError, match="PROVINCE='99' is not a province code.*37 Tỉnh Ninh Bình"):
        load_province(MAP, "99")


def test_the_map_file_is_the_generators_output_for_the_pinned_release():
    source = json.loads(MAP.read_text(encoding="utf-8"))["source"]
    assert source.startswith(f"vietnam-provinces {update_map.PINNED} ")
