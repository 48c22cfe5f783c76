"""The API against its own schema: schemathesis sends the real server what the schema allows, and what it does
not, as an official's tool would, and checks each answer: no server error, a status the schema lists, a body and
headers of the shape it gives. The data are four months of synthetic attempts, released by the demo-data command.

Bounded and repeatable: a fixed number of examples per operation, drawn without randomness (derandomize)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from ..conftest import ServedApp, cli
from .helpers import CSRF_FIELD
from .released import PASSWORD, make_staff
from .staff import COMMUNE_A

PROVINCE_OFFICIAL, COMMUNE_OFFICIAL = "canbo.tinh.schema", "canbo.xa.schema"


@pytest.fixture(scope="module")
def served(fresh_database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    url = fresh_database()
    result = cli(url, "demo-data", "--attempts", "600", "--seed", "7")
    assert "published the release of" in result.stdout, result.stderr
    make_staff(url, "official", PROVINCE_OFFICIAL)
    make_staff(url, "official", COMMUNE_OFFICIAL, COMMUNE_A)
    server = ServedApp(url, Path(tmp_path_factory.mktemp("schema")) / "server.log")
    server.start()
    yield server
    server.stop()


def session_of(server: ServedApp, username: str) -> str:
    """An official's session cookie, from logging in on the login page as they do."""
    with httpx.Client(base_url=server.url) as browser:
        token = CSRF_FIELD.search(browser.get("/login").text).group(1)
        form = {"_csrf_token": token, "username": username, "password": PASSWORD}
        assert browser.post("/login", data=form).status_code == 303
        return browser.cookies["staff"]


@pytest.fixture(scope="module")
def api_schema(served: ServedApp):  # type: ignore[no-untyped-def]
    return schemathesis.openapi.from_url(f"{served.url}/api/v1/schema/openapi.json")


@pytest.fixture(scope="module")
def sessions(served: ServedApp) -> list[str]:
    """The province's official may read every area; a commune's official gets 403 outside their commune."""
    return [session_of(served, PROVINCE_OFFICIAL), session_of(served, COMMUNE_OFFICIAL)]


# schemathesis' own pytest integration (`from_fixture` + `parametrize`) fails under pytest 9 (it writes the
# node's `_nodeid`, which pytest 9 no longer has), so the cases come from its Hypothesis strategy instead.
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
def test_the_api_answers_as_its_schema_says(api_schema, sessions, mode):  # type: ignore[no-untyped-def]
    @given(case=api_schema.as_strategy(mode))
    @settings(max_examples=40, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    def answers_as_documented(case):  # type: ignore[no-untyped-def]
        for session in sessions:
            case.call_and_validate(headers={"Cookie": f"staff={session}"})

    answers_as_documented()


def test_the_released_statistics_say_no_store_too(served: ServedApp):
    with httpx.Client(base_url=served.url, cookies={"staff": session_of(served, PROVINCE_OFFICIAL)}) as tool:
        answer = tool.get("/api/v1/dashboard")
        head = tool.head("/api/v1/dashboard")
    assert answer.status_code == head.status_code == 200
    assert answer.headers["cache-control"] == head.headers["cache-control"] == "no-store"
    assert answer.json()["topics"] and head.content == b""


def test_the_schema_url_serves_the_schema_not_a_page_that_needs_a_cdn(client):
    for path in ("/api/v1/schema", "/api/v1/schema/openapi.json"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        assert "/api/v1/dashboard" in response.json()["paths"]


def test_the_schema_offers_the_values_of_the_loaded_content(client, bank):
    schema = client.get("/api/v1/schema/openapi.json").json()
    operation = schema["paths"]["/api/v1/dashboard"]["get"]
    filters = {p["name"]: p["schema"] for p in operation["parameters"]}
    province = client.app.state.site.territory
    assert filters["area"]["enum"] == ["province", *(c.code for c in province.communes)]
    assert filters["mode"]["enum"] == ["all", "self", "guided"]
    components = schema["components"]["schemas"]
    assert components["TopicTable"]["properties"]["topic"]["enum"] == list(bank.topic_ids)
    assert set(operation["responses"]) == {"200", "401", "403", "404", "422", "429"}
    for status in ("401", "403", "404", "422", "429"):
        shape = operation["responses"][status]["content"]["application/json"]["schema"]
        assert shape == {"$ref": "#/components/schemas/ErrorBody"}
    assert set(components["ErrorBody"]["required"]) == {"error", "status"}
    assert "Retry-After" in operation["responses"]["429"]["headers"]


def test_the_docs_page_lists_the_endpoint_its_filters_and_answers_in_both_languages(client, bank):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "Tài liệu API" in page.text and "Tham số truy vấn" in page.text
    assert "<code>GET /api/v1/dashboard</code>" in page.text
    assert 'href="/api/v1/schema/openapi.json"' in page.text
    for value in ("province", "guided", *bank.topic_ids):
        assert f"<code>{value}</code>" in page.text
    for status in ("200", "401", "403", "404", "422", "429"):
        assert f'<th scope="row"><code>{status}</code></th>' in page.text
    # Every script is a file of ours: the CSP allows no other.
    assert "<script>" not in page.text and "cdn" not in page.text.lower()
    client.cookies.set("lang", "en")
    english = client.get("/api/v1/docs").text
    assert "API documentation" in english and "The released statistics for one area, period and mode" in english


def texts_of(node) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("description", "summary") and isinstance(value, str):
                yield value
            else:
                yield from texts_of(value)
    elif isinstance(node, list):
        for value in node:
            yield from texts_of(value)


def test_every_text_of_the_docs_has_its_vietnamese_translation(client):
    from server.web.i18n import Catalogs

    vietnamese = Catalogs().get("vi")
    texts = set(texts_of(client.get("/api/v1/schema/openapi.json").json()))
    assert len(texts) > 20
    assert [t for t in sorted(texts) if vietnamese.gettext(t) == t] == []
