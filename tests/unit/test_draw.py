"""The draw: balanced, mixed, no repeat of the previous attempt where the bank allows."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from server.domain.content import Band
from server.domain.draw import FULL_CHECK, FULL_CHECK_PLAN, SINGLE_TOPIC_PLAN, UnknownScope, draw

from .factories import bank_with


@pytest.mark.parametrize("seed", range(20))
def test_a_single_topic_draws_eight_with_every_band(seed):
    bank = bank_with(per_band=6)
    ids = draw(bank, "safety", random.Random(seed))
    bands = Counter(bank.question(q).band for q in ids)
    assert bands == Counter(SINGLE_TOPIC_PLAN)
    assert len(set(ids)) == len(ids) == 8


def test_the_full_check_draws_five_per_topic_easy_first():
    bank = bank_with(per_band=6, topics=("safety", "signatures", "services"))
    ids = draw(bank, FULL_CHECK, random.Random(1))
    assert len(ids) == 15
    for topic in bank.topics:
        mine = [bank.question(q) for q in ids if bank.question(q).topic_id == topic.id]
        assert Counter(q.band for q in mine) == Counter(FULL_CHECK_PLAN)
        assert [q.band for q in mine] == sorted((q.band for q in mine), key=list(Band).index)


def test_scenario_and_knowledge_questions_are_mixed_within_a_band():
    bank = bank_with(per_band=6, scenario_every=2)
    for seed in range(20):
        ids = draw(bank, "safety", random.Random(seed))
        basic = [bank.question(q) for q in ids if bank.question(q).band == Band.BASIC]
        assert {q.scenario for q in basic} == {True, False}


def test_a_retake_avoids_the_previous_questions_when_the_bank_allows():
    bank = bank_with(per_band=6)
    first = draw(bank, "safety", random.Random(1))
    second = draw(bank, "safety", random.Random(2), avoid=first)
    assert not set(first) & set(second)


def test_a_small_bank_repeats_only_what_it_must():
    bank = bank_with(per_band=4)
    first = draw(bank, "safety", random.Random(1))
    second = draw(bank, "safety", random.Random(2), avoid=first)
    assert len(second) == 8
    assert len(set(first) & set(second)) < len(first)


def test_an_unknown_scope_is_refused():
    with pytest.raises(UnknownScope):
        draw(bank_with(), "cooking", random.Random(1))
