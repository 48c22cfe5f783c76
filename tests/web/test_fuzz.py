"""Bad input of any shape gets a 4xx, never a 500 (quality bar, reliability): random form posts to every route
that takes one, with a valid CSRF token so that the handlers themselves are exercised."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import csrf_token, finish, start

FIELDS = [
    "consent",
    "age_band",
    "commune",
    "scope",
    "question",
    "option",
    "submission",
    "code",
    "confirm",
    "language",
    "next",
    "username",
    "password",
    "smartphone",
    "bank_account",
    "current",
    "new",
    "again",
]
values = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["yes", "no", "full", "65+", "13669", "a", "true", "ABCD-2345", "/", "//evil", "\x00", "‮"]),
    st.text(alphabet="0123456789-ABCDEFGHJKLMNPQRSTUVWXYZ", max_size=12),
)
forms = st.dictionaries(st.sampled_from(FIELDS), st.one_of(values, st.lists(values, max_size=4)), max_size=8)
ROUTES = [
    "/start",
    "/quiz/answer",
    "/results/compare",
    "/results/about",
    "/code",
    "/code/delete",
    "/language",
    "/login",
    "/team/guided",
    "/account/password",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(ROUTES), form=forms)
def test_no_form_post_makes_the_server_fail(client, bank, route, form):
    response = client.post(route, data={"_csrf_token": csrf_token(client, "/start"), **form}, follow_redirects=False)
    assert response.status_code < 500, (route, form, response.text[:300])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    params=st.dictionaries(st.sampled_from(["c", "area", "period", "mode", "ready", "x"]), values, max_size=4),
    path=st.sampled_from(["/code", "/quiz", "/results", "/lessons", "/dashboard", "/api/v1/dashboard", "/offline"]),
)
def test_no_query_string_makes_the_server_fail(client, params, path):
    assert client.get(path, params=params, follow_redirects=False).status_code < 500


def test_a_finished_attempt_survives_random_posts(client, bank):
    start(client, scope=bank.topics[0].id)
    finish(client, bank)
    before = client.get("/results").text.count('<li class="right">')
    for route in ROUTES[:3]:
        client.post(route, data={"_csrf_token": csrf_token(client, "/results"), "question": "x", "option": "zz"})
    assert client.get("/results").text.count('<li class="right">') == before
