"""Read-only JSON API for officials' own tools: the dashboard's data with the same scopes and suppression.

Authentication: the official's browser session, or `Authorization: Bearer <token>` with a token an admin created.
Documented in the OpenAPI schema at /api/v1/schema."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from litestar import Router, get
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import (
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.handlers.base import BaseRouteHandler
from litestar.params import FromQuery

from ..db import tokens
from ..domain.staff import Role, StaffUser
from ..domain.team import VIETNAM
from .account import current_staff
from .dashboard import check_filters, dashboard_view
from .errors import PageError
from .exports import view_json
from .site import Site

log = logging.getLogger("kynangso.api")

Count = int | str  # a released number, or "< K" under the display threshold


@dataclass
class Table:
    rows: list[str]
    cells: list[list[Count]]
    row_totals: list[Count]
    column_totals: list[Count]
    total: Count


@dataclass
class TopicTable(Table):
    topic: str


@dataclass
class WorkingAgeTable(Table):
    target_percent: float | None


@dataclass
class TrendTable(Table):
    topic: str


@dataclass
class TargetTable(Table):
    question: str
    target_percent: float | None


@dataclass
class Protection:
    mechanism: str
    epsilon_per_month: float
    display_threshold: int
    released: list[str]


@dataclass
class Dashboard:
    """Protected estimates from the published releases of closed months. Rows of each table are named in `rows`
    (age bands; for a commune, age groups 15-64 and 65+, or "all"; trends: periods; working age: topics);
    columns are the levels (participation: one column; targets: [yes, no]; working age and trends: [below Basic,
    Basic or above]). Every total is the sum of its released parts."""

    period: str
    months: list[str]
    area: str
    mode: str
    generated: str
    protection: Protection
    levels: list[str]
    participation: Table
    topics: list[TopicTable]
    working_age_basic: WorkingAgeTable
    trends: list[TrendTable]
    targets: list[TargetTable]


async def api_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    header = connection.headers.get("authorization", "")
    user: StaffUser | None
    if header.lower().startswith("bearer "):
        user = await tokens.user_for(header[7:].strip())
    else:
        user = await current_staff(connection)
    if user is None or user.disabled:
        raise NotAuthorizedException("log in or send a valid API token")
    if user.role != Role.OFFICIAL:
        log.warning("refused api user=%s role=%s", user.username, user.role)
        raise PermissionDeniedException("officials only")
    connection.state.staff = user


@get("/dashboard", name="api_dashboard", summary="The released statistics for one area, period and mode")
async def api_dashboard(
    site: NamedDependency[Site],
    staff: NamedDependency[StaffUser],
    area: FromQuery[str | None] = None,
    period: FromQuery[str | None] = None,
    mode: FromQuery[str | None] = None,
) -> Dashboard:
    """`area`: "province" or a commune code within the caller's scope; `period`: a released month ("2026-11"), or
    a quarter ("2026-Q4") or year ("2026") made of released months; the latest released month when left out;
    `mode`: all, self or guided. Counts under the display threshold K are "< K". 404 when there is no release."""
    try:
        chosen_area, chosen_mode = check_filters(site, staff, area, mode)
        view = await dashboard_view(site, chosen_area, period, chosen_mode)
    except PageError as error:
        if error.status_code == 404:
            raise NotFoundException("no published release for this period") from None
        raise ValidationException("unknown area, period or mode") from None
    if view is None:
        raise NotFoundException("no release has been published yet")
    data = view_json(view, site, dt.datetime.now(VIETNAM))
    return Dashboard(
        **{k: data[k] for k in ("period", "months", "area", "mode", "generated", "levels")},
        protection=Protection(**data["protection"]),
        participation=Table(**data["participation"]),
        topics=[TopicTable(**t) for t in data["topics"]],
        working_age_basic=WorkingAgeTable(**data["working_age_basic"]),
        trends=[TrendTable(**t) for t in data["trends"]],
        targets=[TargetTable(**t) for t in data["targets"]],
    )


api_router = Router(path="/api/v1", route_handlers=[api_dashboard], guards=[api_guard], include_in_schema=True)
