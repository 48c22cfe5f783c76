"""Brute force: failed logins slow an attacker down, and the real user is not locked out."""

from __future__ import annotations

import pytest

from server.domain.staff import gate_seconds

from .staff import admin_creates, as_admin, change_password, leave, log_in, log_out


@pytest.mark.parametrize(
    ("attempt", "wait"),
    [
        (1, 0),
        (4, 0),  # the first five attempts go through at once
        (5, 15),  # ... and the fifth shuts the gate for 15 s behind it
        (6, 30),
        (7, 60),
        (10, 300),  # never more than five minutes
        (500, 300),
    ],
)
def test_the_back_off_schedule(attempt, wait):
    assert gate_seconds(attempt) == wait


@pytest.fixture
def victim(client, personas):  # type: ignore[no-untyped-def]
    """A fresh account that has logged in once on its own phone (which keeps a device cookie). One client plays
    every part in turn (admin, victim, then attacker): two app clients at once would share a PostgreSQL pool
    across event loops."""
    import secrets

    name, password = f"nan.nhan.{secrets.token_hex(3)}", "the victim's own long passphrase"
    as_admin(client, personas)
    one_time = admin_creates(client, name, "team", "13669")
    leave(client)
    log_in(client, name, one_time)
    change_password(client, one_time, password)
    device = client.cookies.get("device")
    log_out(client)
    assert device
    return name, password, device


def test_repeated_failures_are_throttled_with_the_wait_in_the_users_language(client, victim):
    name, password, _ = victim
    statuses = [log_in(client, name, f"guess number {n}").status_code for n in range(6)]
    assert statuses == [400] * 5 + [429]
    throttled = log_in(client, name, password)  # even the right password waits now
    assert throttled.status_code == 429
    assert "Vui lòng chờ 1 phút rồi thử lại." in throttled.text
    client.cookies.set("lang", "en")
    assert "Please wait 1 minute and try again." in log_in(client, name, password).text


def test_an_attacker_cannot_lock_the_real_user_out(client, victim):
    name, password, device = victim
    for n in range(8):
        log_in(client, name, f"attacker guess {n}")
    assert log_in(client, name, password).status_code == 429  # the attacker's browser is slowed down
    client.cookies.clear()
    client.cookies.set("device", device)  # the person's own phone
    response = log_in(client, name, password)
    assert response.status_code == 303
    assert response.headers["location"] == "/team"
