"""The citizen's quiz: consent and profile, one question per screen, answers saved as they come.

Every step works as a plain form post with Post/Redirect/Get; htmx only swaps the question in place."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
import secrets

from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.plugins.htmx import ClientRedirect
from litestar.response import Redirect, Template

from ..db import attempts as db
from ..domain import shuffle
from ..domain.attempt import AGE_BANDS, Attempt, QuestionNotInAttempt
from ..domain.codes import new_code
from ..domain.draw import FULL_CHECK, draw, scopes
from ..domain.scoring import check_choice, score
from ..domain.staff import StaffUser
from ..domain.text import nfc
from . import bursts
from .errors import NoAttempt
from .pages import render
from .site import Site

ATTEMPT_COOKIE = "attempt"
ATTEMPT_COOKIE_DAYS = 30
SUBMISSION_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def current_attempt(request: Request, site: Site) -> Attempt | None:
    public_id = request.cookies.get(site.cookie_name(ATTEMPT_COOKIE))
    if not public_id or len(public_id) > 64:
        return None
    return await db.attempt_by_public_id(public_id)


async def require_attempt(request: Request, site: Site) -> Attempt:
    attempt = await current_attempt(request, site)
    if attempt is None:
        raise NoAttempt()
    return attempt


def start_form(
    request: Request,
    site: Site,
    attempt: Attempt | None,
    *,
    status_code: int = 200,
    errors: tuple[str, ...] = (),
    form: dict[str, str] | None = None,
    guide: StaffUser | None = None,
) -> Template:
    territory = site.territory
    chosen = form.get("province", "") if form else ""
    if form and form.get("commune") and territory.province_of(form["commune"]):
        chosen = territory.province_of(form["commune"]).code  # type: ignore[union-attr]
    return render(
        request,
        "quiz/start.html",
        status_code=status_code,
        private=True,
        age_bands=AGE_BANDS,
        territory=territory,
        # the communes offered: the province's; nationally, those of the province chosen first (34, then ~100,
        # rather than 3,321 in one list on a phone)
        province=territory.province(chosen) if territory.national else territory.provinces[0],
        topics=site.bank.topics,
        in_progress=attempt is not None and not attempt.is_finished,
        errors=errors,
        form=form or {},
        action="/team/guided" if guide else "/start",
        guided=guide is not None,
    )


@get("/start", name="start")
async def start_page(request: Request, site: NamedDependency[Site]) -> Template:
    """The form; in a national deployment "show its communes" comes back here with the form's fields so far, so
    what the person already chose is kept (without JavaScript; with it, htmx swaps the commune list alone)."""
    query = request.query_params
    form = {
        key: nfc(str(query.get(key, "")))[:20] for key in ("consent", "age_band", "province", "scope") if query.get(key)
    }
    return start_form(request, site, await current_attempt(request, site), form={"scope": FULL_CHECK, **form})


@get("/start/communes", name="start_communes")
async def start_communes(request: Request, site: NamedDependency[Site], province: FromQuery[str] = "") -> Template:
    """The commune list of one province, for htmx to swap in when the province changes."""
    return render(
        request,
        "quiz/_communes.html",
        province=site.territory.province(province) if site.territory.national else site.territory.provinces[0],
        form={},
    )


@post("/start", name="start_post")
async def start(request: Request, site: NamedDependency[Site]) -> Template | Redirect:
    return await start_attempt(request, site, guide=None)


async def start_attempt(request: Request, site: Site, *, guide: StaffUser | None) -> Template | Redirect:
    """Consent, age band, optional commune and scope; a team member's guided session goes through here too."""
    form = await request.form()
    choice = {key: nfc(str(form.get(key, "")).strip()) for key in ("consent", "age_band", "commune", "scope")}
    errors = []
    if choice["consent"] != "yes":
        errors.append("consent")
    if choice["age_band"] not in AGE_BANDS:
        errors.append("age_band")
    if choice["commune"] and site.territory.commune(choice["commune"]) is None:
        errors.append("commune")
    if choice["scope"] not in scopes(site.bank):
        errors.append("scope")
    earlier = await current_attempt(request, site)
    if errors:
        return start_form(request, site, earlier, status_code=400, errors=tuple(errors), form=choice, guide=guide)
    # A finished attempt on this device becomes the "previous" one: the draw avoids its questions and the results
    # show its levels beside the new ones. Not in a guided session: the device's last person was someone else.
    previous = earlier if earlier is not None and earlier.is_finished and guide is None else None
    if guide is None:
        await bursts.limit_new_attempt(request, site)  # over ATTEMPTS_PER_HOUR -> 429 page
    attempt = await _create(site, choice, previous, guide)
    response = Redirect(path="/quiz", status_code=303)
    response.set_cookie(
        site.cookie_name(ATTEMPT_COOKIE),
        attempt.public_id,
        max_age=ATTEMPT_COOKIE_DAYS * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=site.settings.https,
        path="/",
    )
    return response


