"""Publishing releases: the one way the command line and the running app compute them (db/releases.py does the
work, domain/release.py the rules)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from .db import releases as db
from .domain.areas import Province
from .domain.content import Bank, ContentError
from .domain.release import Release
from .noise import DiscreteLaplace
from .settings import Settings

log = logging.getLogger("kynangso.release")


def _arguments(settings: Settings, bank: Bank, province: Province) -> dict[str, Any]:
    def topic_of(question_id: str) -> str | None:
        try:
            return bank.question(question_id).topic_id
        except ContentError:  # a question since removed from the bank: it belongs to no topic now
            return None

    return {
        "grace_days": settings.release_grace_days,
        "epsilon": settings.release_epsilon,
        "threshold": settings.small_group_k,
        "communes": [c.code for c in province.communes],
        "topics": bank.topic_ids,
        "topic_of": topic_of,
        "mechanism": DiscreteLaplace(),
    }


async def publish_month(settings: Settings, bank: Bank, province: Province, period: str, now: dt.datetime) -> Release:
    """One month; ReleaseRefused when it has not closed, is not a month, or is published already."""
    release = await db.publish(period, now=now, **_arguments(settings, bank, province))
    log.info("published release period=%s epsilon=%.3f", release.period, release.epsilon)
    return release


async def publish_due(settings: Settings, bank: Bank, province: Province, now: dt.datetime) -> list[str]:
    arguments = _arguments(settings, bank, province)
    grace = arguments.pop("grace_days")
    done = await db.publish_due(now, grace, **arguments)
    for period in done:
        log.info("published release period=%s", period)
    return done
