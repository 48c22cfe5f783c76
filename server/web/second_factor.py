"""The second step of a staff login (a code from the authenticator app, or a recovery code), and enrolment: a QR
code to scan, the code it shows to prove it, then ten recovery codes shown once. Rules in domain/second_factor.py."""

from __future__ import annotations

import logging
import time

import anyio
import segno
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from ..db import staff as staff_db
from ..domain import second_factor
from ..domain.staff import StaffUser
from .account import DEVICE_COOKIE, PENDING_COOKIE, STAFF_COOKIE, finish_login, minutes, requires
from .pages import render
from .site import Site

log = logging.getLogger("kynangso.auth")


def _code_page(request: Request, *, status_code: int = 200, error: str | None = None, wait: int = 0) -> Template:
    return render(
        request, "account/code.html", status_code=status_code, private=True, error=error, wait_minutes=minutes(wait)
    )


@get("/login/code", name="login_code")
async def code_page(request: Request, site: NamedDependency[Site]) -> Template | Redirect:
    if await site.sessions.second_step(request.cookies.get(site.cookie_name(PENDING_COOKIE))) is None:
        return Redirect(path="/login", status_code=303)
    return _code_page(request)


@post("/login/code", name="login_code_post")
async def check_code(request: Request, site: NamedDependency[Site]) -> Template | Redirect:
    token = request.cookies.get(site.cookie_name(PENDING_COOKIE))
    pending = await site.sessions.second_step(token)
    if pending is None:  # five minutes passed, or no password step: start again
        return Redirect(path="/login", status_code=303)
    user = await staff_db.by_id(pending[0])
    if user is None or user.disabled or user.session_version != pending[1]:
        await site.sessions.end_second_step(token)
        return Redirect(path="/login", status_code=303)
    buckets = site.throttle.second_factor(user.id)
    wait = await site.throttle.reserve(buckets)
    if wait:
        log.warning("code throttled user=%s wait=%ss", user.username, wait)
        return _code_page(request, status_code=429, error="throttled", wait=wait)
    code = second_factor.typed_code(str((await request.form()).get("code", "")))
    how = await _accept(site, user, code)
    if how is None:
        log.warning("code failed user=%s", user.username)
        return _code_page(request, status_code=400, error="invalid")
    await site.throttle.succeeded(buckets)
    await site.sessions.end_second_step(token)
    log.info("code ok user=%s by=%s", user.username, how)
    device = site.throttle.device_nonce(request.cookies.get(site.cookie_name(DEVICE_COOKIE)), user.username)
    return await finish_login(request, site, user, device)


async def _accept(site: Site, user: StaffUser, code: str) -> str | None:
    """ "app" or "recovery code" when `code` is right (and now used up), else None."""
    stored = await staff_db.second_factor(user.id)
    if stored is None:
        return None
    step = second_factor.matching_step(stored[0], code, time.time(), stored[1])
    if step is not None:
        return "app" if await staff_db.accept_step(user.id, step) else None
    if len(code) != 12:
        return None
    for code_id, hashed in await staff_db.unused_recovery_codes(user.id):
        if await anyio.to_thread.run_sync(site.hasher.verify, hashed, code):
            return "recovery code" if await staff_db.use_recovery_code(code_id) else None
    return None


def _qr(uri: str) -> str:
    """An SVG data URI: the CSP allows images from data: and nothing inline that runs."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2, dark="#000", light="#fff")


async def _enrolment(request: Request, site: Site, staff: StaffUser, *, status_code: int = 200, error=None):  # type: ignore[no-untyped-def]
    session_id = request.cookies.get(site.cookie_name(STAFF_COOKIE), "")
    # A reload shows the same key: the person may have scanned it already.
    secret = await site.sessions.offered_secret(session_id)
    if secret is None:
        secret = second_factor.new_secret()
        await site.sessions.offer_secret(session_id, secret)
    return render(
        request,
        "account/second_factor.html",
        status_code=status_code,
        private=True,
        qr=_qr(second_factor.setup_uri(secret, staff.username)),
        secret=second_factor.grouped(secret),
        error=error,
        enrolled=False,
    )


@get("/account/second-factor", name="second_factor", guards=[requires()], opt={"enrolment": True})
async def enrolment_page(request: Request, site: NamedDependency[Site], staff: NamedDependency[StaffUser]) -> Template:
    if staff.has_second_factor:
        return await _enrolled(request, staff)
    return await _enrolment(request, site, staff)


async def _enrolled(request: Request, staff: StaffUser, *, status_code: int = 200, error=None, wait: int = 0):  # type: ignore[no-untyped-def]
    left = len(await staff_db.unused_recovery_codes(staff.id))
    return render(
        request,
        "account/second_factor.html",
        status_code=status_code,
        private=True,
        enrolled=True,
        left=left,
        error=error,
        wait_minutes=minutes(wait),
    )


@post("/account/second-factor", name="second_factor_post", guards=[requires()], opt={"enrolment": True})
async def enrol(request: Request, site: NamedDependency[Site], staff: NamedDependency[StaffUser]) -> Template:
    if staff.has_second_factor:
        return await _enrolled(request, staff)
    session_id = request.cookies.get(site.cookie_name(STAFF_COOKIE), "")
    secret = await site.sessions.offered_secret(session_id)
    code = second_factor.typed_code(str((await request.form()).get("code", "")))
    step = second_factor.matching_step(secret, code, time.time(), None) if secret else None
    if step is None:
        return await _enrolment(request, site, staff, status_code=400, error="invalid" if secret else "expired")
    codes = second_factor.new_recovery_codes()
    await staff_db.enrol(staff.id, secret, step, await _hashed(site, codes))
    await site.sessions.withdraw_secret(session_id)
    log.info("second factor enrolled user=%s", staff.username)
    return render(request, "account/recovery_codes.html", private=True, codes=codes)


@post("/account/recovery-codes", name="new_recovery_codes", guards=[requires()])
async def new_recovery_codes(
    request: Request, site: NamedDependency[Site], staff: NamedDependency[StaffUser]
) -> Template | Redirect:
    """A fresh set (the old ones stop working), for someone who has used some: proven with a code from the app."""
    if not staff.has_second_factor:
        return Redirect(path="/account/second-factor", status_code=303)
    buckets = site.throttle.second_factor(staff.id)
    wait = await site.throttle.reserve(buckets)
    code = second_factor.typed_code(str((await request.form()).get("code", "")))
    stored = await staff_db.second_factor(staff.id)
    step = None if wait or stored is None else second_factor.matching_step(stored[0], code, time.time(), stored[1])
    if step is None or not await staff_db.accept_step(staff.id, step):
        if wait:
            return await _enrolled(request, staff, status_code=429, error="throttled", wait=wait)
        return await _enrolled(request, staff, status_code=400, error="invalid")
    await site.throttle.succeeded(buckets)
    codes = second_factor.new_recovery_codes()
    await staff_db.replace_recovery_codes(staff.id, await _hashed(site, codes))
    log.info("recovery codes replaced user=%s", staff.username)
    return render(request, "account/recovery_codes.html", private=True, codes=codes)


async def _hashed(site: Site, codes: list[str]) -> list[str]:
    return [await anyio.to_thread.run_sync(site.hasher.hash, second_factor.typed_code(c)) for c in codes]
