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
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException, ValidationException
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

Count = int | str  # a number, or "< K" / "×" where hidden


@dataclass
class Table:
    cells: list[list[Count]]
    row_totals: list[Count]
    column_totals: list[Count]
    total: Count


@dataclass
class TopicTable(Table):
    topic: str


@dataclass
class WorkingAgeTable(Table):
    topics: list[str]
    target_percent: float | None


@dataclass
class TrendTable(Table):
    topic: str
    periods: list[str]


@dataclass
class TargetTable(Table):
    question: str
    target_percent: float | None


@dataclass
class Dashboard:
    """Rows of every table are the age bands (trends: the periods); columns are the levels (participation: one
    column; targets and trends: [yes, no] and [below Basic, Basic or above])."""

    period: str
    area: str
    mode: str
    generated: str
    small_group_k: int
    withheld: bool
    age_bands: list[str]
    levels: list[str]
    participation: Table | None = None
    topics: list[TopicTable] | None = None
    working_age_basic: WorkingAgeTable | None = None
    trends: list[TrendTable] | None = None
    targets: list[TargetTable] | None = None


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


@get("/dashboard", name="api_dashboard", summary="The dashboard's data for one area, period and mode")
async def api_dashboard(
    site: NamedDependency[Site],
    staff: NamedDependency[StaffUser],
    area: FromQuery[str | None] = None,
    period: FromQuery[str | None] = None,
    mode: FromQuery[str | None] = None,
) -> Dashboard:
    """`area`: "province" or a commune code within the caller's scope; `period`: "2026-11", "2026-Q4" or "2026"
    among the last 12 months, 8 quarters and 3 years; `mode`: all, self or guided. Cells under K are "< K"."""
    try:
        chosen = check_filters(site, staff, area, period, mode)
    except PageError:
        raise ValidationException("unknown area, period or mode") from None
    view = await dashboard_view(site, *chosen)
    data = view_json(view, site, dt.datetime.now(VIETNAM))
    nested = ("participation", "topics", "working_age_basic", "trends", "targets")
    result = Dashboard(**{k: v for k, v in data.items() if k not in nested})
    if not view.withheld:
        result.participation = Table(**data["participation"])
        result.topics = [TopicTable(**t) for t in data["topics"]]
        result.working_age_basic = WorkingAgeTable(**data["working_age_basic"])
        result.trends = [TrendTable(**t) for t in data["trends"]]
        result.targets = [TargetTable(**t) for t in data["targets"]]
    return result


api_router = Router(path="/api/v1", route_handlers=[api_dashboard], guards=[api_guard], include_in_schema=True)
