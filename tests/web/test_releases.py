"""Releases over HTTP and the command line: nothing an official or a team member sees moves until a month is
released; the attacks that broke the live dashboard recover only noisy releases; exactly one release per month,
even from two processes; finished attempts keep no time finer than the day."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

import pytest

from server.db import releases as releases_db
from server.db import tables
from server.domain.dashboard import tally
from server.domain.release import age_group, period_of
from server.settings import ROOT

from ..conftest import TEST_SECRET, cli, run_async
from .helpers import csrf_token, finish, right_options, start, wrong_options
from .released import app_on, client_of, make_staff, next_month_closed, publish

COMMUNE = "13318"  # on databases of their own, any commune of the list
THIS_MONTH = period_of(dt.datetime.now(dt.UTC))


@pytest.fixture(scope="module")
def app(fresh_database, settings, bank):  # type: ignore[no-untyped-def]
    url = fresh_database()
    make_staff(url, "official", "canbo.tinh")
    make_staff(url, "team", "to.cns", COMMUNE)
    make_staff(url, "admin", "quantri")
    return app_on(url, settings, bank)


def visible(client) -> dict:  # type: ignore[no-untyped-def]
    """Everything an official can read for this month, quarter and year, in the province and the commune."""
    seen = {}
    for area in ("province", COMMUNE):
        response = client.get("/api/v1/dashboard", params={"area": area})
        seen[area] = (response.status_code, {k: v for k, v in response.json().items() if k != "generated"})
        seen[f"page {area}"] = client.get("/dashboard", params={"area": area}).text.replace(
            csrf_token(client, "/dashboard"), ""
        )
    return seen


def journeys(client, bank, n: int, *, band: str = "65+", pick=right_options) -> list[str]:  # type: ignore[no-untyped-def]
    codes = []
    for _ in range(n):
        client.cookies.clear()
        start(client, scope=bank.topics[0].id, age_band=band, commune=COMMUNE)
        finish(client, bank, pick)
        page = client.get("/results").text
        codes.append(page.split('class="code"')[1].split(">")[1].split("<")[0])
    client.cookies.clear()
    return codes


def test_nothing_is_published_before_a_month_closes_and_finishing_now_changes_nothing_seen(app, bank):
    with client_of(app, "canbo.tinh") as official:
        before = visible(official)
        assert before["province"][0] == 404
        assert "Chưa có số liệu nào được công bố" in before["page province"]
    with client_of(app) as citizen:
        journeys(citizen, bank, 3)
    with client_of(app, "canbo.tinh") as official:
        assert visible(official) == before
        assert publish(official, dt.datetime.now(dt.UTC)) == []  # this month has not closed


def test_after_the_release_polling_while_people_finish_shows_nothing_new(app, bank):
    with client_of(app, "canbo.tinh") as official:
        assert publish(official, next_month_closed()) == [THIS_MONTH]
        released = visible(official)
        assert released["province"][0] == 200 and released["province"][1]["period"] == THIS_MONTH
    with client_of(app) as citizen:
        codes = journeys(citizen, bank, 2, band="15-24")
    with client_of(app, "canbo.tinh") as official:
        assert visible(official) == released
    with client_of(app) as citizen:  # an erasure after the cut changes only later releases too
        form = {"_csrf_token": csrf_token(citizen, "/code"), "code": codes[0], "confirm": "yes"}
        assert citizen.post("/code/delete", data=form).status_code == 200
    with client_of(app, "canbo.tinh") as official:
        assert visible(official) == released


def test_a_second_release_of_a_published_month_is_refused_and_nothing_changes(app, bank):
    with client_of(app, "canbo.tinh") as official:
        before = visible(official)
        assert publish(official, next_month_closed() + dt.timedelta(days=1)) == []
        assert visible(official) == before


def test_injected_attempts_then_the_release_then_erasure_recover_only_noisy_numbers(fresh_database, settings, bank):
    """The attack: a small real group, 40 injected attempts with known levels, the release, then erasing the 40.
    Subtracting what was injected leaves the real group plus noise, never the real group."""
    app = app_on(fresh_database(), settings, bank)
    with client_of(app) as citizen:
        journeys(citizen, bank, 3, pick=wrong_options)  # the real small group: 65+ at "not yet"
        injected = journeys(citizen, bank, 40, band="15-24")
    with client_of(app) as anyone:
        assert publish(anyone, next_month_closed()) == [THIS_MONTH]
        release = anyone.blocking_portal.call(releases_db.load, THIS_MONTH)
        for code in injected:
            form = {"_csrf_token": csrf_token(anyone, "/code"), "code": code, "confirm": "yes"}
            assert anyone.post("/code/delete", data=form).status_code == 200
        assert anyone.blocking_portal.call(releases_db.load, THIS_MONTH) == release  # immutable

    async def truth() -> dict:
        r = tables.TopicResult
        rows = await r.select(r.attempt.commune, r.attempt.age_band, r.attempt.mode, r.topic_id, r.level)
        counts: dict = {}
        for row in rows:
            key = (
                row["attempt.commune"],
                age_group(row["attempt.age_band"]),
                row["attempt.mode"],
                row["topic_id"],
                row["level"],
            )
            counts[key] = counts.get(key, 0) + 1
        return counts

    real = run_async(truth())
    assert sum(real.values()) == 3
    dims = ("commune", "age_group", "mode", "topic", "level")
    published = tally([release], "levels_by_commune", dims, {"commune": [COMMUNE]}, dims)
    injected_here = {(COMMUNE, "15-64", "self", bank.topics[0].id, "advanced"): 40}
    recovered = {key: published.get(key, 0) - injected_here.get(key, 0) for key in set(published) | set(real)}
    cells = [key for key in recovered if key[3] == bank.topics[0].id]
    assert any(recovered[k] != real.get(k, 0) for k in cells), "the attack recovered the true counts"
    scale = release.parameters["tables"]["levels_by_commune"]["scale"]
    assert scale >= 5  # the noise is of the order of a small group, not of a rounding


def test_the_team_page_counts_sessions_by_week_from_releases_never_a_small_breakdown(fresh_database, settings, bank):
    url = fresh_database()
    make_staff(url, "team", "to.cns", COMMUNE)
    app = app_on(url, settings, bank)
    with client_of(app, "to.cns") as team:
        assert "Chưa có gì được công bố" in team.get("/team").text
        for pick in (right_options, wrong_options):
            data = {
                "_csrf_token": csrf_token(team, "/team/guided"),
                "consent": "yes",
                "age_band": "65+",
                "commune": COMMUNE,
                "scope": bank.topics[0].id,
            }
            assert team.post("/team/guided", data=data, follow_redirects=False).status_code == 303
            finish(team, bank, pick)
            team.post("/team/guided/next", data={"_csrf_token": csrf_token(team, "/team")})
        assert "Chưa có gì được công bố" in team.get("/team").text  # not before the month's release
        assert publish(team, next_month_closed()) == [THIS_MONTH]
        page = team.get("/team").text
        assert "2 phiên đã hoàn thành" in page
        today = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()
        monday = today - dt.timedelta(days=today.weekday())
        assert f"{monday.day}" in page
        levels = page.split("Mức đạt được")[1]
        assert "&lt;&nbsp;10" in levels  # two people's levels are never shown as such

    async def guides() -> list:
        return [r["guided_by"] for r in await tables.Attempt.select(tables.Attempt.guided_by)]

    assert run_async(guides()) == [None, None]  # released: the attempts no longer say who guided them


def test_a_finished_attempt_keeps_no_time_finer_than_the_day(app, bank):
    with client_of(app) as citizen:
        start(citizen, scope=bank.topics[0].id, commune=COMMUNE)
        finish(citizen, bank)

    async def times() -> list[dt.datetime]:
        a, b = tables.Attempt, tables.Answer
        rows = await a.select(a.started_at, a.finished_at).where(a.finished_at.is_not_null())
        answers = await b.select(b.answered_at).where(b.attempt.finished_at.is_not_null())
        return [t for r in rows for t in r.values()] + [r["answered_at"] for r in answers]

    for moment in run_async(times()):
        local = moment.astimezone(dt.timezone(dt.timedelta(hours=7)))
        assert (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)


def test_the_running_app_publishes_a_due_release_by_itself(fresh_database, settings, bank):
    import dataclasses

    from server.app import create_app
    from server.demo import write
    from server.domain.areas import load_province

    url = fresh_database()
    run_async(write(url, bank, load_province(settings.map_file, settings.province), 300, 3))  # publishes nothing
    app = create_app(dataclasses.replace(settings, database_url=url, auto_release=True), bank=bank)
    with client_of(app) as client:
        # The publisher starts with the app; the first due months appear within the lifespan of the client.
        deadline = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=60)
        published: list[str] = []
        while not published and dt.datetime.now(dt.UTC) < deadline:
            published = client.blocking_portal.call(releases_db.published_periods)
    assert published, "the app did not publish the due releases"


def test_the_release_command_refuses_clearly_and_changes_nothing(fresh_database):
    url = fresh_database()
    for period, message in (
        ("2026-13", "is not a month"),
        ("Nov", "is not a month"),
        (THIS_MONTH, "has not closed yet"),
    ):
        result = cli(url, "release", "--period", period)
        assert result.returncode == 1 and message in result.stderr, result.stderr
    assert cli(url, "release").stdout.strip().endswith("no release is due")


def test_two_processes_publish_a_month_exactly_once(fresh_database, settings, bank):
    from server.demo import write
    from server.domain.areas import load_province

    url = fresh_database()
    run_async(write(url, bank, load_province(settings.map_file, settings.province), 500, 5))
    env = {"DATABASE_URL": url, "SECRET_KEY": TEST_SECRET, "APP_ENV": "test", "PATH": "/usr/bin:/bin"}
    processes = [
        subprocess.Popen(  # noqa: S603 - our own command line
            [sys.executable, "-m", "server", "release"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=240)[0] for p in processes]
    assert all(p.returncode == 0 for p in processes)
    published = [line for out in outputs for line in out.splitlines() if line.startswith("published")]
    assert len(published) == len(set(published)) > 0

    async def count() -> tuple[int, int]:
        rows = await tables.Release.select(tables.Release.period)
        return len(rows), len({r["period"] for r in rows})

    stored, distinct = run_async(count())
    assert stored == distinct == len(published)
    again = cli(url, "release", "--period", published[0].split()[-1])
    assert again.returncode == 1 and "is published already" in again.stderr


def test_a_burst_an_admin_excluded_is_left_out_of_the_release(fresh_database, settings, bank):
    import dataclasses

    url = fresh_database()
    make_staff(url, "admin", "quantri")
    app = app_on(url, dataclasses.replace(settings, burst_client_per_hour=3), bank)
    with client_of(app) as citizen:
        journeys(citizen, bank, 12, band="65+")  # one client finishing far more checks than a person does
    with client_of(app, "quantri") as admin:
        page = admin.get("/admin/flags").text
        flag_id = int(re.search(r"/admin/flags/(\d+)/exclude", page).group(1))
        form = {"_csrf_token": csrf_token(admin, "/admin/flags")}
        assert admin.post(f"/admin/flags/{flag_id}/exclude", data=form, follow_redirects=False).status_code == 303
        counted = admin.blocking_portal.call(releases_db.tally_for, THIS_MONTH)
        assert publish(admin, next_month_closed()) == [THIS_MONTH]

    async def attempts() -> tuple[int, int]:
        a = tables.Attempt
        return await a.count().where(a.finished_at.is_not_null()), await a.count().where(a.burst == flag_id)

    finished, flagged = run_async(attempts())
    assert flagged > 3
    assert counted.total == finished - flagged  # what the release is built from leaves the burst out
