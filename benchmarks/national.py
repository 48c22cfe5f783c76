"""National scale on PostgreSQL: does writing stay as fast at 10 million attempts as on an empty database, how long
does a month's release take, and how fast is the dashboard then. Prints numbers; asserts nothing.

    python -m benchmarks.national --database-url postgresql://user@host:port/db [--attempts 10000000]

It creates a throwaway database on that server (dropped afterwards) and:
1. times the app's own write path (create_attempt, 15 record_answer, the last one finishing the attempt with its
   results, as the quiz does) for PROBE_ATTEMPTS attempts from PROBE_CONCURRENCY tasks on the app's pool, into the
   current month: the insert rate on an empty database;
2. loads N attempts with their answers (15 each), topic results and "about you" answers in SQL, spread over the
   current month and the three before it (50 million a year is about 4 million a month), into their partitions;
3. times the same write path again, into the current month that now holds its share: the insert rate at the end;
4. publishes the release of the last closed month (about a third of the attempts) and prints its time;
5. times the dashboard for that month, a quarter and the year (benchmarks/dashboard.py).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import secrets
import time

from server.app import load_content
from server.db import attempts as attempts_db
from server.db import partitions, tables
from server.domain import months
from server.domain.areas import Province, load_province
from server.domain.content import Bank
from server.domain.draw import FULL_CHECK, draw
from server.domain.release import ABOUT_QUESTIONS
from server.publishing import publish_month

from .dashboard import bench_settings, throwaway_postgres, time_dashboard, with_engine

PROBE_ATTEMPTS = 400
PROBE_CONCURRENCY = 16
PROBE_ROUNDS = 3  # each round on a fresh pool; the spread between rounds is the noise to judge "flat" by
CHUNK = int(os.environ.get("NATIONAL_CHUNK", 500_000))  # attempts per loading statement
SHARES = (0.3, 0.3, 0.3, 0.1)  # of the attempts, per month: three months back ... the current one
LEVELS = ("not_yet", "basic", "intermediate", "advanced")


async def probe(bank: Bank, province: Province, label: str) -> None:
    """The quiz's writes through the real query functions, many citizens at once."""
    engine = tables.Attempt._meta.db
    communes = [c.code for c in province.communes]
    queue = list(range(PROBE_ATTEMPTS))

    async def citizen() -> int:
        rng = random.Random(secrets.randbits(32))
        written = 0
        while queue:
            queue.pop()
            now = dt.datetime.now(dt.UTC)
            attempt = await attempts_db.create_attempt(
                public_id=secrets.token_urlsafe(32),
                result_code=secrets.token_hex(4).upper(),
                consent_version="bench",
                age_band=rng.choice(("15-24", "25-34", "35-44", "45-54", "55-64", "65+")),
                commune=rng.choice(communes),
                scope=FULL_CHECK,
                question_ids=draw(bank, FULL_CHECK, rng),
                previous_id=None,
                now=now,
            )
            for question_id in attempt.question_ids:
                question = bank.question(question_id)
                choice = question.correct_ids if rng.random() < 0.6 else frozenset({question.options[0].id})
                points = 1.0 if choice == question.correct_ids else 0.0
                attempt = await attempts_db.record_answer(
                    engine, attempt, question_id, frozenset(choice), points, now, lambda a: a.results(bank)
                )
                written += 1
            assert attempt.is_finished
        return written

    started = time.perf_counter()
    answers = sum(await asyncio.gather(*(citizen() for _ in range(PROBE_CONCURRENCY))))
    seconds = time.perf_counter() - started
    print(
        f"{label}: {PROBE_ATTEMPTS / seconds:7.1f} attempts/s, {answers / seconds:8.1f} answers/s "
        f"({PROBE_ATTEMPTS} full checks from {PROBE_CONCURRENCY} tasks in {seconds:.1f} s)",
        flush=True,
    )


def _sql_array(values: list[str]) -> str:
    return "ARRAY[" + ",".join(f"'{v}'" for v in values) + "]"


async def load(url: str, bank: Bank, province: Province, count: int, now: dt.datetime) -> dict[int, int]:
    """N finished attempts and their rows, written by PostgreSQL itself (generate_series), two months at a time
    (this machine has two cores). The rows are consistent by construction, so the loading sessions skip the
    foreign-key triggers (session_replication_role = replica, as pg_restore's data-only loads can): the app's own
    writes, timed before and after, check them as always."""
    import asyncpg

    engine = tables.Attempt._meta.db
    current = months.month_of(now)
    per_month = {months.shift(current, n - len(SHARES) + 1): int(count * share) for n, share in enumerate(SHARES)}
    await partitions.ensure(engine, per_month)
    first = 1 + (await tables.Attempt.raw("SELECT COALESCE(MAX(id), 0) AS m FROM attempt"))[0]["m"]
    firsts, next_id = {}, first
    for month, total in per_month.items():
        firsts[month] = next_id
        next_id += total
    started = time.perf_counter()
    done = [0]
    lanes = asyncio.Semaphore(2)

    async def one_month(month: int) -> None:
        async with lanes:
            conn = await asyncpg.connect(dsn=url)
            try:
                await conn.execute("SET session_replication_role = replica")
                low_id, total = firsts[month], per_month[month]
                for low in range(low_id, low_id + total, CHUNK):
                    high = min(low + CHUNK, low_id + total) - 1
                    split = []
                    for statement in _statements(bank, province, month, low, high, current, now):
                        step = time.perf_counter()
                        await conn.execute(statement)
                        split.append(time.perf_counter() - step)
                    done[0] += high - low + 1
                    print(
                        f"  loaded {done[0]:>11,} attempts ({done[0] * 15:,} answers) in "
                        f"{time.perf_counter() - started:6.0f} s (chunk of {month}: attempts {split[0]:.0f} s, "
                        f"results {split[1]:.0f} s, about {split[2]:.0f} s, answers {split[3]:.0f} s)",
                        flush=True,
                    )
            finally:
                await conn.close()

    await asyncio.gather(*(one_month(m) for m in per_month))
    await tables.Attempt.raw(f"SELECT setval(pg_get_serial_sequence('attempt', 'id'), {next_id})")
    step = time.perf_counter()
    conn = await asyncpg.connect(dsn=url)
    try:
        await conn.execute("VACUUM ANALYZE")  # as autovacuum would have by then; keeps it from running mid-probe
    finally:
        await conn.close()
    print(f"  vacuum and analyze: {time.perf_counter() - step:.0f} s", flush=True)
    return per_month


