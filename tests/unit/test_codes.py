from __future__ import annotations

import random

import pytest

from server.domain.codes import ALPHABET, format_code, new_code, normalize_code


def test_codes_leave_out_characters_that_look_alike():
    assert not set("01OI") & set(ALPHABET)
    code = new_code(random.Random(3).choice)
    assert len(code) == 8 and set(code) <= set(ALPHABET)


@pytest.mark.parametrize("typed", ["ABCD-2345", "abcd2345", " abcd 2345 ", "ABCD.2345"])
def test_what_people_type_is_read_as_the_code(typed):
    assert normalize_code(typed) == "ABCD2345"


@pytest.mark.parametrize("typed", ["", "ABCD-234", "ABCD-23450", "ABCD-2O45", "ABCD-1345", "<script>"])
def test_something_that_cannot_be_a_code_is_refused(typed):
    assert normalize_code(typed) is None


def test_a_code_is_shown_in_two_halves():
    assert format_code("ABCD2345") == "ABCD-2345"
