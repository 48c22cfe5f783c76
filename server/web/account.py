"""Staff login, logout, password change and keep-alive; the guard every staff route uses."""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata

import anyio
from litestar import Request, Response, get, post
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.response import Redirect, Template

from ..db import staff as staff_db
from ..domain import second_factor
from ..domain.passwords import WeakPassword
from ..domain.staff import InvalidUsername, Role, StaffUser, normalize_username
from .errors import PageError, on_page_error
from .pages import render
from .site import Site

log = logging.getLogger("kynangso.auth")

STAFF_COOKIE = "staff"
DEVICE_COOKIE = "device"
PENDING_COOKIE = "staff-pending"  # a login whose password was right, waiting for its second factor


class NotLoggedIn(Exception):
    """Sends the person to the login page (a 303, or HX-Redirect for htmx)."""


class MustChangePassword(Exception):
    pass


class MustEnrol(Exception):
    """The role needs a second factor and the account has none yet: to the enrolment page."""


def client_ip(connection: ASGIConnection) -> str:
    return connection.client.host if connection.client else "unknown"


async def current_staff(connection: ASGIConnection) -> StaffUser | None:
    site: Site = connection.app.state.site
    session = await site.sessions.load(connection.cookies.get(site.cookie_name(STAFF_COOKIE)))
    if session is None:
        return None
    user = await staff_db.by_id(session.user_id)
    # A disabled account, a password change or "end sessions" bumps the version: older sessions die at once.
    if user is None or user.disabled or user.session_version != session.version:
        await site.sessions.end(session.id)
        return None
    return user


def requires(*roles: Role):  # type: ignore[no-untyped-def]
    """A guard: a live staff session with one of `roles` (any role when none are named)."""

    async def guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
        user = await current_staff(connection)
        if user is None:
            raise NotLoggedIn()
        if user.must_change_password and not handler.opt.get("password_change"):
            raise MustChangePassword()
        # Until the second factor is set up, only the account's own pages (password, enrolment) are open.
        if not (handler.opt.get("password_change") or handler.opt.get("enrolment")) and needs_enrolment(
            connection.app.state.site, user
        ):
            raise MustEnrol()
        if roles and user.role not in roles:
            log.warning("refused user=%s role=%s path=%s", user.username, user.role, connection.url.path)
            raise PermissionDeniedException("role")
        connection.state.staff = user

    return guard


def needs_enrolment(site: Site, user: StaffUser) -> bool:
    return not user.has_second_factor and second_factor.required(user, officials=site.settings.second_factor_officials)


def provide_staff(request: Request) -> StaffUser:
    return request.state.staff  # type: ignore[no-any-return]


def typed_password(value: object) -> str:
    """A password as typed, in one Unicode form: a phone may send "ệ" as one character or as e + two accents, and
    both must match (passwords are stored NFC). Long input is cut before hashing costs anything: no valid password
    is longer than 128 characters, so nothing valid is truncated."""
    return unicodedata.normalize("NFC", str(value)[:1024])


