"""Publishing releases: the one way the command line and the running app compute them (db/releases.py does the
work, domain/release.py the rules)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from piccolo.engine.base import Engine

from .db import partitions
from .db import releases as db
from .domain.areas import Territory
from .domain.content import Bank, ContentError
from .domain.release import Release
from .noise import DiscreteLaplace
from .settings import Settings

log = logging.getLogger("kynangso.release")


def _arguments(settings: Settings, bank: Bank, territory: Territory) -> dict[str, Any]:
    def topic_of(question_id: str) -> str | None:
        try:
            return bank.question(question_id).topic_id
        except ContentError:  # a question since removed from the bank: it belongs to no topic now
            return None

    return {
        "grace_days": settings.release_grace_days,
        "epsilon": settings.release_epsilon,
        "threshold": settings.small_group_k,
        "communes": [c.code for c in territory.communes],
        # a national release also measures the provinces: each commune's province
        "provinces": territory.commune_provinces() if territory.national else {},
        "topics": bank.topic_ids,
        "topic_of": topic_of,
        "mechanism": DiscreteLaplace(),
    }


async def publish_month(settings: Settings, bank: Bank, territory: Territory, period: str, now: dt.datetime) -> Release:
    """One month; ReleaseRefused when it has not closed, is not a month, or is published already."""
    release = await db.publish(period, now=now, **_arguments(settings, bank, territory))
    log.info("published release period=%s epsilon=%.3f", release.period, release.epsilon)
    return release


async def upkeep(settings: Settings, bank: Bank, territory: Territory, engine: Engine, now: dt.datetime) -> None:
    """What the running app does at start-up and every hour: the coming months' partitions, the due releases
    (AUTO_RELEASE), then the raw answers nothing needs any more (ANSWER_MONTHS). Each step runs even when an
    earlier one failed; the first failure is raised at the end, to be logged."""
    failures: list[Exception] = []
    steps = [lambda: partitions.ensure_ahead(engine, now)]
    if settings.auto_release:
        steps.append(lambda: publish_due(settings, bank, territory, now))
    steps.append(lambda: drop_answers(engine, settings, now))
    for step in steps:
        try:
            await step()
        except Exception as error:  # noqa: BLE001 - see the docstring
            failures.append(error)
    if failures:
        raise failures[0]


async def drop_answers(engine: Engine, settings: Settings, now: dt.datetime) -> list[int]:
    return await partitions.drop_answers(engine, now, settings.answer_months, await db.published_periods())


async def publish_due(settings: Settings, bank: Bank, territory: Territory, now: dt.datetime) -> list[str]:
    arguments = _arguments(settings, bank, territory)
    grace = arguments.pop("grace_days")
    done = await db.publish_due(now, grace, **arguments)
    for period in done:
        log.info("published release period=%s", period)
    return done
