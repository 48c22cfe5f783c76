"""The level rule stays valid for any draw from the real bank and any answers (property-based, hypothesis)."""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain.content import Kind, Question
from server.domain.content_loader import load_bank
from server.domain.draw import draw, scopes
from server.domain.scoring import LEVELS, Level, Scored, check_choice, level_for, score, topic_results
from server.settings import ROOT

BANK = load_bank(ROOT / "quizzes", ROOT / "static" / "pictures", today=dt.date(2026, 11, 30)).bank
assert BANK is not None


@st.composite
def attempts(draw_: st.DrawFn) -> list[Scored]:
    """A drawn quiz with an arbitrary but valid choice for every question."""
    seed = draw_(st.integers(min_value=0, max_value=2**32))
    scope = draw_(st.sampled_from(scopes(BANK)))
    answered = []
    for qid in draw(BANK, scope, random.Random(seed)):
        question = BANK.question(qid)
        options = sorted(question.option_ids)
        if question.kind == Kind.MULTIPLE:
            chosen = draw_(st.sets(st.sampled_from(options), min_size=1))
        else:
            chosen = {draw_(st.sampled_from(options))}
        choice = check_choice(question, chosen)
        answered.append(Scored(question, choice, score(question, choice)))
    return answered


def corrected(answer: Scored) -> Scored:
    question: Question = answer.question
    return Scored(question, question.correct_ids, 1.0)


@settings(max_examples=300, deadline=None)
@given(attempts())
def test_every_topic_asked_gets_a_level(answered):
    topics = {a.question.topic_id for a in answered}
    results = topic_results(BANK, sorted(topics), answered)
    assert all(r.level in LEVELS for r in results)
    assert all(0 <= r.points <= r.possible for r in results)


@settings(max_examples=300, deadline=None)
@given(attempts(), st.data())
def test_getting_one_more_answer_right_never_lowers_the_level(answered, data):
    index = data.draw(st.integers(min_value=0, max_value=len(answered) - 1))
    better = [*answered[:index], corrected(answered[index]), *answered[index + 1 :]]
    topic = answered[index].question.topic_id
    before = level_for([a for a in answered if a.question.topic_id == topic])
    after = level_for([a for a in better if a.question.topic_id == topic])
    assert after.rank >= before.rank


@settings(max_examples=100, deadline=None)
@given(attempts())
def test_all_right_is_advanced_and_all_wrong_is_not_yet(answered):
    right = [corrected(a) for a in answered]
    wrong = [Scored(a.question, a.choice, 0.0) for a in answered]
    for topic in {a.question.topic_id for a in answered}:
        assert level_for([a for a in right if a.question.topic_id == topic]) == Level.ADVANCED
        assert level_for([a for a in wrong if a.question.topic_id == topic]) == Level.NOT_YET
