"""No cue survives: options shown in an order of each attempt's own, cue statistics that see a planted cue, and a
guesser simulation that finds it."""

from __future__ import annotations

import dataclasses
import itertools
import random
from collections import Counter

from benchmarks.guessers import STRATEGIES, at_least, simulate
from server.domain.content import Band, Bank, Kind
from server.domain.cues import length_ranks, topic_cues
from server.domain.scoring import Level
from server.domain.shuffle import option_order, options_of, question_of
from server.domain.text import Text

from .factories import lesson, question, topic


def test_an_attempt_shows_one_order_every_time_and_attempts_cover_every_order_evenly():
    q = question("q", options=("a", "b", "c", "d"))
    assert option_order(q, "attempt-1") == option_order(q, "attempt-1")  # a reload, the pack, the results page
    firsts = Counter(option_order(q, f"attempt-{n}")[0].id for n in range(8000))
    orders = Counter(tuple(o.id for o in option_order(q, f"attempt-{n}")) for n in range(24000))
    assert set(firsts) == {"a", "b", "c", "d"}
    assert all(abs(n / 8000 - 0.25) < 0.02 for n in firsts.values()), firsts
    assert len(orders) == 24  # every order of four options happens ...
    assert all(abs(n / 24000 - 1 / 24) < 0.008 for n in orders.values())  # ... about equally often
    other = question("other", options=("a", "b", "c", "d"))
    assert sum(option_order(q, f"s{n}") != option_order(other, f"s{n}") for n in range(200)) > 150


def test_true_or_false_keeps_true_before_false():
    q = question("tf", kind=Kind.TRUE_FALSE, options=("true", "false"), right=("false",))
    assert [o.id for o in option_order(q, "any")] == ["true", "false"]


def test_the_form_names_places_and_older_forms_still_work():
    q = question("q", options=("a", "b", "c"))
    shown = option_order(q, "seed")
    assert options_of(["A1", "A3"], shown) == [shown[0].id, shown[2].id]
    assert options_of(["b", "A9", "zz"], shown) == ["b", "A9", "zz"]  # ids as before; strangers left to be refused
    ids = ("first-q", "second-q")
    assert question_of("Q2", ids) == "second-q" and question_of("first-q", ids) == "first-q"
    assert question_of("Q3", ids) is None and question_of("Q0", ids) is None


def _with_texts(q, texts: dict[str, str]):  # type: ignore[no-untyped-def]
    return dataclasses.replace(
        q, options=tuple(dataclasses.replace(o, text=Text(texts[o.id], texts[o.id])) for o in q.options)
    )


def _planted(n: int, key_text: str = "Gọi lại số tổng đài in trên thẻ ngân hàng của mình") -> list:
    """Single-choice items whose key is always the longest option, and starts with "Không"."""
    items = []
    for i in range(n):
        q = question(f"q{i}", band=list(Band)[i % 3], options=("a", "b", "c", "d"), right=("c",))
        items.append(
            _with_texts(q, {"a": "Làm theo ngay", "b": "Hỏi người gửi", "c": "Không " + key_text, "d": "Chờ thêm"})
        )
    return items


def test_a_key_that_is_always_the_longest_fails_the_length_and_refusal_figures():
    planted = topic("t", _planted(12), [lesson("safety-lesson", "t")])
    figures = {f.name: f for f in topic_cues(planted).figures}
    assert not figures["key is the longest"].passed and figures["key is the longest"].observed == 1.0
    assert not figures["keys starting with a refusal"].passed
    assert not topic_cues(planted).passed


def test_balanced_lengths_and_wording_pass():
    items = []
    for i in range(12):
        q = question(f"q{i}", band=list(Band)[i % 3], options=("a", "b", "c", "d"), right=("a",))
        sizes = [10, 13, 16, 19]
        key = sizes.pop(i % 4)  # the key is the shortest, 2nd shortest, 2nd longest, longest in turn
        items.append(_with_texts(q, {o: "x" * n for o, n in zip("abcd", [key, *sizes], strict=True)}))
    figures = {f.name: f for f in topic_cues(topic("t", items, [])).figures}
    assert figures["key is the longest"].passed and figures["key is the shortest"].passed


def test_ties_share_the_credit():
    q = _with_texts(question("q", options=("a", "b", "c"), right=("a",)), {"a": "xxxx", "b": "xxxx", "c": "xx"})
    assert length_ranks(q) == {"longest": 0.5, "second": 0.5, "shortest": 0.0}


def test_true_false_answered_one_way_fails_and_a_picture_name_that_tells_fails():
    statements = [
        question(f"s{i}", band=list(Band)[i % 3], kind=Kind.TRUE_FALSE, options=("true", "false"), right=("false",))
        for i in range(6)
    ]
    named = dataclasses.replace(statements[0], picture="t-fake-email.svg")
    cues = topic_cues(topic("t", [named, *statements[1:]], []), lambda name: "<svg><title>Email giả mạo</title></svg>")
    figures = {f.name: f for f in cues.figures}
    assert not figures["true/false answered false"].passed
    assert any("fake" in p for p in cues.names) and any("verdict" in p for p in cues.names)


def _bank(items) -> Bank:  # type: ignore[no-untyped-def]
    return Bank((topic("safety", items, [lesson("safety-lesson")]),))


def test_the_guesser_simulation_finds_a_planted_length_cue_and_not_a_missing_one():
    planted = _bank(_planted(12))
    rounds = 400
    by = {name: simulate(planted, "safety", s, rounds, random.Random(3))["safety"] for name, s in STRATEGIES.items()}
    assert at_least(by["longest"], Level.ADVANCED) == 1.0  # the longest option is always right
    assert at_least(by["refusal first"], Level.ADVANCED) == 1.0
    assert at_least(by["random"], Level.BASIC) < 0.3
    # The same items with the key's text as short as the rest: length and wording no longer help.
    plain = [
        _with_texts(q, {"a": "Làm theo ngay", "b": "Hỏi người gửi", "c": "Gọi tổng đài", "d": "Chờ thêm"})
        for q in _planted(12)
    ]
    fair = _bank(plain)
    longest = simulate(fair, "safety", STRATEGIES["longest"], rounds, random.Random(3))["safety"]
    rand = simulate(fair, "safety", STRATEGIES["random"], rounds, random.Random(3))["safety"]
    assert at_least(longest, Level.BASIC) - at_least(rand, Level.BASIC) < 0.15


def test_fixed_positions_gain_nothing_once_options_are_shuffled():
    items = [question(f"q{i}", band=list(Band)[i % 3], options=("a", "b", "c", "d"), right=("a",)) for i in range(12)]
    shuffled = _bank(items)
    first = simulate(shuffled, "safety", STRATEGIES["first shown"], 600, random.Random(5))["safety"]
    rand = simulate(shuffled, "safety", STRATEGIES["random"], 600, random.Random(5))["safety"]
    assert abs(at_least(first, Level.BASIC) - at_least(rand, Level.BASIC)) < 0.08
    assert list(itertools.islice((o.id for o in option_order(items[0], "x")), 1))  # the file's "a" is not always first
