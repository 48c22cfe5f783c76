"""Admin pages: staff accounts, API tokens, item analysis and flagged bursts. No default account exists; the first
admin comes from the command line."""

from __future__ import annotations

import datetime as dt
import logging
import secrets

import anyio
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from ..db import bursts as bursts_db
from ..db import staff as staff_db
from ..db import tokens
from ..domain.items import ITEM_MONTHS, analyse, sums_from_releases
from ..domain.staff import InvalidUsername, Role, StaffUser, imitated, normalize_username
from .account import requires
from .errors import PageError
from .pages import render
from .site import Site

log = logging.getLogger("kynangso.admin")


def one_time_password() -> str:
    """Four groups of four from an alphabet without look-alikes: easy to read out once, then changed."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


class AdminController(Controller):
    path = "/admin"
    guards = [requires(Role.ADMIN)]  # noqa: RUF012 - Litestar reads these class attributes

    @get("/", name="admin")
    async def users(self, request: Request, site: NamedDependency[Site]) -> Template:
        return render(
            request,
            "admin/users.html",
            private=True,
            users=await staff_db.all_users(),
            province=site.territory,
            roles=list(Role),
            error=None,
            form={},
        )

    @post("/users", name="admin_create")
    async def create(
        self, request: Request, site: NamedDependency[Site], staff: NamedDependency[StaffUser]
    ) -> Template:
        form = await request.form()
        data = {k: str(form.get(k, "")).strip() for k in ("username", "role", "area")}
        error = None
        try:
            username = normalize_username(data["username"])
        except InvalidUsername:
            error, username = "username", ""
        if error is None and await staff_db.username_taken(username):
            error = "taken"
        if error is None and imitated(username, [u.username for u in await staff_db.all_users()]):
            error = "imitates"
        if data["role"] not in {r.value for r in Role}:
            error = error or "role"
        area = data["area"] or None
        if not site.territory.is_scope(area):
            error = error or "area"
        if data["role"] == Role.TEAM.value and (area is None or site.territory.commune(area) is None):
            error = error or "team_area"
        if error:
            return render(
                request,
                "admin/users.html",
                status_code=400,
                private=True,
                users=await staff_db.all_users(),
                province=site.territory,
                roles=list(Role),
                error=error,
                form=data,
            )
        password = one_time_password()
        hashed = await anyio.to_thread.run_sync(site.hasher.hash, password)
        now = dt.datetime.now(dt.UTC)
        user = await staff_db.create(
            username, hashed, Role(data["role"]), area, now=now, expires_at=self._deadline(site, now)
        )
        log.info("user created user=%s role=%s by=%s", user.username, user.role, staff.username)
        return self._one_time_page(request, site, user, password)

    @post("/users/{user_id:int}/reset", name="admin_reset")
    async def reset(
        self, request: Request, site: NamedDependency[Site], staff: NamedDependency[StaffUser], user_id: FromPath[int]
    ) -> Template:
        user = await self._user(user_id)
        password = one_time_password()
        hashed = await anyio.to_thread.run_sync(site.hasher.hash, password)
        await staff_db.set_password(
            user.id, hashed, end_sessions=True, expires_at=self._deadline(site, dt.datetime.now(dt.UTC))
        )
        # Whoever had the password may have made tokens' secrets theirs too: a reset starts the account afresh.
        await tokens.revoke_all(user.id)
        log.info("password reset user=%s by=%s (sessions ended, api tokens revoked)", user.username, staff.username)
        return self._one_time_page(request, site, user, password)

    @post("/users/{user_id:int}/disable", name="admin_disable")
    async def disable(self, staff: NamedDependency[StaffUser], user_id: FromPath[int]) -> Redirect:
        user = await self._user(user_id)
        if user.id == staff.id:
            raise PageError("bad_form", 400)  # an admin cannot lock themselves out
        await staff_db.set_disabled(user.id, True)
        log.info("user disabled user=%s by=%s", user.username, staff.username)
        return Redirect(path="/admin", status_code=303)

    @post("/users/{user_id:int}/enable", name="admin_enable")
    async def enable(self, staff: NamedDependency[StaffUser], user_id: FromPath[int]) -> Redirect:
        user = await self._user(user_id)
        await staff_db.set_disabled(user.id, False)
        log.info("user enabled user=%s by=%s", user.username, staff.username)
        return Redirect(path="/admin", status_code=303)

    @post("/users/{user_id:int}/end-sessions", name="admin_end_sessions")
    async def end_sessions(self, staff: NamedDependency[StaffUser], user_id: FromPath[int]) -> Redirect:
        user = await self._user(user_id)
        await staff_db.end_sessions(user.id)
        log.info("sessions ended user=%s by=%s", user.username, staff.username)
        return Redirect(path="/admin", status_code=303)

    @post("/users/{user_id:int}/token", name="admin_token")
    async def token(self, request: Request, staff: NamedDependency[StaffUser], user_id: FromPath[int]) -> Template:
        """A read-only API token for an official's own tools, shown once."""
        user = await self._user(user_id)
        if user.role != Role.OFFICIAL:
            raise PageError("bad_form", 400)
        token = "kns_" + secrets.token_urlsafe(32)
        now = dt.datetime.now(dt.UTC)
        await tokens.create(user.id, token, f"by {staff.username} {now:%Y-%m-%d}", now)
        log.info("api token created user=%s by=%s", user.username, staff.username)
        return render(request, "admin/token.html", private=True, user=user, token=token)

    @post("/users/{user_id:int}/revoke-tokens", name="admin_revoke_tokens")
    async def revoke_tokens(self, staff: NamedDependency[StaffUser], user_id: FromPath[int]) -> Redirect:
        user = await self._user(user_id)
        await tokens.revoke_all(user.id)
        log.info("api tokens revoked user=%s by=%s", user.username, staff.username)
        return Redirect(path="/admin", status_code=303)

    @get("/items", name="admin_items")
    async def items(self, request: Request, site: NamedDependency[Site]) -> Template:
        k = site.settings.small_group_k
        months = (await site.releases.periods())[:ITEM_MONTHS]
        releases = await site.releases.get(months)
        reports = analyse(sums_from_releases(r.items for r in releases.values()), k)
        known = {q.id for t in site.bank.topics for q in t.questions}
        return render(
            request,
            "admin/items.html",
            private=True,
            reports=[r for r in reports if r.question_id in known],
            bank=site.bank,
            k=k,
            months=sorted(months),
        )

    @get("/flags", name="admin_flags")
    async def flags(self, request: Request, site: NamedDependency[Site]) -> Template:
        """Bursts of finished attempts flagged at finish (docs/bursts.md), newest first."""
        released = await bursts_db.released_months()
        flags = [(flag, flag.status(released)) for flag in await bursts_db.all_flags()]
        return render(request, "admin/flags.html", private=True, flags=flags, province=site.territory)

    @post("/flags/{flag_id:int}/exclude", name="admin_flag_exclude")
    async def exclude_flag(self, staff: NamedDependency[StaffUser], flag_id: FromPath[int]) -> Redirect:
        return await self._set_excluded(staff, flag_id, excluded=True)

    @post("/flags/{flag_id:int}/include", name="admin_flag_include")
    async def include_flag(self, staff: NamedDependency[StaffUser], flag_id: FromPath[int]) -> Redirect:
        return await self._set_excluded(staff, flag_id, excluded=False)

    @staticmethod
    async def _set_excluded(staff: StaffUser, flag_id: int, *, excluded: bool) -> Redirect:
        if await bursts_db.set_excluded(flag_id, excluded) is None:  # its month released -> 409 page
            raise PageError("not_found", 404)
        log.info("burst flag %s flag=%s by=%s", "excluded" if excluded else "included", flag_id, staff.username)
        return Redirect(path="/admin/flags", status_code=303)

    @post("/users/{user_id:int}/remove-second-factor", name="admin_remove_second_factor")
    async def remove_second_factor(self, staff: NamedDependency[StaffUser], user_id: FromPath[int]) -> Redirect:
        """For a lost phone without recovery codes: the person enrols again at their next login."""
        user = await self._user(user_id)
        await staff_db.remove_second_factor(user.id)
        log.info("second factor removed user=%s by=%s", user.username, staff.username)
        return Redirect(path="/admin", status_code=303)

    @staticmethod
    def _one_time_page(request: Request, site: Site, user: StaffUser, password: str) -> Template:
        """Shown once, to be given to the person in person or by phone."""
        hours = site.settings.one_time_password_hours
        return render(request, "admin/password.html", private=True, user=user, password=password, hours=hours)

    @staticmethod
    def _deadline(site: Site, now: dt.datetime) -> dt.datetime:
        return now + dt.timedelta(hours=site.settings.one_time_password_hours)

    @staticmethod
    async def _user(user_id: int) -> StaffUser:
        user = await staff_db.by_id(user_id)
        if user is None:
            raise PageError("not_found", 404)
        return user
