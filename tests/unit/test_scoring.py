"""Points, the level rule and recommendations (docs/scoring.md)."""

from __future__ import annotations

import pytest

from server.domain.content import Band, Kind
from server.domain.scoring import InvalidAnswer, Level, Scored, check_choice, level_for, recommend, score

from .factories import bank_with, question

MULTI = question("m", kind=Kind.MULTIPLE, right=("a", "b"), options=("a", "b", "c", "d"))
SINGLE = question("s")


@pytest.mark.parametrize(
    ("chosen", "points"),
    [
        ({"a", "b"}, 1.0),  # everything right
        ({"a"}, 0.5),  # half of the right options
        ({"a", "c"}, 0.0),  # one right, one wrong cancel out
        ({"a", "b", "c"}, 0.5),  # all right ones plus a wrong one
        ({"a", "b", "c", "d"}, 0.0),  # ticking every box earns nothing
        ({"c", "d"}, 0.0),  # never below zero
    ],
)
def test_multiple_choice_gives_partial_credit(chosen, points):
    assert score(MULTI, frozenset(chosen)) == pytest.approx(points)


@pytest.mark.parametrize(("chosen", "points"), [({"a"}, 1.0), ({"b"}, 0.0)])
def test_single_choice_is_all_or_nothing(chosen, points):
    assert score(SINGLE, frozenset(chosen)) == points


@pytest.mark.parametrize(
    "chosen",
    [set(), {"z"}, {"a", "b"}],
    ids=["nothing chosen", "an option of another question", "two options on single choice"],
)
def test_a_choice_that_does_not_fit_the_question_is_refused(chosen):
    with pytest.raises(InvalidAnswer):
        check_choice(SINGLE, chosen)


def test_several_options_are_accepted_on_multiple_choice():
    assert check_choice(MULTI, ["a", "b"]) == {"a", "b"}


def answers(points_by_band: dict[Band, list[float]]) -> list[Scored]:
    scored = []
    for band, points in points_by_band.items():
        for n, p in enumerate(points):
            scored.append(Scored(question(f"{band.value}{n}", band=band), frozenset({"a"}), p))
    return scored


B, M, A = Band.BASIC, Band.INTERMEDIATE, Band.ADVANCED  # basic, middle, advanced


@pytest.mark.parametrize(
    ("points", "level"),
    [
        ({B: [0, 0, 0], M: [0, 0, 0], A: [0, 0]}, Level.NOT_YET),  # nothing right
        ({B: [1, 1, 1], M: [1, 1, 1], A: [1, 1]}, Level.ADVANCED),  # everything right
        ({B: [1, 1, 0], M: [0, 0, 0], A: [0, 0]}, Level.BASIC),  # 2 of 3 basic is 67 %
        ({B: [1, 0, 0], M: [1, 1, 1], A: [1, 1]}, Level.NOT_YET),  # advanced answers cannot hide a basic gap
        ({B: [1, 1, 1], M: [1, 1, 0], A: [0, 1]}, Level.INTERMEDIATE),  # 50 % advanced is not enough
        ({B: [1, 1], M: [0.5, 1], A: [1]}, Level.ADVANCED),  # partial credit counts: 75 % intermediate
        ({B: [1, 1], M: [0.5, 0.5], A: [1]}, Level.BASIC),  # 50 % intermediate stops at basic
    ],
)
def test_the_level_rule(points, level):
    assert level_for(answers(points)) == level


def test_a_topic_with_no_answers_has_no_level():
    assert level_for([]) is None


def test_a_band_not_asked_is_judged_by_the_whole_topic():
    assert level_for(answers({B: [1, 1], M: [1, 1]})) == Level.ADVANCED
    assert level_for(answers({B: [1, 1], M: [0, 0]})) == Level.BASIC


def test_nothing_is_recommended_when_everything_is_right():
    bank = bank_with()
    all_right = [Scored(q, q.correct_ids, 1.0) for q in bank.topics[0].questions]
    assert recommend(bank, all_right) == []


def test_a_basic_gap_is_recommended_before_an_advanced_one():
    bank = bank_with()
    safety = bank.topic("safety")
    missed = [Scored(q, frozenset({"b"}), 0.0) for q in safety.in_band(Band.ADVANCED)]
    missed.append(Scored(safety.in_band(Band.BASIC)[0], frozenset({"b"}), 0.0))
    assert [lesson.id for lesson in recommend(bank, missed)] == ["safety-basic", "safety-advanced"]


def test_more_points_missed_comes_first_within_a_band():
    bank = bank_with()
    s, g = bank.topic("safety").in_band(B), bank.topic("signatures").in_band(B)
    missed = [
        Scored(s[0], frozenset({"b"}), 0.0),
        Scored(g[0], frozenset({"b"}), 0.0),
        Scored(g[1], frozenset({"b"}), 0.0),
    ]
    assert [lesson.id for lesson in recommend(bank, missed)][:2] == ["signatures-basic", "safety-basic"]


def test_ties_are_broken_by_topic_order_then_id_whatever_the_answer_order():
    bank = bank_with()
    s, g = bank.topic("safety").in_band(B)[0], bank.topic("signatures").in_band(B)[0]
    one = [Scored(g, frozenset({"b"}), 0.0), Scored(s, frozenset({"b"}), 0.0)]
    assert [lesson.id for lesson in recommend(bank, one)] == ["safety-basic", "signatures-basic"]
    assert recommend(bank, one) == recommend(bank, list(reversed(one)))


def test_at_most_three_lessons_are_recommended():
    bank = bank_with()
    missed = [Scored(q, frozenset({"b"}), 0.0) for t in bank.topics for q in t.questions]
    assert len(recommend(bank, missed)) == 3
