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

from ..domain.areas import sort_key
from ..domain.attempt import AGE_BANDS
from ..domain.charts import BarChart, LineChart, line_chart, stacked_bars
from ..domain.dashboard import (
    ABOUT_QUESTIONS,
    COMMUNE_TABLES,
    PROVINCE_TABLES,
    VIEW_MODES,
    DashboardView,
    NotReleased,
    Period,
    TopicPanel,
    UnknownFilter,
    area_rows,
    area_sort_known,
    build_view,
    find_period,
    met_counts,
    periods_offered,
    sort_areas,
    trend_periods,
)
from ..domain.staff import Role, StaffUser
from ..domain.team import VIETNAM
from .account import requires
from .errors import PageError
from .exports import about_name, csv_response, row_name, xlsx_response
from .i18n import gettext
from .pages import render
from .site import Site
from .templating import localise, short_period

log = logging.getLogger("kynangso.dashboard")


def check_filters(site: Site, official: StaffUser, area: str | None, mode: str | None) -> tuple[str | None, str]:
    """Parses the area and mode, refusing unknown values (400) and areas outside the official's scope (403).
    The area is None for the whole territory (the province, or the nation)."""
    top = site.territory.top_key
    chosen = area or official.area or top
    if chosen != top and not (chosen.isdigit() and site.territory.is_scope(chosen)):
        raise PageError("bad_filter", 400)
    code = None if chosen == top else chosen
    if not site.territory.within(official.area, code):
        log.warning("refused user=%s area=%s", official.username, chosen)
        raise PermissionDeniedException("area outside the official's scope")
    chosen_mode = mode or "all"
    if chosen_mode not in VIEW_MODES:
        raise PageError("bad_filter", 400)
    return code, chosen_mode


async def chosen_period(site: Site, period: str | None) -> tuple[Period | None, list[Period]]:
    """The period asked for, or the latest release, with every period offered; None while nothing is released.
    A period that is not a period is refused (400); one without a release is not found (404)."""
    offered = periods_offered(await site.releases.periods())
    if not offered:
        if period:
            raise PageError("not_released", 404)
        return None, offered
    try:
        return (find_period(period, offered) if period else offered[0]), offered
    except UnknownFilter:
        raise PageError("bad_filter", 400) from None
    except NotReleased:
        raise PageError("not_released", 404) from None


async def dashboard_view(site: Site, area: str | None, period: str | None, mode: str) -> DashboardView | None:
    """The view of released months only; None while nothing is released."""
    chosen, offered = await chosen_period(site, period)
    if chosen is None:
        return None
    trend = trend_periods(chosen, offered)
    releases = await site.releases.get({m for p in (chosen, *trend) for m in p.months})
    return build_view(
        area=area,
        period=chosen,
        mode=mode,
        releases=releases,
        trend=trend,
        topic_ids=site.bank.topic_ids,
        targets=site.targets.of(province_code(site, area)),
        area_kind="province" if area is not None and site.territory.province(area) else "commune",
        k=site.settings.small_group_k,
    )


def _areas(site: Site, official: StaffUser, shown: str | None) -> list[tuple[str, str]]:
    """The areas an official may choose, named in the page's language ("Ninh Bình province"): all of their scope
    and its parts. A national official chooses among the provinces, then among the communes of the province
    shown, rather than from 3,321 communes at once."""
    territory = site.territory
    scope = official.area
    if scope is not None and territory.commune(scope) is not None:  # a commune official
        return [(scope, localise(territory.place(scope)))]
    choices = []
    if scope is None:
        choices.append((territory.top_key, localise(territory.name)))
        if territory.national:
            choices += [(p.code, localise(p.name)) for p in territory.provinces]
    province = territory.province(scope) if scope else None
    if province is None and territory.national and shown is not None:
        province = territory.province(shown) or territory.province_of(shown)
    if province is None and not territory.national:
        province = territory.provinces[0]
    if province is not None:
        if scope is not None:
            choices.append((province.code, localise(province.name)))
        choices += [(c.code, localise(c.title)) for c in province.communes]
    return choices


@get("/dashboard", name="dashboard", guards=[requires(Role.OFFICIAL)])
async def dashboard(
    request: Request,
    site: NamedDependency[Site],
    staff: NamedDependency[StaffUser],
    area: FromQuery[str | None] = None,
    period: FromQuery[str | None] = None,
    mode: FromQuery[str | None] = None,
) -> Template:
    chosen_area, chosen_mode = check_filters(site, staff, area, mode)
    view = await dashboard_view(site, chosen_area, period, chosen_mode)
    return render(
        request,
        "dashboard/home.html",
        "dashboard/_panels.html",
        private=True,
        view=view,
        areas=_areas(site, staff, chosen_area),
        periods=periods_offered(await site.releases.periods()),
        modes=VIEW_MODES,
        bank=site.bank,
        province=site.territory,
        query=request.url.query,
        area_key=chosen_area or site.territory.top_key,
        territory=site.territory,
        mode_key=chosen_mode,
        age_bands=AGE_BANDS,
        row_name=row_name,
        view_k=site.settings.small_group_k,
        about_names={q: about_name(q) for q in ABOUT_QUESTIONS},
        trend_chart=trend_chart(view, site) if view else None,
        levels_charts={p.topic_id: levels_chart(view, p) for p in view.topics} if view else {},
        wide=True,
    )


