"""Officials' home: participation in their area. The full dashboard (levels by band, topic, period) builds on it."""

from __future__ import annotations

import datetime as dt

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from ..db import attempts as db
from ..domain.staff import Role, StaffUser
from ..domain.team import VIETNAM
from .account import requires
from .pages import render
from .site import Site

SMALL_GROUP = 10  # counts under this are shown as "< 10" (quality bar: suppression of small groups)


@get("/dashboard", name="dashboard", guards=[requires(Role.OFFICIAL)])
async def dashboard(request: Request, site: NamedDependency[Site], staff: NamedDependency[StaffUser]) -> Template:
    today = dt.datetime.now(VIETNAM)
    month_start = today.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    count = await db.count_finished(area=staff.area, since=month_start)
    return render(
        request,
        "dashboard/home.html",
        private=True,
        area=site.province.commune(staff.area).name if staff.area else site.province.name.get("vi"),
        month=month_start.date(),
        count=count if count >= SMALL_GROUP else None,
        small=SMALL_GROUP,
    )
