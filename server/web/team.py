"""Team members: guided sessions for the person beside them, and counts of what their sessions achieved."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from ..domain.staff import Role, StaffUser
from ..domain.team import summarise
from .account import requires
from .pages import render
from .quiz import ATTEMPT_COOKIE, current_attempt, start_attempt, start_form
from .site import Site


class TeamController(Controller):
    path = "/team"
    guards = [requires(Role.TEAM)]  # noqa: RUF012

    @get("/", name="team")
    async def home(
        self,
        request: Request,
        site: NamedDependency[Site],
        staff: NamedDependency[StaffUser],
        ready: FromQuery[bool] = False,
    ) -> Template:
        periods = (await site.releases.periods())[:12]  # the last twelve released months
        releases = await site.releases.get(periods)
        summary = summarise(
            [releases[p] for p in periods], staff.id, staff.area, site.bank.topic_ids, site.settings.small_group_k
        )
        commune = site.territory.commune(staff.area) if staff.area else None
        return render(
            request,
            "team/home.html",
            private=True,
            summary=summary,
            commune=commune,
            topics=site.bank.topics,
            ready=ready,
            k=site.settings.small_group_k,
        )

    @get("/guided", name="guided_start")
    async def guided_start(
        self, request: Request, site: NamedDependency[Site], staff: NamedDependency[StaffUser]
    ) -> Template:
        return start_form(
            request,
            site,
            await current_attempt(request, site),
            guide=staff,
            form={"scope": "full", "commune": staff.area or ""},
        )

    @post("/guided", name="guided_post")
    async def guided(
        self, request: Request, site: NamedDependency[Site], staff: NamedDependency[StaffUser]
    ) -> Template | Redirect:
        return await start_attempt(request, site, guide=staff)

    @post("/guided/next", name="next_person")
    async def next_person(self, site: NamedDependency[Site]) -> Redirect:
        """Clears everything of the person who just finished: their attempt cookie and any storage on the device.
        Their pages were never cached (no-store), so the back button finds nothing of them either."""
        response = Redirect(path="/team?ready=true", status_code=303, headers={"Clear-Site-Data": '"storage"'})
        response.delete_cookie(site.cookie_name(ATTEMPT_COOKIE), path="/")
        return response
