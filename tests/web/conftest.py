from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from server.app import create_app
from server.domain.content import Bank
from server.settings import Settings


@pytest.fixture(scope="session")
def app(settings: Settings, bank: Bank):  # type: ignore[no-untyped-def]
    return create_app(settings, bank=bank)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """A citizen's browser: its own cookies, talking to the real app on the test database."""
    with TestClient(app=app, base_url="http://testserver.local") as c:
        yield c


@pytest.fixture(scope="session")
def personas(app, database_url):  # type: ignore[no-untyped-def]
    """Every staff persona of the access tests, with the password they chose."""
    from .helpers import csrf_token
    from .staff import (
        COMMUNE_A,
        COMMUNE_B,
        Persona,
        admin_creates,
        as_admin,
        authenticator,
        change_password,
        create_first_admin,
        leave,
        log_in,
        log_out,
        user_id,
    )

    admin = Persona("quantri", "admin passphrase for tests 1", "admin", None)
    create_first_admin(database_url, admin.username, admin.password)
    wanted = {
        "team_a": Persona("to.cns.a", "team A chooses this passphrase", "team", COMMUNE_A),
        "team_b": Persona("to.cns.b", "team B chooses this passphrase", "team", COMMUNE_B),
        "official_province": Persona("canbo.tinh", "province official passphrase", "official", None),
        "official_a": Persona("canbo.xa.a", "commune official passphrase", "official", COMMUNE_A),
        "disabled": Persona("da.nghi", "a disabled account passphrase", "team", COMMUNE_A),
    }
    with TestClient(app=app) as client:
        # An admin must set up a second factor at their first login before anything else.
        assert log_in(client, admin.username, admin.password).headers["location"] == "/account/second-factor"
        assert len(authenticator.enrol(client, admin.username)) == 10
        leave(client)
        everyone = {"admin": admin, **wanted}
        for persona in wanted.values():
            as_admin(client, everyone)
            one_time = admin_creates(client, persona.username, persona.role, persona.area)
            leave(client)
            assert log_in(client, persona.username, one_time).headers["location"] == "/account/password"
            assert change_password(client, one_time, persona.password).status_code == 303
            log_out(client)
        # The disabled persona logs in before the admin disables the account: that session must die with it.
        log_in(client, wanted["disabled"].username, wanted["disabled"].password)
        disabled_session = client.cookies.get("staff")
        as_admin(client, everyone)
        disabled_id = user_id(client, wanted["disabled"].username)
        client.post(f"/admin/users/{disabled_id}/disable", data={"_csrf_token": csrf_token(client, "/admin")})
        leave(client)
    wanted["disabled"] = Persona(**{**wanted["disabled"].__dict__, "session": disabled_session})
    return {"admin": admin, **wanted}
