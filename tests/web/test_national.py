"""A national deployment (PROVINCE=all): one release measures the nation, its 34 provinces and 3,321 communes;
officials are scoped to the nation, a province or a commune, and each sees only their scope; the start form asks
for the province first."""

from __future__ import annotations

import dataclasses
import re

import pytest

from server.db import releases as releases_db
from server.domain.dashboard import tally
from server.domain.release import NO_PROVINCE

from ..conftest import cli
from .helpers import csrf_token
from .released import client_of, make_staff

NATIONAL = {"PROVINCE": "all"}
NINH_BINH, HA_NOI = "37", "01"
PHU_LY = "13285"  # Phường Phủ Lý, Ninh Bình


@pytest.fixture(scope="module")
def country(fresh_database, settings, bank):  # type: ignore[no-untyped-def]
    """Synthetic attempts from every province, written and released by the real demo-data command of a national
    deployment, on a database of this module's own."""
    from server.app import create_app

    url = fresh_database()
    result = cli(url, "demo-data", "--attempts", "6000", "--seed", "5", env=NATIONAL)
    assert result.returncode == 0, result.stderr
    make_staff(url, "official", "canbo.quocgia", env=NATIONAL)
    make_staff(url, "official", "canbo.ninhbinh", NINH_BINH, env=NATIONAL)
    make_staff(url, "official", "canbo.phuly", PHU_LY, env=NATIONAL)
    return create_app(dataclasses.replace(settings, database_url=url, province="all"), bank=bank)


def api(client, **params):  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/dashboard", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def latest(client):  # type: ignore[no-untyped-def]
    period = api(client)["period"]
    return period, client.blocking_portal.call(releases_db.load, period)


def test_a_release_measures_the_provinces_and_they_add_up_to_the_nation(country):
    with client_of(country, "canbo.quocgia") as client:
        _, release = latest(client)
        nation = tally([release], "participation", ("age_band", "mode"), {}, ("age_band", "mode"))
        provinces = tally(
            [release], "participation_by_province", ("province", "age_band", "mode"), {}, ("age_band", "mode")
        )
        assert nation == provinces and sum(nation.values()) > 0
        # and the communes of Ninh Bình add up to Ninh Bình, cell by cell
        territory = client.app.state.site.territory
        by_commune = tally(
            [release],
            "participation_by_commune",
            ("commune", "age_band", "mode"),
            {"commune": [c.code for c in territory.province(NINH_BINH).communes]},
            ("age_band", "mode"),
        )
        ninh_binh = tally(
            [release],
            "participation_by_province",
            ("province", "age_band", "mode"),
            {"province": [NINH_BINH]},
            ("age_band", "mode"),
        )
        assert by_commune == ninh_binh
        assert {key[0] for key in release.cells("participation_by_province")} <= {
            *(p.code for p in territory.provinces),
            NO_PROVINCE,
        }


def test_a_national_official_sees_provinces_side_by_side_and_opens_one(country):
    with client_of(country, "canbo.quocgia") as client:
        page = client.get("/dashboard").text
        areas = re.findall(r'<option value="(\d+|nation)"', page.split('id="f-area"')[1].split("</select>")[0])
        assert areas[0] == "nation" and len(areas) == 1 + 34  # the provinces, not 3,321 communes
        assert "Việt Nam" in page and "/dashboard/areas?area=nation" in page
        table = client.get("/dashboard/areas").text
        assert "So sánh các tỉnh, thành phố" in table
        assert len(re.findall(r'<tr><th scope="row"><a href="/dashboard\?area=(\d\d)&', table)) == 34
        period, release = latest(client)
        data = api(client, area=NINH_BINH, period=period)
        people = tally(
            [release],
            "participation_by_province",
            ("province", "age_band", "mode"),
            {"province": [NINH_BINH]},
            ("age_band",),
        )
        assert data["area"] == NINH_BINH
        assert [n if isinstance(n, int) else None for n in data["participation"]["row_totals"]] == [
            people[(b,)] if people[(b,)] >= 10 else None for b in data["participation"]["rows"]
        ]
        # a province's view lists its communes to choose from, and compares them side by side
        province_page = client.get("/dashboard", params={"area": NINH_BINH}).text
        assert f'value="{PHU_LY}"' in province_page
        communes = client.get("/dashboard/areas", params={"area": NINH_BINH}).text
        assert len(re.findall(r'<tr><th scope="row">', communes)) == 129
        assert client.get("/dashboard", params={"area": PHU_LY}).status_code == 200


def test_a_province_official_sees_their_province_and_its_communes_only(country):
    with client_of(country, "canbo.ninhbinh") as client:
        assert api(client)["area"] == NINH_BINH  # their province by default
        assert client.get("/dashboard", params={"area": PHU_LY}).status_code == 200
        assert client.get("/dashboard/areas").status_code == 200
        for area in ("nation", HA_NOI, "00004"):  # the nation, another province, a commune of Hà Nội
            assert client.get("/dashboard", params={"area": area}).status_code == 403, area
            assert client.get("/api/v1/dashboard", params={"area": area}).status_code == 403, area
        assert client.get("/dashboard/areas", params={"area": HA_NOI}).status_code == 403


def test_a_commune_official_asking_for_their_province_is_refused(country):
    with client_of(country, "canbo.phuly") as client:
        assert api(client)["area"] == PHU_LY
        assert client.get("/dashboard", params={"area": NINH_BINH}).status_code == 403
        assert client.get("/dashboard/areas").status_code == 403
        assert client.get("/dashboard/export.csv", params={"area": "nation"}).status_code == 403


def test_the_start_form_asks_for_the_province_then_lists_its_communes(country):
    with client_of(country) as client:
        form = client.get("/start").text
        assert len(re.findall(r'<option value="\d\d"', form)) == 34
        assert not re.search(r'<option value="\d{5}"', form)  # no commune before a province is chosen
        # without JavaScript: "show its communes" comes back with what was chosen so far
        chosen = client.get("/start", params={"province": NINH_BINH, "age_band": "35-44", "consent": "yes"}).text
        assert len(re.findall(r'<option value="\d{5}"', chosen)) == 129
        assert re.search(r'value="35-44"\s+checked', chosen) and re.search(r'value="yes"\s+checked', chosen)
        # with htmx: the list alone
        fragment = client.get("/start/communes", params={"province": HA_NOI}, headers={"HX-Request": "true"}).text
        assert fragment.lstrip().startswith("<select") and 'value="00004"' in fragment
        started = client.post(
            "/start",
            data={
                "_csrf_token": csrf_token(client, "/start"),
                "consent": "yes",
                "age_band": "35-44",
                "commune": "00004",
                "scope": "full",
            },
        )
        assert started.status_code == 200 and "Câu 1/15" in started.text  # the quiz began


def test_create_user_takes_a_province_only_in_a_national_deployment(fresh_database):
    url = fresh_database()
    args = ("create-user", "--role", "official", "--username", "canbo.tinh.khac", "--area", HA_NOI)
    refused = cli(url, *args, stdin="a passphrase for release tests\n")
    assert refused.returncode == 2 and "not a current commune code" in refused.stderr
    assert cli(url, *args, stdin="a passphrase for release tests\n", env=NATIONAL).returncode == 0
    team = ("create-user", "--role", "team", "--username", "to.tinh", "--area", HA_NOI)
    assert cli(url, *team, stdin="a passphrase for release tests\n", env=NATIONAL).returncode == 2
