"""What the installable app needs: the service worker (with its precache list), the offline page, and the pack
of a quiz's remaining questions that lets it go on without a connection."""

from __future__ import annotations

import hashlib
import json
import secrets

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.response import Template
from litestar.utils.scope.state import ScopeState

from .pages import render
from .quiz import pack_id, require_attempt
from .site import Site
from .static import hashed_name

WORKBOX = "/static/vendor/workbox-7.4.1"
# What a citizen may need offline. Staff scripts and pages are left out on purpose.
PRECACHE_FOLDERS = ("css/", "icons/", "pictures/", "vendor/htmx")
PRECACHE_FILES = ("js/app.js", "js/read-aloud.js", "manifest.webmanifest")


def precache_urls(site: Site) -> list[str]:
    return sorted(
        f"/static/{hashed_name(path, digest)}"
        for path, digest in site.static_hashes.items()
        if path.startswith(PRECACHE_FOLDERS) or path in PRECACHE_FILES
    )


def page_urls(site: Site) -> list[str]:
    return ["/", "/offline", "/lessons", *(f"/lessons/{lesson.id}" for t in site.bank.topics for lesson in t.lessons)]


def release(site: Site) -> str:
    """Changes whenever a static file, the content or the release setting changes."""
    material = json.dumps([site.static_hashes, page_urls(site), site.settings.release], sort_keys=True)
    return hashlib.sha256(material.encode()).hexdigest()[:12]


@get("/sw.js", name="service_worker", include_in_schema=False)
async def service_worker(request: Request, site: NamedDependency[Site]) -> Template:
    return Template(
        template_name="sw.js",
        context={
            "version": release(site),
            "precache": precache_urls(site),
            "pages": page_urls(site),
            "workbox": WORKBOX,
        },
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )


@get("/offline", name="offline")
async def offline_page(request: Request) -> Template:
    return render(request, "offline.html")


@get("/quiz/pack", name="quiz_pack")
async def quiz_pack(request: Request, site: NamedDependency[Site]) -> Response:
    """The remaining questions of this attempt as ready fragments (no answer key: scoring stays on the server)."""
    attempt = await require_attempt(request, site)
    engine = request.app.template_engine
    token = ScopeState.from_scope(request.scope).csrf_token or ""
    csrf_input = f'<input type="hidden" name="_csrf_token" value="{token}" />'
    questions = []
    remaining = [qid for qid in attempt.question_ids if qid not in attempt.answers]
    for offset, question_id in enumerate(remaining):
        question = site.bank.question(question_id)
        name = attempt.token_of(question_id)
        html = engine.get_template("quiz/_question.html").render(
            question=question,
            options=attempt.options(question),
            question_name=name,
            topic=site.bank.topic(question.topic_id),
            position=len(attempt.answers) + 1 + offset,
            total=attempt.total,
            error=None,
            guided=attempt.is_guided,
            submission=secrets.token_urlsafe(16),
            pack_id=None,
            csrf_input=csrf_input,
        )
        questions.append({"id": name, "html": html})  # the name the form posts, never the content's id
    pending = engine.get_template("quiz/_pending.html").render()
    body = {"id": pack_id(attempt.public_id), "questions": questions, "pending_html": pending}
    return Response(body, headers={"Cache-Control": "no-store"})
