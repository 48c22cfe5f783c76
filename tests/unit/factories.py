"""Small hand-made content for domain tests: no files, no I/O."""

from __future__ import annotations

import datetime as dt

from server.domain.content import Band, Bank, Kind, Lesson, Option, Question, Topic
from server.domain.text import Text


def text(s: str) -> Text:
    return Text(vi=f"{s} (vi)", en=s)


def question(
    qid: str,
    *,
    topic: str = "safety",
    band: Band = Band.BASIC,
    kind: Kind = Kind.SINGLE,
    right: tuple[str, ...] = ("a",),
    options: tuple[str, ...] = ("a", "b", "c"),
    lesson: str | None = None,
    scenario: bool = False,
) -> Question:
    return Question(
        id=qid,
        topic_id=topic,
        kind=kind,
        band=band,
        scenario=scenario,
        competences=("4.2",),
        lesson_id=lesson or f"{topic}-lesson",
        sources=("https://example.org",),
        prompt=text(qid),
        explanation=text("because"),
        options=tuple(Option(o, text(o), o in right, None if o in right else text("no")) for o in options),
    )


def lesson(lid: str, topic: str = "safety") -> Lesson:
    return Lesson(lid, topic, ("4.2",), 3, text(lid), text("summary"), text("body"), ())


def topic(tid: str, questions: list[Question], lessons: list[Lesson], order: int = 1) -> Topic:
    return Topic(tid, order, text(tid), text("summary"), dt.date(2026, 11, 30), 12, tuple(questions), tuple(lessons))


def bank_with(per_band: int = 4, topics: tuple[str, ...] = ("safety", "signatures"), scenario_every: int = 2) -> Bank:
    built = []
    for order, tid in enumerate(topics, start=1):
        qs = [
            question(
                f"{tid}-{band.value}-{n}",
                topic=tid,
                band=band,
                lesson=f"{tid}-{band.value}",
                scenario=n % scenario_every == 0,
            )
            for band in Band
            for n in range(per_band)
        ]
        built.append(topic(tid, qs, [lesson(f"{tid}-{band.value}", tid) for band in Band], order))
    return Bank(tuple(built))
