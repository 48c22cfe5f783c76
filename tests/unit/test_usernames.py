from __future__ import annotations

import pytest

from server.domain.staff import InvalidUsername, imitated, look_alike, normalize_username


@pytest.mark.parametrize(
    ("typed", "name"),
    [("Admin1", "admin1"), ("admin¹", "admin1"), ("ａｄｍｉｎ", "admin"), (" Trần.Văn.An ", "trần.văn.an")],
)
def test_usernames_are_compared_in_one_form(typed, name):
    assert normalize_username(typed) == name


@pytest.mark.parametrize("typed", ["аdmin1", "admіn", "αdmin", "ad", "a" * 41, "ad min", "admin١", "ad\u200bmin"])
def test_other_scripts_invisible_characters_and_odd_lengths_are_refused(typed):
    with pytest.raises(InvalidUsername):
        normalize_username(typed)


def test_names_that_read_the_same_are_look_alikes():
    assert look_alike("trần.văn.an") == look_alike("tran_van_an") == look_alike("tran-van-an")
    assert look_alike("adm1n") == look_alike("admln") == look_alike("admin")
    assert imitated("admln", ["quantri", "admin"]) == "admin"
    assert imitated("admin", ["admin"]) is None  # itself
    assert imitated("canbo.tinh", ["canbo.xa"]) is None
