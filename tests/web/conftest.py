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