def province_code(site: Site, area: str | None) -> str:
    """The province whose targets a view is measured against ("all" for the nation, which has its own file)."""
    if area is None:
        return site.territory.code
    if site.territory.province(area) is not None:
        return area
    province = site.territory.province_of(area)
    return province.code if province else site.territory.code


def levels_chart(view: DashboardView, panel: TopicPanel) -> BarChart:
    """A topic's table as stacked bars: one per row (age band or group), then all ages."""
    t = panel.table
    levels = range(len(t.cells[0])) if t.cells else range(0)
    rows = [(row_name(row), [t.share(r, c) for c in levels]) for r, row in enumerate(view.level_rows)]
    rows.append((gettext("All ages"), [t.col_share(c) for c in levels]))
    return stacked_bars(rows)


def trend_chart(view: DashboardView, site: Site) -> LineChart | None:
    """Each topic's share at Basic or above over the trend's periods, against the working-age target."""
    if not view.trends or len(view.trends[0].periods) < 2:
        return None  # one point is no trend: the table says it
    labels = [short_period(p) for p in view.trends[0].periods]
    series = [
        (localise(site.bank.topic(t.topic_id).title), [t.table.share(i, 1) for i in range(len(t.periods))])
        for t in view.trends
    ]
    target = view.working_age_target / 100 if view.working_age_target else None
    return line_chart(labels, series, target)


@get("/dashboard/areas", name="dashboard_areas", guards=[requires(Role.OFFICIAL)])
async def areas(
    request: Request,
    site: NamedDependency[Site],
    staff: NamedDependency[StaffUser],
    area: FromQuery[str | None] = None,
    period: FromQuery[str | None] = None,
    mode: FromQuery[str | None] = None,
    sort: FromQuery[str | None] = None,
    order: FromQuery[str | None] = None,
) -> Template:
    """The parts of an area side by side for one released period, sorted on the server (links, no JavaScript):
    the provinces of the nation, or the communes of a province. A commune has no parts."""
    territory = site.territory
    whole, chosen_mode = check_filters(site, staff, area, mode)
    if whole is not None and territory.commune(whole) is not None:
        log.warning("refused user=%s areas of %s", staff.username, whole)
        raise PermissionDeniedException("a commune has no parts to compare")
    by, descending = sort or "name", order == "desc"
    if not area_sort_known(by, site.bank.topic_ids) or order not in (None, "asc", "desc"):
        raise PageError("bad_filter", 400)
    by_provinces = whole is None and territory.national
    if by_provinces:
        parts = [(p.code, p.name, p.name.vi) for p in territory.provinces]
    else:
        province = territory.province(whole) if whole else territory.provinces[0]
        assert province is not None  # check_filters let only the territory's own areas through
        parts = [(c.code, c.title, c.place) for c in province.communes]
    target_province = province_code(site, whole)  # whose target the communes are measured against
    chosen, offered = await chosen_period(site, period)
    rows = []
    if chosen is not None:
        releases = await site.releases.get(set(chosen.months))
        rows = area_rows(
            releases=[releases[m] for m in chosen.months],
            mode=chosen_mode,
            codes=[code for code, _, _ in parts],
            topic_ids=site.bank.topic_ids,
            target_of=lambda code: site.targets.of(code if by_provinces else target_province).working_age_basic,
            tables=PROVINCE_TABLES if by_provinces else COMMUNE_TABLES,
            k=site.settings.small_group_k,
        )
        sort_names = {code: sort_key(name) for code, _, name in parts}
        rows = sort_areas(rows, by, descending, sort_names.__getitem__, site.bank.topic_ids)
    return render(
        request,
        "dashboard/areas.html",
        "dashboard/_areas_table.html",
        private=True,
        period=chosen,
        periods=offered,
        mode_key=chosen_mode,
        area_key=whole or territory.top_key,
        whole_name=localise(territory.place(whole)),
        by_provinces=by_provinces,
        rows=rows,
        met_counts=met_counts(rows, len(site.bank.topic_ids)),
        sort=by,
        descending=descending,
        area_names={code: localise(title) for code, title, _ in parts},
        bank=site.bank,
        target=None if by_provinces else site.targets.of(target_province).working_age_basic,
        view_k=site.settings.small_group_k,
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
    chosen_area, chosen_mode = check_filters(site, staff, area, mode)
    view = await dashboard_view(site, chosen_area, period, chosen_mode)
    if view is None:
        raise PageError("not_released", 404)
    generated = dt.datetime.now(VIETNAM)
    if fmt == "csv":
        return csv_response(view, site, generated)
    return xlsx_response(view, site, generated)
