"""What the team page reads: the member's own finished guided attempts and their topic levels."""

from __future__ import annotations

import datetime as dt

from ..domain.scoring import Level
from . import tables


async def guided_finished(user_id: int) -> list[dt.datetime]:
    rows = await tables.Attempt.select(tables.Attempt.finished_at).where(
        (tables.Attempt.guided_by == user_id) & tables.Attempt.finished_at.is_not_null()
    )
    return [r["finished_at"] for r in rows]


async def guided_levels(user_id: int) -> list[tuple[str, Level]]:
    rows = await tables.TopicResult.select(tables.TopicResult.topic_id, tables.TopicResult.level).where(
        tables.TopicResult.attempt.guided_by == user_id
    )
    return [(r["topic_id"], Level(r["level"])) for r in rows]