def _statements(
    bank: Bank, province: Province, month: int, low: int, high: int, current: int, now: dt.datetime
) -> list[str]:
    communes = _sql_array([c.code for c in province.communes])
    bands = _sql_array(["15-24", "25-34", "35-44", "45-54", "55-64", "65+"])
    topics = _sql_array(list(bank.topic_ids))
    levels = _sql_array(list(LEVELS))
    question_ids = [q.id for t in bank.topics for q in t.questions]
    questions = _sql_array(question_ids)
    start = dt.datetime(month // 100, month % 100, 1, tzinfo=dt.UTC)
    last_day = 27 if month != current else max(1, now.day - 1)
    return [
        "INSERT INTO attempt (id, public_id, result_code, consent_version, age_band, commune, scope, "
        "question_ids, started_at, finished_at, mode, month) "
        f"SELECT i, '{month}.' || md5(i::text), lpad(to_hex(i), 8, '0'), 'bench', "
        f"({bands})[(1 + i % 6)::int], ({communes})[(1 + (i * 7919) % {len(province.communes)})::int], 'full', '', "
        f"d, d, CASE WHEN i % 5 = 0 THEN 'guided' ELSE 'self' END, {month} "
        f"FROM (SELECT i, timestamptz '{start.isoformat()}' + ((i % {last_day}) || ' days')::interval AS d "
        f"FROM generate_series({low}::bigint, {high}::bigint) AS i) s",
        "INSERT INTO topic_result (attempt, topic_id, level, points, possible, month) "
        f"SELECT i, ({topics})[k], ({levels})[(1 + (i * k) % 4)::int], (i * k) % 6, 5, {month} "
        f"FROM generate_series({low}::bigint, {high}::bigint) AS i, generate_series(1, {len(bank.topic_ids)}) AS k",
        "INSERT INTO about_answer (attempt, question, answer, month) "
        "SELECT i, q, CASE WHEN (i + length(q)) % 3 = 0 THEN 'no' ELSE 'yes' END, "
        f"{month} FROM generate_series({low}::bigint, {high}::bigint) AS i, "
        f"unnest({_sql_array(list(ABOUT_QUESTIONS))}) AS q "
        "WHERE i % 10 < 7",
        "INSERT INTO answer (attempt, question_id, choice, points, answered_at, month) "
        f"SELECT i, ({questions})[(1 + (i + k) % {len(question_ids)})::int], 'a', ((i * k) % 5 < 3)::int, "
        f"timestamptz '{start.isoformat()}', {month} "
        f"FROM generate_series({low}::bigint, {high}::bigint) AS i, generate_series(0, 14) AS k",
    ]


def run(server_url: str, count: int) -> None:
    with throwaway_postgres(server_url, "kns_national") as url:
        settings = bench_settings(url)
        bank, province = load_content(settings), load_province(settings.map_file, settings.province)
        from server.db.engine import engine_for, migrate

        asyncio.run(migrate(engine_for(url)))
        now = dt.datetime.now(dt.UTC)
        print(f"PostgreSQL, throwaway database {url.rpartition('/')[2]}; {count:,} attempts to load")
        for _ in range(PROBE_ROUNDS):
            asyncio.run(with_engine(url, lambda: probe(bank, province, "insert rate, empty database      ")))
        per_month = asyncio.run(with_engine(url, lambda: load(url, bank, province, count, now)))
        for _ in range(PROBE_ROUNDS):
            asyncio.run(with_engine(url, lambda: probe(bank, province, f"insert rate, {count:>11,} attempts")))
        closed = months.shift(months.month_of(now), -1)
        due = dt.datetime.combine(dt.date(now.year, now.month, 1), dt.time(), dt.UTC) + dt.timedelta(days=5)
        due = max(due, now)
        started = time.perf_counter()
        asyncio.run(with_engine(url, lambda: publish_month(settings, bank, province, months.period(closed), due)))
        print(
            f"release of {months.period(closed)} ({per_month[closed]:,} attempts, "
            f"{per_month[closed] * 15:,} answers): {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        time_dashboard(settings, bank, province)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=10_000_000)
    parser.add_argument("--database-url", required=True, help="postgresql://... of a server to use")
    args = parser.parse_args()
    run(args.database_url, args.attempts)


if __name__ == "__main__":
    main()
