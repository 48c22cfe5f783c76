"""Officials' dashboard: anonymized levels by age band, topic, area and period, with exports and targets.

Scope is enforced here, in the handler and the queries, not in templates: an official of a commune gets that
commune only; the province's officials the province or any commune."""

from __future__ import annotations

import datetime as dt
import logging

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromQuery
from litestar.response import Template

from ..db import dashboard as queries
from ..domain.attempt import AGE_BANDS
from ..domain.dashboard import (
    ABOUT_QUESTIONS,
    MODES,
    DashboardView,
    Period,
    UnknownFilter,
    build_view,
    find_period,
    periods_offered,
    trend_periods,
)
from ..domain.privacy import publishable_areas
from ..domain.staff import Role, StaffUser
from ..domain.team import VIETNAM
from .account import requires
from .errors import PageError
from .exports import about_name, csv_response, xlsx_response
from .pages import render
from .site import Site

log = logging.getLogger("kynangso.dashboard")
PROVINCE = "province"


def today() -> dt.date:
    return dt.datetime.now(VIETNAM).date()


def check_filters(site: Site, official: StaffUser, area: str | None, period: str | None, mode: str | None):  # type: ignore[no-untyped-def]
    """Parses the filters, refusing unknown values (400) and areas outside the official's scope (403)."""
    chosen_area = area or (official.area or PROVINCE)
    if chosen_area != PROVINCE and site.province.commune(chosen_area) is None:
        raise PageError("bad_filter", 400)
    if official.area is not None and chosen_area != official.area:
        log.warning("refused user=%s area=%s", official.username, chosen_area)
        raise PermissionDeniedException("area outside the official's scope")
    try:
        chosen_period = find_period(period, today()) if period else periods_offered(today())[0]
    except UnknownFilter:
        raise PageError("bad_filter", 400) from None
    chosen_mode = mode or "all"
    if chosen_mode not in MODES:
        raise PageError("bad_filter", 400)
    return (None if chosen_area == PROVINCE else chosen_area), chosen_period, chosen_mode


async def dashboard_view(site: Site, area: str | None, period: Period, mode: str) -> DashboardView:
    k = site.settings.small_group_k
    months = period.months
    withheld = False
    if area is not None:
        # A commune is shown only if it, and what the shown communes leave over of the province, are large
        # enough; a commune's self/guided view also needs the commune's whole view to be shown.
        withheld = area not in publishable_areas(await queries.commune_totals(months, mode), k) or (
            mode != "all" and area not in publishable_areas(await queries.commune_totals(months, "all"), k)
        )
    if mode != "all" and not withheld:
        withheld = mode not in publishable_areas(await queries.mode_totals(months, area), k)
    if withheld:
        return DashboardView(area, period, mode, withheld=True)
    trend = trend_periods(period, today())
    return build_view(
        area=area,
        period=period,
        mode=mode,
        topic_ids=site.bank.topic_ids,
        attempts=await queries.attempt_counts(months, area, mode),
        levels=await queries.level_counts(months, area, mode),
        by_month=await queries.level_counts_by_month(tuple(m for p in trend for m in p.months), area, mode),
        trend=trend,
        about=await queries.about_counts(months, area, mode),
        targets=site.targets,
        k=k,
    )


def _areas(site: Site, official: StaffUser) -> list[tuple[str, str]]:
    if official.area is not None:
        commune = site.province.commune(official.area)
        return [(official.area, commune.name if commune else official.area)]
    return [(PROVINCE, site.province.name.get("vi")), *((c.code, c.name) for c in site.province.communes)]


@get("/dashboard", name="dashboard", guards=[requires(Role.OFFICIAL)])
async def dashboard(
    request: Request,
    site: NamedDependency[Site],
    staff: NamedDependency[StaffUser],
    area: FromQuery[str | None] = None,
    period: FromQuery[str | None] = None,
    mode: FromQuery[str | None] = None,
) -> Template:
    chosen = check_filters(site, staff, area, period, mode)
    view = await dashboard_view(site, *chosen)
    return render(
        request,
        "dashboard/home.html",
        "dashboard/_panels.html",
        private=True,
        view=view,
        areas=_areas(site, staff),
        periods=periods_offered(today()),
        modes=MODES,
        bank=site.bank,
        province=site.province,
        query=request.url.query,
        area_key=chosen[0] or PROVINCE,
        age_bands=AGE_BANDS,
        view_k=site.settings.small_group_k,
        about_names={q: about_name(q) for q in ABOUT_QUESTIONS},
        wide=True,
    )


@get(["/dashboard/export.csv", "/dashboard/export.xlsx"], name="dashboard_export", guards=[requires(Role.OFFICIAL)])
async def export(
    request: Request,
    site: NamedDependency[Site],
    staff: NamedDependency[StaffUser],
    area: FromQuery[str | None] = None,
    period: FromQuery[str | None] = None,
    mode: FromQuery[str | None] = None,
) -> Response:
    fmt = request.url.path.rsplit(".", 1)[1]
    chosen = check_filters(site, staff, area, period, mode)
    view = await dashboard_view(site, *chosen)
    generated = dt.datetime.now(VIETNAM)
    if fmt == "csv":
        return csv_response(view, site, generated)
    return xlsx_response(view, site, generated)