async def _create(site: Site, choice: dict[str, str], previous: Attempt | None, guide: StaffUser | None) -> Attempt:
    rng = random.Random(secrets.randbits(64))
    avoid = previous.question_ids if previous else ()
    question_ids = draw(site.bank, choice["scope"], rng, avoid)
    code = new_code(secrets.choice)
    while await db.code_exists(code):  # 2**40 codes: a clash is rare, but never give two people one code
        code = new_code(secrets.choice)
    return await db.create_attempt(
        public_id=secrets.token_urlsafe(32),
        result_code=code,
        consent_version=site.settings.consent_version,
        age_band=choice["age_band"],
        commune=choice["commune"] or None,
        scope=choice["scope"],
        question_ids=question_ids,
        previous_id=previous.id if previous else None,
        now=_now(),
        guided_by=guide.id if guide else None,
        guide_area=guide.area if guide else None,
    )


def pack_id(public_id: str) -> str:
    """Names the offline pack of an attempt without revealing the attempt's secret id."""
    return hashlib.sha256(public_id.encode()).hexdigest()[:16]


def _question_page(
    request: Request, site: Site, attempt: Attempt, *, status_code: int = 200, error: str | None = None
) -> Template:
    question_id = attempt.next_question_id
    assert question_id is not None
    question = site.bank.question(question_id)
    return render(
        request,
        "quiz/question.html",
        "quiz/_question.html",
        status_code=status_code,
        private=True,
        question=question,
        options=attempt.options(question),
        question_name=attempt.token_of(question_id),
        topic=site.bank.topic(question.topic_id),
        position=attempt.position,
        total=attempt.total,
        error=error,
        guided=attempt.is_guided,
        submission=secrets.token_urlsafe(16),
        pack_id=pack_id(attempt.public_id),
    )


@get("/quiz", name="quiz")
async def quiz(request: Request, site: NamedDependency[Site]) -> Template | Redirect:
    attempt = await require_attempt(request, site)
    if attempt.is_finished:
        return Redirect(path="/results", status_code=303)
    return _question_page(request, site, attempt)


def _chosen(form: FormMultiDict) -> list[str]:
    return [str(v) for v in form.getall("option")] if "option" in form else []


@post("/quiz/answer", name="answer")
async def answer(request: Request, site: NamedDependency[Site]) -> Template | Redirect | ClientRedirect:
    attempt = await require_attempt(request, site)
    form = await request.form()
    named = str(form.get("question", ""))
    question_id = shuffle.question_of(named, attempt.question_ids)
    if question_id is None:
        raise QuestionNotInAttempt(named)  # a place beyond the attempt's questions -> 400
    question = site.bank.question(question_id)  # UnknownQuestion -> 404 page
    attempt.check_can_answer(question_id)  # finished -> 409, not asked in this attempt -> 400
    chosen = shuffle.options_of(_chosen(form), attempt.options(question))
    submission = str(form.get("submission", ""))
    submission_id = submission if SUBMISSION_ID.fullmatch(submission) else None
    if not chosen and attempt.next_question_id == question_id:
        # Nothing ticked: ask again, politely, keeping everything already saved.
        return _question_page(request, site, attempt, status_code=400, error="choose")
    if question_id not in attempt.answers:
        choice = check_choice(question, chosen)  # a foreign option -> 400
        attempt = await db.record_answer(
            site.engine,
            attempt,
            question_id,
            choice,
            score(question, choice),
            _now(),
            lambda done: done.results(site.bank),
            submission_id,
        )
        if attempt.is_finished:  # this request finished it: it was unfinished before (check_can_answer)
            await bursts.watch_finished(request, site, attempt)
    if request.headers.get("hx-request") == "true":
        if attempt.is_finished:
            return ClientRedirect(redirect_to="/results")
        return _question_page(request, site, attempt)
    return Redirect(path="/quiz", status_code=303)
