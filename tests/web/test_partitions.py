"""Monthly partitions on PostgreSQL and the retention of raw answers (ANSWER_MONTHS), on a database of their own:
what a citizen and an official see before and after a month's answers go."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os

import pytest

from server.db import partitions
from server.db import releases as releases_db
from server.domain import months
from server.domain.release import period_of

from .helpers import csrf_token, finish, start, wrong_options
from .released import app_on, client_of, publish

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgresql://", "postgres://"))
COMMUNE = "13318"
NOW = dt.datetime.now(dt.UTC)
THIS_MONTH = months.month_of(NOW)


@pytest.fixture(scope="module")
def app(fresh_database, settings, bank):  # type: ignore[no-untyped-def]
    return app_on(fresh_database(), dataclasses.replace(settings, answer_months=2), bank)


def _query(client, sql: str, *values):  # type: ignore[no-untyped-def]
    from server.db import tables

    async def run():  # type: ignore[no-untyped-def]
        return await tables.Attempt.raw(sql, *values)

    return client.blocking_portal.call(run)


def _journey(client, bank) -> str:  # type: ignore[no-untyped-def]
    """One citizen's check with some wrong answers; returns the attempt's public id (the cookie)."""
    client.cookies.clear()
    start(client, scope="full", commune=COMMUNE)
    finish(client, bank, wrong_options)
    return client.cookies["attempt"]


@pytest.mark.skipif(not ON_POSTGRES, reason="partitions are PostgreSQL's; SQLite keeps plain tables")
def test_an_attempt_and_its_rows_are_filed_in_the_partitions_of_its_month(app, bank):  # type: ignore[no-untyped-def]
    with client_of(app) as client:
        public_id = _journey(client, bank)
        assert months.month_tag(public_id) == THIS_MONTH
        where = {
            table: _query(client, f"SELECT DISTINCT tableoid::regclass::text AS part FROM {table}")  # noqa: S608
            for table in partitions.PARTITIONED
            if table != "about_answer"
        }
        for table, rows in where.items():
            assert [r["part"] for r in rows] == [f"{table}_m{THIS_MONTH}"], table
        # The next months exist before their first attempt; the lookup of an attempt reads one month's tables.
        held = client.blocking_portal.call(partitions.held_months, client.app.state.site.engine, "attempt")
        assert {THIS_MONTH, months.shift(THIS_MONTH, 1), months.shift(THIS_MONTH, 2)} <= set(held)
        plan = "\n".join(
            r["QUERY PLAN"]
            for r in _query(
                client,
                "EXPLAIN SELECT a.*, n.question_id FROM attempt a LEFT JOIN answer n ON n.attempt = a.id "
                "AND n.month = a.month WHERE a.public_id = {} AND a.month = {}",
                public_id,
                THIS_MONTH,
            )
        )
        assert f"attempt_m{THIS_MONTH}" in plan
        assert f"attempt_m{months.shift(THIS_MONTH, 1)}" not in plan
        # The journey's 15 answers are all in the month's answer partition.
        counts = _query(client, "SELECT COUNT(*) AS n FROM answer WHERE month = {}", THIS_MONTH)
        assert counts[0]["n"] == 15


def test_a_months_answers_go_only_once_its_release_and_the_next_are_published(app, bank):  # type: ignore[no-untyped-def]
    with client_of(app) as client:
        public_id = _journey(client, bank)
        code = client.get("/results").text.split('class="code"')[1].split(">")[1].split("<")[0]
        site = client.app.state.site
        engine = site.engine

        def answers_held() -> int:
            return _query(client, "SELECT COUNT(*) AS n FROM answer WHERE month = {}", THIS_MONTH)[0]["n"]

        def drop(now: dt.datetime) -> list[int]:
            async def run() -> list[int]:
                return await partitions.drop_answers(
                    engine, now, site.settings.answer_months, await releases_db.published_periods()
                )

            return client.blocking_portal.call(run)

        assert answers_held() > 0
        later = dt.datetime(NOW.year + 1, NOW.month, 10, tzinfo=dt.UTC)
        # This month released, the next not yet: its answers stay, however old.
        first_release = dt.datetime.combine(
            months_start(months.shift(THIS_MONTH, 1)), dt.time(), dt.UTC
        ) + dt.timedelta(days=5)
        assert period_of(NOW) in publish(client, first_release)
        assert drop(later) == []
        assert answers_held() > 0
        # The next month released too, and ANSWER_MONTHS (2) passed: the month's answers go, and nothing else.
        next_release = first_release + dt.timedelta(days=31)
        assert period_of(first_release) in publish(client, next_release)
        assert drop(first_release + dt.timedelta(days=14)) == []  # one month after its month: kept
        assert drop(next_release) == [THIS_MONTH]
        assert answers_held() == 0
        if partitions.is_partitioned(engine):
            assert f"answer_m{THIS_MONTH}" not in {
                f"answer_m{m}" for m in client.blocking_portal.call(partitions.held_months, engine, "answer")
            }
        # The citizen still sees their levels (stored when the check finished), told that the answers are gone.
        page = client.get("/results")
        assert page.status_code == 200
        assert "không còn được lưu" in page.text
        assert "Các câu trả lời của bạn" not in page.text
        assert client.get("/results/card").status_code == 200
        form = {"_csrf_token": csrf_token(client, "/code"), "code": code}
        assert client.post("/code", data=form).status_code == 200
        assert client.cookies["attempt"] == public_id
        # The month's release keeps its item statistics: they were computed before the answers went.
        release = client.blocking_portal.call(releases_db.load, period_of(NOW))
        assert release is not None and release.items


def months_start(month: int) -> dt.date:
    return dt.date(month // 100, month % 100, 1)


OLD_VERSION = "2026-12-01T20:11:08:249767"  # m0009: the schema before months and partitions


@pytest.fixture
def old_database(tmp_path):  # type: ignore[no-untyped-def]
    """A database built by the migrations up to m0009, as a deployment of the previous version has it."""
    from ..conftest import _create_pg_database, _drop_pg_database

    server_url = os.environ.get("DATABASE_URL", "")
    url = _create_pg_database(server_url) if ON_POSTGRES else f"sqlite:///{tmp_path / 'old.db'}"
    yield url
    if ON_POSTGRES:
        _drop_pg_database(server_url, url)


def test_the_upgrade_keeps_every_attempt_and_files_it_under_its_month(old_database):  # type: ignore[no-untyped-def]
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from server.db import attempts, tables
    from server.db.engine import bind, engine_for, migrate, prepare_sqlite

    from ..conftest import run_async

    started = dt.datetime(2026, 10, 31, 18, 30, tzinfo=dt.UTC)  # 1 November, 01:30 in Vietnam

    async def scenario() -> None:
        engine = engine_for(old_database)
        bind(engine)
        await prepare_sqlite(engine)
        assert (await run_forwards(app_name="kynangso", migration_id=OLD_VERSION)).success
        for n, previous in ((1, None), (2, 1)):
            await tables.Attempt.raw(
                "INSERT INTO attempt (public_id, result_code, consent_version, age_band, scope, question_ids, "
                "previous, started_at, finished_at, mode) VALUES ({}, {}, '2026-11', '65+', 'full', 'q1', {}, "
                "{}, {}, 'self')",
                f"old-token-{n}",
                f"ABCDEFG{n + 1}",
                previous,
                started,
                started,
            )
            await tables.Attempt.raw(
                "INSERT INTO answer (attempt, question_id, choice, points, answered_at) VALUES ({}, 'q1', 'a', 1, {})",
                n,
                started,
            )
            await tables.Attempt.raw(
                "INSERT INTO topic_result (attempt, topic_id, level, points, possible) "
                "VALUES ({}, 'safety', 'basic', 1, 1)",
                n,
            )
        await migrate(engine)
        rows = await tables.Attempt.raw("SELECT month FROM attempt UNION SELECT month FROM answer")
        assert [r["month"] for r in rows] == [202611]  # the month in Vietnam, not in UTC
        if ON_POSTGRES:
            parts = await tables.Attempt.raw("SELECT DISTINCT tableoid::regclass::text AS p FROM answer")
            assert [r["p"] for r in parts] == ["answer_m202611"]
        # An id handed out before ids carried their month still finds its attempt and its answers.
        old = await attempts.attempt_by_public_id("old-token-2")
        assert old is not None and old.month == 202611 and set(old.answers) == {"q1"} and old.previous_id == 1
        # Erasing the first takes its rows and the second attempt's link to it, and nothing else.
        assert await attempts.delete_by_code(engine, "ABCDEFG2")
        left = await tables.Attempt.raw(
            "SELECT a.id, a.previous, COUNT(n.id) AS n FROM attempt a LEFT JOIN answer n "
            "ON n.attempt = a.id GROUP BY a.id, a.previous"
        )
        assert [(r["id"], r["previous"], r["n"]) for r in left] == [(2, None, 1)]
        # New attempts go on from the old ids.
        new = await attempts.create_attempt(
            public_id="new-token",
            result_code="HJKLMNP2",
            consent_version="2026-11",
            age_band="65+",
            commune=None,
            scope="full",
            question_ids=["q1"],
            previous_id=None,
            now=dt.datetime.now(dt.UTC),
        )
        assert new.id == 3 and new.month == THIS_MONTH and new.public_id.startswith(f"{THIS_MONTH}.")

    run_async(scenario())


def test_the_database_groups_a_month_as_counting_its_attempts_one_by_one_does(app, bank):  # type: ignore[no-untyped-def]
    from server.domain.release import Tally

    with client_of(app) as client:
        for band, commune in (("65+", COMMUNE), ("15-24", ""), ("65+", COMMUNE)):
            client.cookies.clear()
            start(client, scope="full", age_band=band, commune=commune)
            finish(client, bank, wrong_options)
        grouped = client.blocking_portal.call(releases_db.tally_for, period_of(NOW))
        one_by_one = Tally.of(client.blocking_portal.call(releases_db.records_for, period_of(NOW)))
        assert grouped.total >= 3
        assert grouped == one_by_one
