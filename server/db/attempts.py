"""Query functions for attempts and answers. They take and return domain objects; the rules live in domain/."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from piccolo.engine.base import Engine

from ..domain import months
from ..domain.attempt import Attempt, PastLevels, SavedAnswer
from ..domain.scoring import Level, TopicResult
from ..domain.team import VIETNAM
from . import partitions, tables
from .engine import write_transaction


def _choice_text(choice: frozenset[str]) -> str:
    return ",".join(sorted(choice))


def _attempt_from_row(row: dict, answers: Sequence[dict]) -> Attempt:
    return Attempt(
        id=row["id"],
        public_id=row["public_id"],
        result_code=row["result_code"],
        scope=row["scope"],
        age_band=row["age_band"],
        commune=row["commune"],
        question_ids=tuple(row["question_ids"].split(",")),
        answers={
            a["question_id"]: SavedAnswer(a["question_id"], frozenset(a["choice"].split(",")), a["points"])
            for a in answers
        },
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        previous_id=row["previous"],
        mode=row["mode"],
        guided_by=row["guided_by"],
        month=row["month"],
    )


async def create_attempt(
    *,
    public_id: str,
    result_code: str,
    consent_version: str,
    age_band: str,
    commune: str | None,
    scope: str,
    question_ids: Sequence[str],
    previous_id: int | None,
    now: dt.datetime,
    guided_by: int | None = None,
    guide_area: str | None = None,
) -> Attempt:
    """Stores a new attempt in the month of `now`; its public id starts with that month (`months.tagged`), so
    every later lookup goes straight to the month's partition."""
    month = months.month_of(now)
    public_id = months.tagged(month, public_id)
    row = tables.Attempt(
        public_id=public_id,
        result_code=result_code,
        consent_version=consent_version,
        age_band=age_band,
        commune=commune,
        scope=scope,
        question_ids=",".join(question_ids),
        previous=previous_id,
        started_at=now,
        finished_at=None,
        mode="guided" if guided_by else "self",
        guided_by=guided_by,
        guide_area=guide_area,
        month=month,
    )
    await partitions.filing(tables.Attempt._meta.db, month, row.save)
    found = await attempt_by_public_id(public_id)
    assert found is not None
    return found


async def attempt_by_public_id(public_id: str) -> Attempt | None:
    """The attempt and its answers in one statement: one snapshot, so a reader never sees an attempt that has all
    its answers but is not yet finished (two queries could fall either side of the finishing commit)."""
    select = (
        "SELECT a.*, n.question_id AS answer_question, n.choice AS answer_choice, n.points AS answer_points "
        "FROM attempt a LEFT JOIN answer n ON n.attempt = a.id AND n.month = a.month WHERE a.public_id = {}"
    )
    month = months.month_tag(public_id)
    if month is None:  # an id handed out before ids carried their month
        rows = await tables.Attempt.raw(select, public_id)
    else:
        rows = await tables.Attempt.raw(select + " AND a.month = {}", public_id, month)
    if not rows:
        return None
    answers = [
        {"question_id": r["answer_question"], "choice": r["answer_choice"], "points": r["answer_points"]}
        for r in rows
        if r["answer_question"] is not None
    ]
    return _attempt_from_row(rows[0], answers)


async def attempt_id_by_code(result_code: str) -> int | None:
    row = await (
        tables.Attempt.select(tables.Attempt.id)
        .where((tables.Attempt.result_code == result_code) & tables.Attempt.finished_at.is_not_null())
        .first()
    )
    return row["id"] if row else None


async def code_exists(result_code: str) -> bool:
    return await tables.Attempt.exists().where(tables.Attempt.result_code == result_code)


def day_of(moment: dt.datetime) -> dt.datetime:
    """The start of the Vietnam-time day of a moment: all a finished attempt keeps of its times (docs/privacy.md)."""
    local = moment.astimezone(VIETNAM)
    return dt.datetime(local.year, local.month, local.day, tzinfo=VIETNAM).astimezone(dt.UTC)


