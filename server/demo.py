"""Synthetic attempts for demos and benchmarks: `python -m server demo-data --attempts N [--seed S]`.

Realistic on purpose: older age bands are weaker on average, a share of attempts is guided, attempts are spread
over the communes and the last fourteen months, and people answer "about you" questions in proportions that
differ by age. Writes attempts, topic results and about-you answers in bulk through the database driver (a million
attempts take about a minute); one attempt in ANSWERS_EVERY also gets its per-question answers, enough for item
analysis without fifteen million rows. Times are kept to the day, as for real finished attempts. The command then
publishes the releases of the closed months (publishing.py), so the dashboard has something to show."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import secrets
from collections.abc import Iterator

from .db import partitions
from .db.attempts import day_of
from .domain.areas import Territory
from .domain.attempt import AGE_BANDS
from .domain.codes import ALPHABET, LENGTH
from .domain.content import BANDS, Bank
from .domain.draw import FULL_CHECK_PLAN, SINGLE_TOPIC_PLAN
from .domain.months import month_of, shift, tagged
from .domain.scoring import PASS_SHARE, Level

BAND_WEIGHTS = (18, 20, 20, 17, 14, 11)  # who takes the check, by age band
BAND_ABILITY = (0.9, 0.8, 0.55, 0.3, 0.0, -0.45)  # older bands weaker on average
ABOUT_YES = {  # chance of "yes" for the youngest and the oldest band; linear in between
    "smartphone": (0.97, 0.55),
    "bank_account": (0.9, 0.45),
    "digital_signature": (0.35, 0.08),
    "public_services": (0.6, 0.25),
    "vneid_level2": (0.85, 0.5),
    "telehealth": (0.25, 0.1),
}
BAND_DIFFICULTY = {"basic": -0.6, "intermediate": 0.2, "advanced": 0.9}
ANSWERS_EVERY = 20
DAYS_BACK = 425  # finished days spread over the last 14 months


def _p_right(ability: float, difficulty: float) -> float:
    import math

    return 1 / (1 + math.exp(-1.7 * (ability - difficulty)))


def _level(shares: dict[str, float]) -> Level:
    level = Level.NOT_YET
    for band, name in (("basic", Level.BASIC), ("intermediate", Level.INTERMEDIATE), ("advanced", Level.ADVANCED)):
        if shares.get(band, 0.0) < PASS_SHARE:
            break
        level = name
    return level


def generate(bank: Bank, territory: Territory, count: int, seed: int, now: dt.datetime) -> Iterator[dict]:
    rng = random.Random(seed)
    communes = [c.code for c in territory.communes] + [""] * max(1, len(territory.communes) // 4)
    commune_weights = [rng.uniform(0.3, 3.0) for _ in communes]
    topic_ids = bank.topic_ids
    questions = {t.id: {b.value: [q.id for q in t.in_band(b)] for b in BANDS} for t in bank.topics}
    used: set[str] = set()
    for _ in range(count):
        band_index = rng.choices(range(len(AGE_BANDS)), BAND_WEIGHTS)[0]
        ability = rng.gauss(BAND_ABILITY[band_index], 0.9)
        full = rng.random() < 0.6
        topics = topic_ids if full else (rng.choice(topic_ids),)
        plan = FULL_CHECK_PLAN if full else SINGLE_TOPIC_PLAN
        finished = day_of(now - dt.timedelta(seconds=rng.randrange(0, DAYS_BACK * 24 * 3600)))
        results, items = [], []
        for topic in topics:
            topic_ability = ability + rng.gauss(0, 0.4)
            shares, points, possible = {}, 0, 0
            for band in BANDS:
                asked = rng.sample(questions[topic][band.value], plan[band])
                right = [rng.random() < _p_right(topic_ability, BAND_DIFFICULTY[band.value]) for _ in asked]
                shares[band.value] = sum(right) / len(right)
                points += sum(right)
                possible += len(right)
                items.extend((qid, r, topic) for qid, r in zip(asked, right, strict=True))
            results.append((topic, _level(shares).value, float(points), possible))
        code = "".join(rng.choice(ALPHABET) for _ in range(LENGTH))
        while code in used:
            code = "".join(rng.choice(ALPHABET) for _ in range(LENGTH))
        used.add(code)
        about = {}
        if rng.random() < 0.7:
            for question, (p_young, p_old) in ABOUT_YES.items():
                if rng.random() < 0.9:
                    p = p_young + (p_old - p_young) * band_index / (len(AGE_BANDS) - 1)
                    about[question] = "yes" if rng.random() < p else "no"
        guided = rng.random() < 0.2
        yield {
            "public_id": tagged(month_of(finished), secrets.token_urlsafe(24)),
            "result_code": code,
            "age_band": AGE_BANDS[band_index],
            "commune": rng.choices(communes, commune_weights)[0] or None,
            "scope": "full" if full else topics[0],
            "finished_at": finished,
            "mode": "guided" if guided else "self",
            "results": results,
            "items": [(qid, right) for qid, right, _ in items],
            "about": about,
        }


async def write(database_url: str, bank: Bank, territory: Territory, count: int, seed: int) -> None:
    from .db.engine import engine_for, migrate

    engine = engine_for(database_url)
    await migrate(engine)
    now = dt.datetime.now(dt.UTC)
    oldest = month_of(now - dt.timedelta(days=DAYS_BACK))
    await partitions.ensure(engine, [shift(oldest, n) for n in range(DAYS_BACK // 28 + 2)])
    if database_url.startswith("sqlite"):
        await asyncio.to_thread(_write_sqlite, database_url, bank, territory, count, seed, now)
    else:
        await _write_postgres(database_url, bank, territory, count, seed, now)


BATCH = 50_000
ATTEMPT_COLUMNS = (
    "id",
    "public_id",
    "result_code",
    "consent_version",
    "age_band",
    "commune",
    "scope",
    "question_ids",
    "previous",
    "started_at",
    "finished_at",
    "mode",
    "guided_by",
    "guide_area",
    "month",
)


def _attempt_row(attempt_id: int, a: dict) -> tuple:
    return (
        attempt_id,
        a["public_id"],
        a["result_code"],
        "demo",
        a["age_band"],
        a["commune"],
        a["scope"],
        "",
        None,
        a["finished_at"],
        a["finished_at"],
        a["mode"],
        None,
        None,
        month_of(a["finished_at"]),
    )


def _batch_rows(batch: list[dict], first_id: int) -> tuple[list[tuple], ...]:
    """Attempt, topic-result, about-you and answer rows of a batch, with ids from `first_id` on."""
    attempts, results, abouts, answers = [], [], [], []
    for attempt_id, a in enumerate(batch, start=first_id):
        month = month_of(a["finished_at"])
        attempts.append(_attempt_row(attempt_id, a))
        results.extend((attempt_id, t, level, points, possible, month) for t, level, points, possible in a["results"])
        abouts.extend((attempt_id, q, answer, month) for q, answer in a["about"].items())
        if attempt_id % ANSWERS_EVERY == 0:
            answers.extend(
                (attempt_id, qid, "demo", 1.0 if right else 0.0, a["finished_at"], month) for qid, right in a["items"]
            )
    return attempts, results, abouts, answers


ANSWER_COLUMNS = ("attempt", "question_id", "choice", "points", "answered_at", "month")
RESULT_COLUMNS = ("attempt", "topic_id", "level", "points", "possible", "month")
ABOUT_COLUMNS = ("attempt", "question", "answer", "month")


def _write_sqlite(database_url: str, bank: Bank, territory: Territory, count: int, seed: int, now: dt.datetime) -> None:
    import sqlite3

    conn = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=30)
    try:
        next_id = (conn.execute("SELECT COALESCE(MAX(id), 0) FROM attempt").fetchone()[0]) + 1
        batch: list[dict] = []

        def flush() -> None:
            nonlocal next_id
            if not batch:
                return
            attempts, results, abouts, answers = _batch_rows(batch, next_id)
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(
                f"INSERT INTO attempt ({', '.join(ATTEMPT_COLUMNS)}) "  # noqa: S608
                f"VALUES ({', '.join('?' * len(ATTEMPT_COLUMNS))})",
                attempts,
            )
            for table, columns, rows in (
                ("topic_result", RESULT_COLUMNS, results),
                ("about_answer", ABOUT_COLUMNS, abouts),
                ("answer", ANSWER_COLUMNS, answers),
            ):
                conn.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",  # noqa: S608
                    rows,
                )
            conn.execute("COMMIT")
            next_id += len(batch)
            batch.clear()

        for attempt in generate(bank, territory, count, seed, now):
            batch.append(attempt)
            if len(batch) >= BATCH:
                flush()
        flush()
    finally:
        conn.close()


async def _write_postgres(
    database_url: str, bank: Bank, territory: Territory, count: int, seed: int, now: dt.datetime
) -> None:
    import asyncpg

    conn = await asyncpg.connect(dsn=database_url.replace("postgres://", "postgresql://", 1))
    try:
        next_id = await conn.fetchval("SELECT COALESCE(MAX(id), 0) FROM attempt") + 1
        batch: list[dict] = []

        async def flush() -> None:
            nonlocal next_id
            if not batch:
                return
            attempts, results, abouts, answers = _batch_rows(batch, next_id)
            async with conn.transaction():
                await conn.copy_records_to_table("attempt", records=attempts, columns=list(ATTEMPT_COLUMNS))
                await conn.copy_records_to_table("topic_result", records=results, columns=list(RESULT_COLUMNS))
                await conn.copy_records_to_table("about_answer", records=abouts, columns=list(ABOUT_COLUMNS))
                await conn.copy_records_to_table("answer", records=answers, columns=list(ANSWER_COLUMNS))
            next_id += len(batch)
            batch.clear()

        for attempt in generate(bank, territory, count, seed, now):
            batch.append(attempt)
            if len(batch) >= BATCH:
                await flush()
        await flush()
        await conn.execute("SELECT setval(pg_get_serial_sequence('attempt', 'id'), (SELECT MAX(id) FROM attempt))")
    finally:
        await conn.close()
