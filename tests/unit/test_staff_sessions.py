"""Staff sessions in a real Litestar memory store: idle and absolute limits, rotation, ending."""

from __future__ import annotations

import asyncio
import time

from litestar.stores.memory import MemoryStore

from server.web.staff_sessions import StaffSessions


def run(coroutine):  # type: ignore[no-untyped-def]
    from ..conftest import run_async

    return run_async(coroutine)


def test_a_session_dies_after_the_idle_timeout():
    async def scenario():  # type: ignore[no-untyped-def]
        sessions = StaffSessions(MemoryStore(), idle_seconds=1, absolute_seconds=3600)
        session = await sessions.create(7, 1)
        assert (await sessions.load(session.id)).user_id == 7
        await asyncio.sleep(1.2)
        return await sessions.load(session.id)

    assert run(scenario()) is None


def test_activity_keeps_a_session_alive_until_the_absolute_limit():
    async def scenario():  # type: ignore[no-untyped-def]
        sessions = StaffSessions(MemoryStore(), idle_seconds=1, absolute_seconds=2)
        session = await sessions.create(7, 1)
        alive = []
        started = time.monotonic()
        while time.monotonic() - started < 2.6:
            alive.append(await sessions.load(session.id) is not None)
            await asyncio.sleep(0.4)
        return alive

    alive = run(scenario())
    assert alive[:4] == [True] * 4  # renewed by each request past the one-second idle limit
    assert alive[-1] is False  # but never past the absolute limit


def test_login_replaces_the_old_id():
    async def scenario():  # type: ignore[no-untyped-def]
        sessions = StaffSessions(MemoryStore(), idle_seconds=60, absolute_seconds=3600)
        old = await sessions.create(7, 1)
        new = await sessions.create(7, 1, replacing=old.id)
        return old.id != new.id, await sessions.load(old.id), await sessions.load(new.id)

    different, old, new = run(scenario())
    assert different and old is None and new is not None


def test_an_overlong_or_missing_cookie_is_no_session():
    sessions = StaffSessions(MemoryStore(), idle_seconds=60, absolute_seconds=3600)
    assert run(sessions.load(None)) is None
    assert run(sessions.load("x" * 500)) is None
