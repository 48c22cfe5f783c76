"""Authors' preview of one question: as the quiz shows it, then its answer key, sources and lesson.

Only in development and test: in production the answer key of every question would be one URL away."""

from __future__ import annotations

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from .errors import PageError
from .pages import render
from .site import Site


@get("/preview/{question_id:str}", name="preview")
async def preview(request: Request, site: NamedDependency[Site], question_id: FromPath[str]) -> Template:
    if site.settings.environment == "production":
        raise PageError("not_found", 404)
    question = site.bank.question(question_id)
    return render(
        request,
        "preview.html",
        private=True,
        question=question,
        options=question.options,  # the file's order: the author sees what they wrote
        question_name="Q1",
        topic=site.bank.topic(question.topic_id),
        lesson=site.bank.lesson(question.lesson_id),
        position=1,
        total=1,
        error=None,
        submission="preview",
        pack_id=None,
    )
