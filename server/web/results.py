"""Results of the person's own attempt, and earlier levels found by a result code."""

from __future__ import annotations

import segno
from litestar import HttpMethod, Request, get, post, route
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from ..db import attempts as db
from ..domain.attempt import Attempt, PastLevels
from ..domain.codes import format_code, normalize_code
from ..domain.dashboard import ABOUT_QUESTIONS
from ..domain.scoring import Scored, TopicResult, recommend
from .errors import PageError
from .exports import about_name
from .pages import render
from .quiz import require_attempt
from .site import Site


def code_url(site: Site, code: str) -> str:
    """The QR's link: the code rides in the fragment, which browsers never send to the server. It names the public
    origin, not the request's Host: a card is printed once and read later, on another phone (hosts.py)."""
    return f"{site.settings.public_origin}/code#{format_code(code)}"


def qr_svg(data: str) -> str:
    """An inline SVG of the QR code: no script, no style attribute, so the CSP holds."""
    return segno.make(data, error="m").svg_inline(scale=4, dark="#000", light="#fff", title="QR")


async def _results_of(site: Site, attempt: Attempt) -> list[TopicResult]:
    """Levels from the answers while they are kept; after ANSWER_MONTHS, from the results stored at the finish."""
    if attempt.answers:
        return attempt.results(site.bank)
    return await db.stored_results(attempt)


def _right_counts(scored: list[Scored]) -> dict[str, tuple[int, int]]:
    """Per topic, questions fully right and questions asked: "3 of 5 questions right" reads better than points
    (partial credit stays inside the level rule)."""
    counts: dict[str, tuple[int, int]] = {}
    for a in scored:
        right, asked = counts.get(a.question.topic_id, (0, 0))
        counts[a.question.topic_id] = (right + a.is_right, asked + 1)
    return counts


async def _results_page(
    request: Request, site: Site, attempt: Attempt, *, status_code: int = 200, code_error: bool = False
) -> Template:
    earlier: PastLevels | None = await db.past_levels(attempt.previous_id) if attempt.previous_id else None
    scored = attempt.scored(site.bank)
    results = await _results_of(site, attempt)
    return render(
        request,
        "results/results.html",
        status_code=status_code,
        private=True,
        results=results,
        levels={r.topic_id: r.level for r in results},
        earlier_code=format_code(earlier.result_code) if earlier else None,
        scored=scored,
        review=[(a, attempt.options(a.question)) for a in scored],  # in the order the person saw them
        right=_right_counts(scored),
        lessons=recommend(site.bank, scored),
        code=format_code(attempt.result_code),
        qr=qr_svg(code_url(site, attempt.result_code)),
        earlier=earlier,
        code_error=code_error,
        bank=site.bank,
        guided=attempt.is_guided,
        about_done=await db.about_answered(attempt),
        about_questions=[(q, about_name(q)) for q in ABOUT_QUESTIONS],
    )


@get("/results", name="results")
async def results(request: Request, site: NamedDependency[Site]) -> Template | Redirect:
    attempt = await require_attempt(request, site)
    if not attempt.is_finished:
        return Redirect(path="/quiz", status_code=303)
    return await _results_page(request, site, attempt)


@get("/results/card", name="card")
async def card(request: Request, site: NamedDependency[Site]) -> Template | Redirect:
    """A one-page card to print and take home: levels, lessons, the result code and its QR."""
    attempt = await require_attempt(request, site)
    if not attempt.is_finished:
        return Redirect(path="/quiz", status_code=303)
    results = await _results_of(site, attempt)
    return render(
        request,
        "results/card.html",
        private=True,
        levels={r.topic_id: r.level for r in results},
        lessons=recommend(site.bank, attempt.scored(site.bank)),
        code=format_code(attempt.result_code),
        qr=qr_svg(code_url(site, attempt.result_code)),
        bank=site.bank,
        day=attempt.finished_at,
        guided=attempt.is_guided,
    )


@post("/results/about", name="about")
async def about(request: Request, site: NamedDependency[Site]) -> Redirect:
    """Optional answers about the person (has a smartphone, ...); any question may be skipped."""
    attempt = await require_attempt(request, site)
    if not attempt.is_finished:
        return Redirect(path="/quiz", status_code=303)
    form = await request.form()
    answers = {}
    for question in ABOUT_QUESTIONS:
        value = str(form.get(question, ""))
        if value in ("yes", "no"):
            answers[question] = value
        elif value not in ("", "skip"):
            raise PageError("bad_form", 400)
    if answers:
        await db.save_about(site.engine, attempt, answers)
    return Redirect(path="/results#about", status_code=303)


@post("/results/compare", name="compare")
async def compare(request: Request, site: NamedDependency[Site]) -> Template | Redirect:
    """Links an earlier attempt (from another device, say) by its code, to show its levels beside these."""
    attempt = await require_attempt(request, site)
    if not attempt.is_finished:
        return Redirect(path="/quiz", status_code=303)
    form = await request.form()
    code = normalize_code(str(form.get("code", "")))
    earlier_id = await db.attempt_id_by_code(code) if code else None
    if earlier_id is None or earlier_id == attempt.id:
        return await _results_page(request, site, attempt, status_code=400, code_error=True)
    await db.link_previous(attempt, earlier_id)
    return Redirect(path="/results", status_code=303)


@route("/code", http_method=[HttpMethod.GET, HttpMethod.POST], name="code")
async def code_lookup(request: Request, site: NamedDependency[Site]) -> Template:
    """GET shows the form; POST shows the levels behind the code typed in it (or read from the fragment of the QR's
    link, `/code#ABCD-2345`, by static/js/code-from-fragment.js). A query string is ignored: a code in a URL would
    end up in logs and histories, a fragment or a form body does not."""
    if request.method != HttpMethod.POST:
        return render(request, "results/code.html", private=True, past=None, error=False, typed="")
    typed = str((await request.form()).get("code", ""))
    code = normalize_code(typed)
    attempt_id = await db.attempt_id_by_code(code) if code else None
    past = await db.past_levels(attempt_id) if attempt_id else None
    return render(
        request,
        "results/code.html",
        status_code=200 if past else 404,
        private=True,
        past=past,
        error=past is None,
        typed=typed[:20],
        topics=site.bank.topics,
        code=format_code(past.result_code) if past else None,
    )


@post("/code/delete", name="delete_result")
async def delete_result(request: Request, site: NamedDependency[Site]) -> Template:
    """Erases a result for good; the code is the only key, as for viewing it."""
    form = await request.form()
    code = normalize_code(str(form.get("code", "")))
    if code is None or form.get("confirm") != "yes" or not await db.delete_by_code(site.engine, code):
        return render(
            request,
            "results/code.html",
            status_code=404,
            private=True,
            past=None,
            error=True,
            typed=str(form.get("code", ""))[:20],
        )
    return render(request, "results/deleted.html", private=True)