async def record_answer(
    engine: Engine,
    attempt: Attempt,
    question_id: str,
    choice: frozenset[str],
    points: float,
    now: dt.datetime,
    results_when_complete: Callable[[Attempt], Sequence[TopicResult]],
    submission_id: str | None = None,
) -> Attempt:
    """Stores one answer; a second answer to the same question is ignored (the first one stands), and so is a
    submission whose idempotency key is stored already (the offline queue's replay), whatever it says. When this answer
    completes the attempt, finishes it in the same transaction with the results `results_when_complete` gives, and
    coarsens every time it holds to the day: a finished attempt keeps no time finer than that."""
    a, n = tables.Attempt, tables.Answer
    this = (a.id == attempt.id) & (a.month == attempt.month)

    async def write() -> Attempt:
        async with write_transaction(engine):
            await n.insert(
                n(
                    attempt=attempt.id,
                    question_id=question_id,
                    choice=_choice_text(choice),
                    points=points,
                    answered_at=now,
                    submission_id=submission_id,
                    month=attempt.month,
                )
            ).on_conflict(action="DO NOTHING")  # a second answer to the question, or a replayed submission
            current = await attempt_by_public_id(attempt.public_id)
            assert current is not None
            if current.next_question_id is None and not current.is_finished:
                # Only the request that flips finished_at writes the results, so a race cannot write them twice.
                day = day_of(now)
                flipped = await (
                    a.update({a.finished_at: day, a.started_at: day})
                    .where(this & a.finished_at.is_null())
                    .returning(a.id)
                )
                if flipped:
                    await _save_results(attempt, results_when_complete(current))
                    await n.update({n.answered_at: day}).where((n.attempt == attempt.id) & (n.month == attempt.month))
                current = await attempt_by_public_id(attempt.public_id)
                assert current is not None
        return current

    return await partitions.filing(engine, attempt.month, write)


async def _save_results(attempt: Attempt, results: Sequence[TopicResult]) -> None:
    rows = [
        tables.TopicResult(
            attempt=attempt.id,
            topic_id=r.topic_id,
            level=(r.level or Level.NOT_YET).value,
            points=r.points,
            possible=r.possible,
            month=attempt.month,
        )
        for r in results
    ]
    if rows:
        await tables.TopicResult.insert(*rows)


async def stored_results(attempt: Attempt) -> list[TopicResult]:
    """The per-topic results written when the attempt finished: what is left once its raw answers are dropped
    (ANSWER_MONTHS), in topic-result order."""
    r = tables.TopicResult
    rows = await r.select().where((r.attempt == attempt.id) & (r.month == attempt.month)).order_by(r.id)
    return [TopicResult(row["topic_id"], Level(row["level"]), row["points"], row["possible"]) for row in rows]


async def about_answered(attempt: Attempt) -> bool:
    b = tables.AboutAnswer
    return await b.exists().where((b.attempt == attempt.id) & (b.month == attempt.month))


async def save_about(engine: Engine, attempt: Attempt, answers: dict[str, str]) -> bool:
    """Stores the optional "about you" answers once per attempt (for the province's targets)."""
    async with write_transaction(engine):
        if await about_answered(attempt):
            return False
        rows = [
            tables.AboutAnswer(attempt=attempt.id, question=q, answer=a, month=attempt.month)
            for q, a in answers.items()
        ]
        if rows:
            await tables.AboutAnswer.insert(*rows)
    return True


async def link_previous(attempt: Attempt, previous_id: int) -> None:
    a = tables.Attempt
    await a.update({a.previous: previous_id}).where((a.id == attempt.id) & (a.month == attempt.month))


async def past_levels(attempt_id: int) -> PastLevels | None:
    attempt = await (
        tables.Attempt.select(tables.Attempt.result_code, tables.Attempt.finished_at, tables.Attempt.month)
        .where(tables.Attempt.id == attempt_id)
        .first()
    )
    if attempt is None or attempt["finished_at"] is None:
        return None
    r = tables.TopicResult
    rows = await r.select().where((r.attempt == attempt_id) & (r.month == attempt["month"]))
    return PastLevels(
        result_code=attempt["result_code"],
        finished_at=attempt["finished_at"],
        levels={r["topic_id"]: Level(r["level"]) for r in rows},
    )


async def delete_by_code(engine: Engine, result_code: str) -> bool:
    """Deletes an attempt with its answers and results (the person's right to erasure, PDPL 91/2025). A release
    already published keeps it, as a protected count; every later release is computed without it. Later attempts
    that showed its levels beside theirs forget the link (on PostgreSQL no foreign key does it: see m0011)."""
    a = tables.Attempt
    async with write_transaction(engine):
        row = await a.select(a.id, a.month).where(a.result_code == result_code).first()
        if row is None:
            return False
        await a.update({a.previous: None}).where(a.previous == row["id"])
        await a.delete().where((a.id == row["id"]) & (a.month == row["month"]))
    return True


async def count_finished(*, area: str | None, since: dt.datetime) -> int:
    """Finished attempts in an area (None: the whole province) since a moment."""
    query = tables.Attempt.count().where(
        tables.Attempt.finished_at.is_not_null() & (tables.Attempt.finished_at >= since)
    )
    if area is not None:
        query = query.where(tables.Attempt.commune == area)
    return await query


async def database_ok() -> bool:
    try:
        await tables.Attempt.raw("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means the database is not usable; /healthz says so
        return False
    return True
