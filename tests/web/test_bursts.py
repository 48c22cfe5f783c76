"""Bursts of attempts (docs/bursts.md): the per-client limit on new attempts, flags raised at finish, and the admins'
page that excludes a flagged burst from the next release.

Every test builds its own app with low thresholds: the test client always comes from the same address, so a
client's counters must start from zero in each test. A fresh secret key keeps them apart in Redis too."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import re
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from litestar.testing import TestClient

from server.app import create_app
from server.db import tables
from server.db.attempts import day_of
from server.db.bursts import flag_commune_day
from server.domain.bursts import USUAL_RATE_DAYS, hour_window
from server.domain.team import VIETNAM

from .helpers import csrf_token, finish, start
from .staff import as_admin, leave, log_in
from .test_guided import start_guided

BUSY_COMMUNE, RACED_COMMUNE = "13444", "13435"  # no other test picks them: their days are this file's alone


@pytest.fixture
def burst_client(settings, bank) -> Callable:  # type: ignore[no-untyped-def]
    """Opens a browser on a fresh app: 5 new attempts per client an hour, a flag past 3 finished in an hour."""

    @contextmanager
    def open_client(**overrides: int) -> Iterator[TestClient]:
        low = {
            "attempts_per_client_hour": 5,
            "burst_client_per_hour": 3,
            "burst_commune_factor": 2,
            "burst_commune_minimum": 3,
            **overrides,
        }
        app = create_app(dataclasses.replace(settings, secret_key=secrets.token_hex(32), **low), bank=bank)
        with TestClient(app=app, base_url="http://testserver.local") as client:
            yield client

    return open_client


def same_hour_ahead(seconds: int = 60) -> None:
    """Counters run per clock hour: wait for the next hour rather than let a test straddle two."""
    _, left = hour_window(time.time())
    if left < seconds:
        time.sleep(left + 1)


def attempt_cookie(client: TestClient) -> str:
    return client.cookies["attempt"]


def attempts_by_public_id(client: TestClient, public_ids: list[str]) -> list[dict]:
    async def rows() -> list[dict]:
        return await tables.Attempt.select(tables.Attempt.id, tables.Attempt.burst).where(
            tables.Attempt.public_id.is_in(public_ids)
        )

    return client.blocking_portal.call(rows)


def flag_row(client: TestClient, flag_id: int) -> dict:
    async def row() -> dict:
        return await tables.BurstFlag.select().where(tables.BurstFlag.id == flag_id).first()

    return client.blocking_portal.call(row)


def finished_attempts(client: TestClient, bank, n: int, *, commune: str = "") -> list[str]:  # type: ignore[no-untyped-def]
    """n short checks, one after another on this device; their public ids."""
    public_ids = []
    for _ in range(n):
        assert start(client, scope=bank.topics[0].id, commune=commune).status_code == 303
        public_ids.append(attempt_cookie(client))
        finish(client, bank)
    return public_ids


def client_burst(client: TestClient, bank) -> int:  # type: ignore[no-untyped-def]
    """Four checks finished from one client in an hour, past the limit of three: the id of their flag."""
    same_hour_ahead()
    rows = attempts_by_public_id(client, finished_attempts(client, bank, 4))
    return rows[0]["burst"]


def flag_form(client: TestClient, flag_id: int, action: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client, "/admin/flags")
    return client.post(f"/admin/flags/{flag_id}/{action}", data={"_csrf_token": token}, follow_redirects=False)


def flag_row_html(page: str, flag_id: int) -> str:
    match = re.search(rf'<tr id="flag-{flag_id}">.*?</tr>', page, flags=re.S)
    assert match, f"flag {flag_id} is not listed"
    return match.group(0)


def test_the_sixth_new_attempt_in_an_hour_from_one_client_is_refused_in_vietnamese(burst_client, bank):
    with burst_client() as client:
        same_hour_ahead()
        earlier = []
        for _ in range(5):
            assert start(client, scope=bank.topics[0].id).status_code == 303
            earlier.append(attempt_cookie(client))
        refused = start(client, scope=bank.topics[0].id)
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 3600
        assert "Vui lòng chờ tối đa một giờ rồi thử lại" in refused.text
        assert attempt_cookie(client) == earlier[-1]  # no new attempt replaced the last one
        for public_id in earlier:
            client.cookies.set("attempt", public_id)
            assert finish(client, bank)
            assert client.get("/results").status_code == 200


def test_guided_sessions_are_not_limited(burst_client, personas, bank):
    with burst_client() as client:
        same_hour_ahead()
        log_in(client, personas["team_a"].username, personas["team_a"].password)
        for _ in range(7):
            assert start_guided(client, scope=bank.topics[0].id).headers["location"] == "/quiz"


def test_four_finished_attempts_from_one_client_make_one_client_flag_holding_all_four(burst_client, bank):
    with burst_client() as client:
        same_hour_ahead()
        rows = attempts_by_public_id(client, finished_attempts(client, bank, 4))
        flags = {row["burst"] for row in rows}
        assert len(rows) == 4 and len(flags) == 1 and None not in flags
        flag = flag_row(client, flags.pop())
        today = dt.datetime.now(VIETNAM).date().isoformat()
        assert (flag["kind"], flag["commune"], flag["day"], flag["attempts"], flag["excluded"]) == (
            "client",
            None,
            today,
            4,
            False,
        )


def test_three_finished_attempts_from_one_client_raise_no_flag(burst_client, bank):
    with burst_client() as client:
        same_hour_ahead()
        rows = attempts_by_public_id(client, finished_attempts(client, bank, 3))
        assert [row["burst"] for row in rows] == [None, None, None]


def test_a_later_finish_in_the_same_hour_joins_the_clients_flag(burst_client, bank):
    with burst_client() as client:
        flag_id = client_burst(client, bank)
        rows = attempts_by_public_id(client, finished_attempts(client, bank, 1))
        assert rows[0]["burst"] == flag_id
        assert flag_row(client, flag_id)["attempts"] == 5


def test_an_admin_sees_a_flag_and_excludes_it_then_includes_it_again(burst_client, personas, bank):
    with burst_client() as client:
        flag_id = client_burst(client, bank)
        as_admin(client, personas)
        assert 'href="/admin/flags"' in client.get("/admin").text
        row = flag_row_html(client.get("/admin/flags").text, flag_id)
        assert "Nhiều bài từ cùng một kết nối trong một giờ" in row and "Được tính" in row
        assert flag_form(client, flag_id, "exclude").headers["location"] == "/admin/flags"
        assert flag_row(client, flag_id)["excluded"] is True
        row = flag_row_html(client.get("/admin/flags").text, flag_id)
        assert "Đã loại khỏi đợt công bố tiếp theo" in row and f"/admin/flags/{flag_id}/include" in row
        assert flag_form(client, flag_id, "include").status_code == 303
        assert flag_row(client, flag_id)["excluded"] is False


@pytest.mark.parametrize("persona", ["team_a", "official_province", "official_a"])
def test_other_staff_cannot_see_or_change_the_flags(burst_client, personas, bank, persona):
    with burst_client() as client:
        log_in(client, personas[persona].username, personas[persona].password)
        assert client.get("/admin/flags", follow_redirects=False).status_code == 403
        token = csrf_token(client, "/login")
        refused = client.post("/admin/flags/1/exclude", data={"_csrf_token": token}, follow_redirects=False)
        assert refused.status_code == 403


def test_a_citizen_is_sent_to_log_in(burst_client):
    with burst_client() as client:
        response = client.get("/admin/flags", follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (303, "/login")


def test_a_flag_whose_month_is_released_can_no_longer_change(burst_client, personas, bank):
    with burst_client() as client:
        flag_id = client_burst(client, bank)
        month = flag_row(client, flag_id)["day"][:7]

        async def release_month() -> bool:
            if await tables.Release.exists().where(tables.Release.period == month):
                return False
            await tables.Release(
                period=month,
                computed_at=dt.datetime.now(dt.UTC),
                mechanism="test",
                epsilon=1.0,
                library="test",
                parameters="{}",
                tables="{}",
            ).save()
            return True

        async def unrelease_month() -> None:
            await tables.Release.delete().where(tables.Release.period == month)

        as_admin(client, personas)
        inserted = client.blocking_portal.call(release_month)
        try:
            refused = flag_form(client, flag_id, "exclude")
            assert refused.status_code == 409
            assert "đã được công bố" in refused.text
            assert flag_row(client, flag_id)["excluded"] is False
            row = flag_row_html(client.get("/admin/flags").text, flag_id)
            assert "Đã công bố: không thể thay đổi" in row and "<form" not in row
        finally:
            if inserted:
                client.blocking_portal.call(unrelease_month)
        leave(client)


def test_a_communes_day_far_above_its_usual_rate_is_flagged_and_its_attempts_marked(burst_client, bank):
    # The client rule out of the way: every check here comes from one test client.
    with burst_client(attempts_per_client_hour=1000, burst_client_per_hour=1000) as client:
        today_start = day_of(dt.datetime.now(dt.UTC))

        async def counts() -> tuple[int, int]:
            here = (tables.Attempt.commune == BUSY_COMMUNE) & (tables.Attempt.mode == "self")
            today = await tables.Attempt.count().where(here & (tables.Attempt.finished_at >= today_start))
            before = await tables.Attempt.count().where(
                here
                & (tables.Attempt.finished_at >= today_start - dt.timedelta(days=USUAL_RATE_DAYS))
                & (tables.Attempt.finished_at < today_start)
            )
            return today, before

        today, before = client.blocking_portal.call(counts)
        threshold = max(3, 2 * before / USUAL_RATE_DAYS)  # 3 on a fresh database
        quiet = max(0, int(threshold) - today)  # finishes that keep the day at or under the threshold
        assert today <= threshold, "an earlier run flagged this commune's day already"
        calm = finished_attempts(client, bank, quiet, commune=BUSY_COMMUNE)
        assert all(row["burst"] is None for row in attempts_by_public_id(client, calm))
        busy = finished_attempts(client, bank, 2, commune=BUSY_COMMUNE)
        flags = {row["burst"] for row in attempts_by_public_id(client, calm + busy)}
        assert len(flags) == 1 and None not in flags
        flag = flag_row(client, flags.pop())
        assert (flag["kind"], flag["commune"], flag["day"]) == (
            "commune",
            BUSY_COMMUNE,
            today_start.astimezone(VIETNAM).date().isoformat(),
        )
        assert flag["attempts"] == today + quiet + 2


def test_two_finishes_at_once_raise_one_flag_for_a_communes_day(burst_client, bank):
    with burst_client(burst_commune_minimum=100_000, burst_client_per_hour=100_000) as client:
        public_ids = finished_attempts(client, bank, 2, commune=RACED_COMMUNE)
        today_start = day_of(dt.datetime.now(dt.UTC))

        async def race() -> list[int | None]:
            now = dt.datetime.now(dt.UTC)
            return list(await asyncio.gather(*(flag_commune_day(RACED_COMMUNE, today_start, now) for _ in range(6))))

        async def flags_of_the_day() -> list[dict]:
            return await tables.BurstFlag.select(tables.BurstFlag.id).where(
                (tables.BurstFlag.kind == "commune")
                & (tables.BurstFlag.commune == RACED_COMMUNE)
                & (tables.BurstFlag.day == today_start.astimezone(VIETNAM).date().isoformat())
            )

        raced = client.blocking_portal.call(race)
        flags = client.blocking_portal.call(flags_of_the_day)
        assert len(flags) == 1 and set(raced) == {flags[0]["id"]}
        assert {row["burst"] for row in attempts_by_public_id(client, public_ids)} == {flags[0]["id"]}
