"""Cues: what a test-wise person who knows nothing could read from the shape of the options.

A level means something only if it cannot be reached by reading wording and length instead of knowing. Options are
shown in a new order for every attempt (domain/shuffle.py), so position says nothing on screen; these statistics check
that the content itself carries no cue either. `check-content` computes them per topic and fails a topic whose
figure is further from chance than the tolerances below (docs/content-guide.md explains them);
benchmarks/guessers.py measures what the guessing strategies that exploit them would reach.

Pure: a topic in, figures out. Retired questions are not drawn and are left out."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .content import BANDS, Kind, Option, Question, Topic

# An option that starts with one of these reads as "the careful answer"; keys used to start so far more than
# distractors did.
REFUSAL_STARTS = ("không", "đừng", "chớ", "từ chối", "tự", "ngừng", "dừng", "cúp máy", "gác máy", "bỏ qua", "chặn")
# Absolute words that used to mark false true/false statements.
ABSOLUTE_WORDS = (
    "luôn",
    "không bao giờ",
    "chẳng bao giờ",
    "tất cả",
    "mọi",
    "bất kỳ",
    "chỉ cần",
    "hoàn toàn",
    "chắc chắn",
    "tuyệt đối",
    "duy nhất",
    "100%",
)
# Words a picture's file name or its SVG title/description must not carry: they would name the answer.
NAME_CUES = frozenset(
    (
        *("fake", "scam", "phishing", "real", "genuine", "legit", "valid", "invalid", "modified", "safe", "unsafe"),
        *("right", "wrong", "correct", "true", "false", "not", "good", "bad"),
        *("gia", "mao", "lua", "dao", "that", "dung", "sai"),  # giả mạo, lừa đảo, thật, đúng, sai without marks
    )
)
TITLE_CUES = (
    "giả mạo",
    "lừa đảo",
    "mạo danh",
    "thật",
    "hợp lệ",
    "an toàn",
    "nguy hiểm",
    "đáng ngờ",
    "fake",
    "scam",
    "genuine",
    "valid",
    "safe",
    "suspicious",
    "phishing",
)

LENGTH_TOLERANCE = 0.15  # the key is the longest (2nd longest, shortest) within this of chance
REFUSAL_TOLERANCE = 0.10  # keys and distractors start with a refusal equally often, within this
FALSE_SHARE = (0.35, 0.65)  # of true/false items, the share whose answer is "false"
BAND_FALSE_SHARE = (1 / 3, 2 / 3)  # ... and within one band (a topic check asks 2 or 3 questions of a band)
ABSOLUTE_TOLERANCE = 0.20  # false and true statements carry absolute words equally often, within this
TOP_PATTERN_SHARE = 0.40  # the most common key pattern of multiple-choice items covers at most this share
MINIMUM = {"length": 10, "refusal": 10, "false": 4, "band false": 3, "absolute": 4, "pattern": 3, "count": 4}


def _starts_with_any(text: str, words: Iterable[str]) -> bool:
    lowered = text.strip().lower()
    return any(re.match(rf"{re.escape(w)}(?!\w)", lowered) for w in words)


def _has_any(text: str, words: Iterable[str]) -> bool:
    lowered = text.lower()
    return any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", lowered) for w in words)


def starts_with_refusal(option: Option) -> bool:
    return _starts_with_any(option.text.vi, REFUSAL_STARTS)


def has_absolute_word(question: Question) -> bool:
    return _has_any(question.prompt.vi, ABSOLUTE_WORDS)


def length_ranks(question: Question) -> dict[str, float]:
    """How much the key counts as the longest, second-longest and shortest option (ties share the credit)."""
    lengths = [len(o.text.vi.strip()) for o in question.options]
    key = next(len(o.text.vi.strip()) for o in question.options if o.correct)
    longer = sum(n > key for n in lengths)
    tied = sum(n == key for n in lengths)
    places = range(longer + 1, longer + tied + 1)  # the ranks (1 = longest) the key shares with its ties
    return {name: (rank in places) / tied for name, rank in (("longest", 1), ("second", 2), ("shortest", len(lengths)))}


@dataclass(frozen=True, slots=True)
class Figure:
    """One cue statistic of a topic: what is observed, what chance gives, how many items, and whether it passes."""

    name: str
    observed: float
    expected: float
    items: int
    tolerance: str
    passed: bool
    baseline: str = "chance"  # what `expected` is: chance, or the same figure for distractors or true statements
    is_count: bool = False

    def describe(self) -> str:
        verdict = "ok" if self.passed else "FAIL"
        shown = (lambda x: f"{x:.0f}") if self.is_count else (lambda x: f"{x:.0%}")
        return (
            f"{self.name}: {shown(self.observed)} ({self.baseline} {shown(self.expected)}, {self.tolerance}; "
            f"{self.items} items) {verdict}"
        )


@dataclass(frozen=True, slots=True)
class TopicCues:
    topic_id: str
    figures: tuple[Figure, ...]
    names: tuple[str, ...] = field(default_factory=tuple)  # problems with picture names or titles

    @property
    def passed(self) -> bool:
        return all(f.passed for f in self.figures) and not self.names

    def as_json(self) -> dict:
        return {
            "passed": self.passed,
            "figures": {
                f.name: {
                    "observed": round(f.observed, 3),
                    "expected": round(f.expected, 3),
                    "items": f.items,
                    "passed": f.passed,
                }
                for f in self.figures
            },
            "names": list(self.names),
        }


def _near(
    name: str, observed: float, expected: float, items: int, tolerance: float, minimum: int, baseline: str = "chance"
) -> Figure:
    passed = items < minimum or abs(observed - expected) <= tolerance
    return Figure(name, observed, expected, items, f"within ±{tolerance * 100:.0f} points", passed, baseline)


def _length_figures(single: Sequence[Question]) -> list[Figure]:
    if not single:
        return []
    chance = sum(1 / len(q.options) for q in single) / len(single)
    credits = [length_ranks(q) for q in single]
    figures = []
    for name, label in (
        ("longest", "key is the longest"),
        ("second", "key is the 2nd longest"),
        ("shortest", "key is the shortest"),
    ):
        observed = sum(c[name] for c in credits) / len(single)
        figures.append(_near(label, observed, chance, len(single), LENGTH_TOLERANCE, MINIMUM["length"]))
    return figures


def _refusal_figure(choice: Sequence[Question]) -> list[Figure]:
    keys = [o for q in choice for o in q.options if o.correct]
    others = [o for q in choice for o in q.options if not o.correct]
    if not keys or not others:
        return []
    key_share = sum(map(starts_with_refusal, keys)) / len(keys)
    other_share = sum(map(starts_with_refusal, others)) / len(others)
    return [
        _near(
            "keys starting with a refusal",
            key_share,
            other_share,
            len(keys),
            REFUSAL_TOLERANCE,
            MINIMUM["refusal"],
            "wrong options",
        )
    ]


def _true_false_figures(statements: Sequence[Question]) -> list[Figure]:
    if not statements:
        return []
    false = [q for q in statements if not _answer(q)]
    true = [q for q in statements if _answer(q)]
    share = len(false) / len(statements)
    low, high = FALSE_SHARE
    figures = [
        Figure(
            "true/false answered false",
            share,
            0.5,
            len(statements),
            f"between {low:.0%} and {high:.0%}",
            len(statements) < MINIMUM["false"] or low <= share <= high,
        )
    ]
    for band in BANDS:
        in_band = [q for q in statements if q.band == band]
        if len(in_band) >= MINIMUM["band false"]:
            band_share = sum(not _answer(q) for q in in_band) / len(in_band)
            low, high = BAND_FALSE_SHARE
            figures.append(
                Figure(
                    f"true/false answered false, {band.value} band",
                    band_share,
                    0.5,
                    len(in_band),
                    f"between {low:.0%} and {high:.0%}",
                    low <= band_share <= high,
                )
            )
    if false and true:
        marked = sum(map(has_absolute_word, false)) / len(false)
        unmarked = sum(map(has_absolute_word, true)) / len(true)
        figures.append(
            _near(
                "false statements with an absolute word",
                marked,
                unmarked,
                len(statements),
                ABSOLUTE_TOLERANCE,
                MINIMUM["absolute"],
                "true statements",
            )
        )
    return figures


def _answer(question: Question) -> bool:
    return next(o.correct for o in question.options if o.id == "true")


def _multiple_figures(multiple: Sequence[Question]) -> list[Figure]:
    if not multiple:
        return []
    patterns = Counter(tuple(i for i, o in enumerate(q.options) if o.correct) for q in multiple)
    top = patterns.most_common(1)[0][1] / len(multiple)
    counts = {sum(o.correct for o in q.options) for q in multiple}
    return [
        Figure(
            "multiple choice with the most common key",
            top,
            1 / len(patterns),
            len(multiple),
            f"at most {TOP_PATTERN_SHARE:.0%}",
            len(multiple) < MINIMUM["pattern"] or top <= TOP_PATTERN_SHARE,
        ),
        Figure(
            "multiple choice: different numbers of right options",
            len(counts),
            2,
            len(multiple),
            "at least 2",
            len(multiple) < MINIMUM["count"] or len(counts) >= 2,
            "wanted",
            is_count=True,
        ),
    ]


def name_problems(questions: Iterable[Question], svg_of) -> list[str]:  # type: ignore[no-untyped-def]
    """Picture file names and SVG titles/descriptions that name the answer. `svg_of(name)` gives a picture's text
    (None when it cannot be read), so the domain reads no file itself."""
    problems = []
    for q in questions:
        if q.picture is None:
            continue
        tokens = set(re.split(r"[-_.]", q.picture.removesuffix(".svg")))
        if tokens & NAME_CUES:
            problems.append(f"picture '{q.picture}' of '{q.id}': its name says {sorted(tokens & NAME_CUES)}")
        svg = svg_of(q.picture) or ""
        for part in re.findall(r"<(?:title|desc)[^>]*>(.*?)</(?:title|desc)>", svg, flags=re.S):
            if _has_any(part, TITLE_CUES):
                problems.append(f"picture '{q.picture}' of '{q.id}': its title or description gives a verdict")
                break
    return problems


def topic_cues(topic: Topic, svg_of=lambda name: None) -> TopicCues:  # type: ignore[no-untyped-def]
    questions = topic.questions
    single = [q for q in questions if q.kind == Kind.SINGLE]
    choice = [q for q in questions if q.kind in (Kind.SINGLE, Kind.MULTIPLE)]
    statements = [q for q in questions if q.kind == Kind.TRUE_FALSE]
    multiple = [q for q in questions if q.kind == Kind.MULTIPLE]
    figures = (
        *_length_figures(single),
        *_refusal_figure(choice),
        *_true_false_figures(statements),
        *_multiple_figures(multiple),
    )
    return TopicCues(topic.id, tuple(figures), tuple(name_problems(questions, svg_of)))
