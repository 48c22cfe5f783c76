"""Test-wise guessers: how far does reading only the wording and position of options get a person who knows nothing?

    python -m benchmarks.guessers [--attempts N] [--content-dir DIR]

Each strategy sees what the screen shows (the options in the attempt's shuffled order, their Vietnamese text) and
nothing else. Over N simulated attempts per topic check and for the full check, with the real draw, the real
shuffle and the real level rule, it prints the share of topic results reaching each level, and flags a strategy that
reaches Cơ bản (basic) or better more than MARGIN points above random guessing. Prints numbers; asserts nothing
(tests/unit/test_guessers.py checks the simulation on a planted bank)."""

from __future__ import annotations

import argparse
import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from server.domain.content import Bank, Kind, Option, Question
from server.domain.content_loader import load_bank
from server.domain.cues import has_absolute_word, starts_with_refusal
from server.domain.draw import FULL_CHECK, draw
from server.domain.scoring import LEVELS, Level, Scored, score, topic_results
from server.domain.shuffle import option_order
from server.settings import ROOT

MARGIN = 0.05  # what "far above random" means: 5 points more topic results at Cơ bản or better
Strategy = Callable[[Question, Sequence[Option], random.Random], frozenset[str]]


def _one(option: Option) -> frozenset[str]:
    return frozenset({option.id})


def _random_pick(question: Question, shown: Sequence[Option], rng: random.Random) -> frozenset[str]:
    if question.kind == Kind.MULTIPLE:
        ticked = [o for o in shown if rng.random() < 0.5]
        return frozenset(o.id for o in ticked or [rng.choice(shown)])
    return _one(rng.choice(shown))


def _by_length(rank: int) -> Strategy:
    """Single choice: the option of this length rank (0 = longest); multiple choice: the longer half."""

    def pick(question: Question, shown: Sequence[Option], rng: random.Random) -> frozenset[str]:
        if question.kind == Kind.TRUE_FALSE:
            return _random_pick(question, shown, rng)
        by_length = sorted(shown, key=lambda o: (-len(o.text.vi), rng.random()))
        if question.kind == Kind.MULTIPLE:
            return frozenset(o.id for o in by_length[: max(1, len(by_length) // 2)])
        return _one(by_length[min(rank, len(by_length) - 1)])

    return pick


def _refusal_first(question: Question, shown: Sequence[Option], rng: random.Random) -> frozenset[str]:
    refusals = [o for o in shown if starts_with_refusal(o)]
    if question.kind == Kind.TRUE_FALSE or not refusals:
        return _random_pick(question, shown, rng)
    if question.kind == Kind.MULTIPLE:
        return frozenset(o.id for o in refusals)
    return _one(refusals[0])


def _always_false(question: Question, shown: Sequence[Option], rng: random.Random) -> frozenset[str]:
    if question.kind == Kind.TRUE_FALSE:
        return frozenset({"false"})
    return _random_pick(question, shown, rng)


def _position(index: int) -> Strategy:
    def pick(question: Question, shown: Sequence[Option], rng: random.Random) -> frozenset[str]:
        if question.kind == Kind.MULTIPLE:
            return frozenset(o.id for o in (shown[:2] if index == 0 else shown[-2:]))
        return _one(shown[index])

    return pick


def _rule_set(question: Question, shown: Sequence[Option], rng: random.Random) -> frozenset[str]:
    """The reviewers' rule set: an absolute word makes a statement false, otherwise true; the careful-sounding
    option (a refusal) wins; failing that, the second-longest."""
    if question.kind == Kind.TRUE_FALSE:
        return frozenset({"false" if has_absolute_word(question) else "true"})
    if any(starts_with_refusal(o) for o in shown):
        return _refusal_first(question, shown, rng)
    return _by_length(1)(question, shown, rng)


STRATEGIES: dict[str, Strategy] = {
    "random": _random_pick,
    "longest": _by_length(0),
    "second-longest": _by_length(1),
    "refusal first": _refusal_first,
    'always "Sai"': _always_false,
    "first shown": _position(0),
    "last shown": _position(-1),
    "rule set": _rule_set,
}


def simulate(bank: Bank, scope: str, strategy: Strategy, attempts: int, rng: random.Random) -> dict[str, Counter]:
    """Per topic, how many of `attempts` topic results reached each level."""
    reached: dict[str, Counter] = {}
    for _ in range(attempts):
        question_ids = draw(bank, scope, rng)
        seed = f"{rng.random()}"  # stands for the attempt's secret id, which seeds its shuffle
        answers = []
        for question_id in question_ids:
            question = bank.question(question_id)
            choice = strategy(question, option_order(question, seed), rng)
            answers.append(Scored(question, choice, score(question, choice)))
        topics = list(dict.fromkeys(bank.question(q).topic_id for q in question_ids))
        for result in topic_results(bank, topics, answers):
            reached.setdefault(result.topic_id, Counter())[result.level or Level.NOT_YET] += 1
    return reached


def at_least(counts: Counter, level: Level) -> float:
    total = sum(counts.values())
    rank = LEVELS.index(level)
    return sum(n for lv, n in counts.items() if LEVELS.index(lv) >= rank) / total if total else 0.0


def report(bank: Bank, attempts: int, seed: int) -> dict[tuple[str, str], dict[str, float]]:
    """Prints the table per scope and returns, per (scope, topic), each strategy's share at Cơ bản or better."""
    shares: dict[tuple[str, str], dict[str, float]] = {}
    for scope in (*bank.topic_ids, FULL_CHECK):
        label = "full check" if scope == FULL_CHECK else f"topic check: {scope}"
        print(f"\n{label} ({attempts:,} simulated attempts per strategy)")
        print(f"  {'strategy':16} {'topic':14} {'Cơ bản+':>8} {'Trung cấp+':>11} {'Nâng cao':>9}")
        for name, strategy in STRATEGIES.items():
            for topic, counts in simulate(bank, scope, strategy, attempts, random.Random(seed)).items():
                basic = at_least(counts, Level.BASIC)
                shares.setdefault((scope, topic), {})[name] = basic
                print(
                    f"  {name:16} {topic:14} {basic:8.1%} {at_least(counts, Level.INTERMEDIATE):11.1%} "
                    f"{at_least(counts, Level.ADVANCED):9.1%}"
                )
    print()
    worst = 0.0
    for (scope, topic), by_strategy in shares.items():
        excess = {name: share - by_strategy["random"] for name, share in by_strategy.items() if name != "random"}
        name, most = max(excess.items(), key=lambda kv: kv[1])
        worst = max(worst, most)
        verdict = "ok" if most <= MARGIN else f"FAIL (more than {MARGIN:.0%} above random)"
        print(f"  {scope} / {topic}: best strategy {name!r} {most:+.1%} over random at Cơ bản+: {verdict}")
    print(f"\nlargest advantage over random guessing: {worst:+.1%} (goal: at most {MARGIN:+.0%})")
    return shares


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--content-dir", type=Path, default=ROOT / "quizzes")
    args = parser.parse_args(argv)
    loaded = load_bank(args.content_dir, None, today=dt.date.today())
    if loaded.bank is None:
        raise SystemExit("\n".join(str(p) for p in loaded.errors))
    report(loaded.bank, args.attempts, args.seed)


if __name__ == "__main__":
    main()
