"""Read-only JSON API for officials' own tools: the dashboard's data with the same scopes and suppression.

Authentication: the official's browser session, or `Authorization: Bearer <token>` with a token an admin created.
Documented at /api/v1/docs (apidocs.py), from the OpenAPI schema at /api/v1/schema/openapi.json."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Annotated

from litestar import Router, get
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException, NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY
from litestar.types import Message, Scope

from ..db import tokens
from ..domain.staff import Role, StaffUser
from ..domain.team import VIETNAM
from .account import current_staff, needs_enrolment
from .dashboard import check_filters, dashboard_view
from .errors import PageError
from .exports import view_json
from .i18n import N_
from .requestlog import loggable_path
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


@dataclass
class ErrorBody:
    """Every error of the API (server/web/errors.py): a short reason in English, and the status code again."""

    error: str
    status: int


def _error(description: str) -> ResponseSpec:
    return ResponseSpec(data_container=ErrorBody, description=description, generate_examples=False)


# The refusals an operation can meet, each with the reason shown in the docs (apidocs.py adds their headers).
ERRORS = {
    401: _error(N_("No valid API token and no official's session.")),
    403: _error(
        N_(
            "The account is not an official's, still has to change its password or set up its second factor, or "
            "the area is outside the official's own."
        )
    ),
    404: _error(N_("No release has been published yet, or none for this period.")),
    422: _error(N_("An area, period or mode that is not one of the allowed values.")),
    429: _error(N_("Too many requests from this address: wait the seconds that Retry-After gives.")),
}
# What admin.py hands out: "kns_" and 32 random bytes in URL-safe base64.
TOKEN_SHAPE = re.compile(r"kns_[A-Za-z0-9_-]{43}")


async def token_holder(connection: ASGIConnection, token: str) -> StaffUser | None:
    """The account a bearer token speaks for. A refused token is logged with the path and why (someone's tool is
    misconfigured, or someone is guessing), never with the token itself."""
    if not TOKEN_SHAPE.fullmatch(token):
        reason = "malformed"
    elif (found := await tokens.holder(token)) is None:
        reason = "unknown"
    elif found.revoked:
        reason = "revoked"
    elif found.user.disabled:
        reason = "account disabled"
    else:
        return found.user
    log.warning("refused api token path=%s reason=%s", loggable_path(connection.scope), reason)
    return None


async def api_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    header = connection.headers.get("authorization")
    user: StaffUser | None
    if header is not None:
        # A tool that sends credentials means those: a bad one is refused, even beside a valid session cookie.
        scheme, _, token = header.partition(" ")
        user = await token_holder(connection, token.strip() if scheme.lower() == "bearer" else "")
    else:
        user = await current_staff(connection)
    if user is None or user.disabled:
        raise NotAuthorizedException("log in or send a valid API token", headers={"WWW-Authenticate": "Bearer"})
    if user.role != Role.OFFICIAL:
        log.warning("refused api user=%s role=%s", user.username, user.role)
        raise PermissionDeniedException("officials only")
    # An account still on its admin-set password, or without the second factor its role needs, reaches only its
    # own account pages: not the API either, by session or by token.
    if user.must_change_password or needs_enrolment(connection.app.state.site, user):
        log.warning("refused api user=%s reason=password change or second factor pending", user.username)
        raise PermissionDeniedException("change the one-time password (and set up the second factor) first")
    connection.state.staff = user


async def no_store(message: Message, scope: Scope) -> None:
    """A `before_send` hook: nothing the API answers, errors included, is kept by a browser or a proxy. Every
    answer is an official's scoped view (or a refusal of one), and a cached one would outlive a logout."""
    if message["type"] == "http.response.start" and scope["path"].startswith("/api/"):
        kept = [(n, v) for n, v in message.get("headers", []) if n.lower() != b"cache-control"]
        message["headers"] = [*kept, (b"cache-control", b"no-store")]


@get(
    "/dashboard",
    name="api_dashboard",
    summary=N_("The released statistics for one area, period and mode"),
    description=N_(
        "Protected estimates from the published releases of closed months, the same as the dashboard shows. "
        "Counts under the display threshold K are the text “< K”; every total is the sum of its released parts."
    ),
    response_description=N_("The released statistics."),
    responses=ERRORS,
)
async def api_dashboard(
    site: NamedDependency[Site],
    staff: NamedDependency[StaffUser],
    area: Annotated[
        str | None,
        Parameter(
            description=N_(
                "“province” (“nation” in a national deployment: the whole territory), or the code of a province "
                "(national deployments) or a commune within the official's scope."
            )
        ),
    ] = None,
    period: Annotated[
        str | None,
        Parameter(
            description=N_(
                "A released month (2026-11), quarter (2026-Q4) or year (2026). Left out: the latest released month."
            )
        ),
    ] = None,
    mode: Annotated[
        str | None,
        Parameter(description=N_("Attempts made alone (self), with a team member (guided), or both (all).")),
    ] = None,
) -> Dashboard:
    unknown = HTTPException(status_code=HTTP_422_UNPROCESSABLE_ENTITY, detail="unknown area, period or mode")
    if "" in (area, period, mode):
        raise unknown  # a filter is one of its values or left out; the dashboard's form is the one to read "" as "any"
    try:
        chosen_area, chosen_mode = check_filters(site, staff, area, mode)
        view = await dashboard_view(site, chosen_area, period, chosen_mode)
    except PageError as error:
        if error.status_code == 404:
            raise NotFoundException("no published release for this period") from None
        raise unknown from None
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


api_router = Router(
    path="/api/v1",
    route_handlers=[api_dashboard],
    guards=[api_guard],
    include_in_schema=True,
    security=[{"bearer": []}, {"session": []}],
)
