"""Apps on databases of their own, for tests about releases: a release never changes once published, so these
tests must not publish into the suite's shared database."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from litestar.testing import TestClient

from server.app import create_app
from server.domain.content import Bank
from server.publishing import publish_due
from server.settings import Settings

from ..conftest import cli
from .staff import authenticator, log_in

PASSWORD = "a passphrase for release tests"


def next_month_closed(now: dt.datetime | None = None) -> dt.datetime:
    """A moment after this month has ended and its grace period passed: its release is then due."""
    local = (now or dt.datetime.now(dt.UTC)).astimezone(dt.timezone(dt.timedelta(hours=7)))
    year, month = (local.year, local.month + 1) if local.month < 12 else (local.year + 1, 1)
    return dt.datetime(year, month, 10, tzinfo=dt.UTC)


def make_staff(
    database_url: str, role: str, username: str, area: str | None = None, env: dict[str, str] | None = None
) -> None:
    args = ["create-user", "--role", role, "--username", username, *(["--area", area] if area else [])]
    result = cli(database_url, *args, stdin=PASSWORD + "\n", env=env)
    assert result.returncode == 0, result.stderr


def app_on(database_url: str, settings: Settings, bank: Bank):  # type: ignore[no-untyped-def]
    return create_app(dataclasses.replace(settings, database_url=database_url), bank=bank)


@contextmanager
def client_of(app, who: str | None = None) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app=app, base_url="http://testserver.local") as client:
        if who:
            response = log_in(client, who, PASSWORD)
            assert response.status_code == 303
            if response.headers["location"] == "/account/second-factor":  # an admin's first login
                authenticator.enrol(client, who)
        yield client


def publish(client: TestClient, now: dt.datetime) -> list[str]:
    """Publishes what is due at `now`, on the app's own event loop and database connection."""
    site = client.app.state.site

    async def run() -> list[str]:
        return await publish_due(site.settings, site.bank, site.territory, now)

    return client.blocking_portal.call(run)