def minutes(seconds: int) -> int:
    return max(1, (seconds + 59) // 60)


def _staff_cookie(site: Site, response: Response, session_id: str) -> None:
    response.set_cookie(
        site.cookie_name(STAFF_COOKIE), session_id, httponly=True, samesite="lax", secure=site.settings.https, path="/"
    )


def _login_page(
    request: Request, *, status_code: int = 200, error: str | None = None, wait: int = 0, username: str = ""
) -> Template:
    return render(
        request,
        "account/login.html",
        status_code=status_code,
        private=True,
        error=error,
        wait_minutes=minutes(wait),
        username=username[:40],
    )


@get("/login", name="login")
async def login_page(request: Request) -> Template | Redirect:
    user = await current_staff(request)
    if user is not None:
        return Redirect(path=user.home, status_code=303)
    return _login_page(request)


@post("/login", name="login_post")
async def login(request: Request, site: NamedDependency[Site]) -> Template | Redirect:
    form = await request.form()
    typed, password = str(form.get("username", "")), typed_password(form.get("password", ""))
    try:
        username = normalize_username(typed)
    except InvalidUsername:
        username = "?invalid"
    device = site.throttle.device_nonce(request.cookies.get(site.cookie_name(DEVICE_COOKIE)), username)
    buckets = site.throttle.login(username, client_ip(request), device)
    # The attempt is counted before the password is checked: concurrent guesses cannot pass the limit together.
    wait = await site.throttle.reserve(buckets)
    if wait:
        log.warning("login throttled user=%s ip=%s wait=%ss", username, client_ip(request), wait)
        return _login_page(request, status_code=429, error="throttled", wait=wait, username=typed)
    found = await staff_db.by_username(username)
    user, stored = found if found else (None, None)
    # Verify even for unknown users (against a dummy hash): the answer takes the same time either way.
    valid = await anyio.to_thread.run_sync(site.hasher.verify, stored, password)
    if not valid or user is None or user.disabled:
        log.warning("login failed user=%s ip=%s", username, client_ip(request))
        return _login_page(request, status_code=400, error="invalid", username=typed)
    await site.throttle.succeeded(buckets)
    if not user.one_time_password_usable(dt.datetime.now(dt.UTC)):
        log.warning("login refused user=%s reason=one-time password expired or used", username)
        return _login_page(request, status_code=400, error="expired", username=typed)
    if stored and await anyio.to_thread.run_sync(site.hasher.needs_rehash, stored):
        await staff_db.rehash(user.id, await anyio.to_thread.run_sync(site.hasher.hash, password))
    if user.has_second_factor:
        token = await site.sessions.begin_second_step(user.id, user.session_version)
        log.info("login password ok user=%s, code asked", user.username)
        response = Redirect(path="/login/code", status_code=303)
        response.set_cookie(
            site.cookie_name(PENDING_COOKIE),
            token,
            max_age=site.sessions.PENDING_SECONDS,
            httponly=True,
            samesite="lax",
            secure=site.settings.https,
            path="/",
        )
        return response
    return await finish_login(request, site, user, device)


async def finish_login(request: Request, site: Site, user: StaffUser, device: str | None) -> Template | Redirect:
    """Both factors (or the only one) are right: the session starts under a fresh id."""
    if user.must_change_password and not await staff_db.spend_one_time_password(user.id, dt.datetime.now(dt.UTC)):
        log.warning("login refused user=%s reason=one-time password expired or used", user.username)
        return _login_page(request, status_code=400, error="expired", username=user.username)
    old = request.cookies.get(site.cookie_name(STAFF_COOKIE))
    session = await site.sessions.create(user.id, user.session_version, replacing=old)
    log.info("login ok user=%s role=%s ip=%s", user.username, user.role, client_ip(request))
    if user.must_change_password:
        target = "/account/password"
    elif needs_enrolment(site, user):
        target = "/account/second-factor"
    else:
        target = user.home
    response = Redirect(path=target, status_code=303)
    _staff_cookie(site, response, session.id)
    response.delete_cookie(site.cookie_name(PENDING_COOKIE), path="/")
    if device is None:
        response.set_cookie(
            site.cookie_name(DEVICE_COOKIE),
            site.throttle.device_token(user.username),
            max_age=180 * 24 * 3600,
            httponly=True,
            samesite="lax",
            secure=site.settings.https,
        )
    return response


@post("/logout", name="logout")
async def logout(request: Request, site: NamedDependency[Site]) -> Redirect:
    await site.sessions.end(request.cookies.get(site.cookie_name(STAFF_COOKIE)))
    await site.sessions.end_second_step(request.cookies.get(site.cookie_name(PENDING_COOKIE)))
    response = Redirect(path="/login", status_code=303)
    response.delete_cookie(site.cookie_name(STAFF_COOKIE), path="/")
    return response


@get("/account/password", name="password", guards=[requires()], opt={"password_change": True})
async def password_page(request: Request, staff: NamedDependency[StaffUser]) -> Template:
    return render(request, "account/password.html", private=True, error=None)


@post("/account/password", name="password_post", guards=[requires()], opt={"password_change": True})
async def change_password(
    request: Request, site: NamedDependency[Site], staff: NamedDependency[StaffUser]
) -> Template | Redirect:
    form = await request.form()
    current, new, again = (typed_password(form.get(k, "")) for k in ("current", "new", "again"))
    checks = site.throttle.password_check(staff.id)
    wait = await site.throttle.reserve(checks)
    if wait:
        log.warning("password check throttled user=%s wait=%ss", staff.username, wait)
        return render(
            request,
            "account/password.html",
            status_code=429,
            private=True,
            error="throttled",
            wait_minutes=minutes(wait),
        )
    found = await staff_db.by_username(staff.username)
    assert found is not None
    if not await anyio.to_thread.run_sync(site.hasher.verify, found[1], current):
        log.warning("password check failed user=%s", staff.username)
        return render(request, "account/password.html", status_code=400, private=True, error="current")
    await site.throttle.succeeded(checks)
    if new != again:
        return render(request, "account/password.html", status_code=400, private=True, error="again")
    try:
        new = site.policy.check(new, staff.username)
    except WeakPassword as weak:
        return render(request, "account/password.html", status_code=400, private=True, error=weak.reason)
    new_hash = await anyio.to_thread.run_sync(site.hasher.hash, new)
    await staff_db.set_password(staff.id, new_hash, end_sessions=True)
    # Every other session died with the version bump; this one continues under a fresh id.
    session = await site.sessions.create(
        staff.id, staff.session_version + 1, replacing=request.cookies.get(site.cookie_name(STAFF_COOKIE))
    )
    log.info("password changed user=%s", staff.username)
    response = Redirect(path="/account/second-factor" if needs_enrolment(site, staff) else staff.home, status_code=303)
    _staff_cookie(site, response, session.id)
    return response


@get("/account", name="account", guards=[requires()], opt={"password_change": True})
async def account_page(request: Request, site: NamedDependency[Site], staff: NamedDependency[StaffUser]) -> Template:
    return render(
        request,
        "account/account.html",
        private=True,
        second_factor_required=second_factor.required(staff, officials=site.settings.second_factor_officials),
        ended=request.query_params.get("ended") == "1",
    )


@post("/account/sessions/end", name="end_my_sessions", guards=[requires()], opt={"password_change": True})
async def end_my_sessions(request: Request, site: NamedDependency[Site], staff: NamedDependency[StaffUser]) -> Redirect:
    """ "Log out everywhere else": every session of the account dies (a phone left behind, a shared tablet); this
    one goes on under a fresh id."""
    await staff_db.end_sessions(staff.id)
    session = await site.sessions.create(
        staff.id, staff.session_version + 1, replacing=request.cookies.get(site.cookie_name(STAFF_COOKIE))
    )
    log.info("sessions ended by their user user=%s", staff.username)
    response = Redirect(path="/account?ended=1", status_code=303)
    _staff_cookie(site, response, session.id)
    return response


@post("/staff/keepalive", name="keepalive", guards=[requires()], status_code=204)
async def keepalive() -> None:
    """Loading the session in the guard renewed its idle timeout; nothing else to do."""


def on_not_logged_in(request: Request, exc: Exception) -> Response:
    target = {MustChangePassword: "/account/password", MustEnrol: "/account/second-factor"}.get(type(exc), "/login")
    if request.headers.get("hx-request") == "true":
        return Response(content="", status_code=204, headers={"HX-Redirect": target})
    if request.method == "GET" or isinstance(exc, (MustChangePassword, MustEnrol)):
        return Redirect(path=target, status_code=303)
    return on_page_error(request, PageError("login", 401))  # type: ignore[return-value]
