"""Monthly rollups and item statistics, changed in the same transaction as the attempt they count.

Every function takes a sign: +1 when an attempt finishes (or an answer is given), -1 when a person erases their
result, so the aggregates always equal what a scan of the raw tables would give."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from ..domain.team import VIETNAM
from . import tables


def month_of(moment: dt.datetime) -> str:
    return moment.astimezone(VIETNAM).strftime("%Y-%m")


async def _bump(table: type[tables.Table], keys: dict[str, object], sums: dict[str, float]) -> None:
    """INSERT ... ON CONFLICT DO UPDATE: the same statement on SQLite and PostgreSQL."""
    name = table._meta.tablename
    columns = [*keys, *sums]
    placeholders = ", ".join("{}" for _ in columns)
    updates = ", ".join(f"{c} = {name}.{c} + excluded.{c}" for c in sums)
    sql = (
        f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({placeholders}) "  # noqa: S608 - names are ours
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
    )
    await table.raw(sql, *keys.values(), *sums.values())


async def count_attempt(
    *,
    finished_at: dt.datetime,
    commune: str | None,
    age_band: str,
    mode: str,
    levels: dict[str, str],
    items: Sequence[tuple[str, bool, float]],
    sign: int,
) -> None:
    """Adds (or removes) one finished attempt: its participation, its level per topic, and per question whether it
    was right with the attempt's share of points in that topic (for discrimination)."""
    where = {"month": month_of(finished_at), "commune": commune or "", "age_band": age_band, "mode": mode}
    await _bump(tables.MonthAttempts, where, {"n": sign})
    for topic_id, level in levels.items():
        await _bump(tables.MonthLevels, {**where, "topic_id": topic_id, "level": level}, {"n": sign})
    for question_id, right, score in items:
        await _bump(
            tables.ItemStats,
            {"question_id": question_id, "age_band": age_band},
            {
                "n": sign,
                "n_right": sign * int(right),
                "sum_score": sign * score,
                "sum_score_sq": sign * score * score,
                "sum_score_right": sign * score * int(right),
            },
        )


async def count_about(
    *, finished_at: dt.datetime, commune: str | None, age_band: str, mode: str, question: str, answer: str, sign: int
) -> None:
    where = {"month": month_of(finished_at), "commune": commune or "", "age_band": age_band, "mode": mode}
    await _bump(tables.MonthAbout, {**where, "question": question, "answer": answer}, {"n": sign})


async def uncount_attempt(attempt_id: int, topic_of: Callable[[str], str | None]) -> None:
    """Removes a finished attempt from every aggregate, from what the database holds about it."""
    attempt = await tables.Attempt.select().where(tables.Attempt.id == attempt_id).first()
    if attempt is None or attempt["finished_at"] is None:
        return
    results = await tables.TopicResult.select().where(tables.TopicResult.attempt == attempt_id)
    shares = {r["topic_id"]: (r["points"] / r["possible"] if r["possible"] else 0.0) for r in results}
    answers = await tables.Answer.select().where(tables.Answer.attempt == attempt_id)
    items = []
    for a in answers:
        topic = topic_of(a["question_id"])
        if topic in shares:
            items.append((a["question_id"], a["points"] >= 1.0, shares[topic]))
    common = {
        "finished_at": attempt["finished_at"],
        "commune": attempt["commune"],
        "age_band": attempt["age_band"],
        "mode": attempt["mode"],
    }
    await count_attempt(**common, levels={r["topic_id"]: r["level"] for r in results}, items=items, sign=-1)
    for about in await tables.AboutAnswer.select().where(tables.AboutAnswer.attempt == attempt_id):
        await count_about(**common, question=about["question"], answer=about["answer"], sign=-1)
