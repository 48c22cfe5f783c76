"""Landing page, language switch, health check."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from ..db.attempts import database_ok
from ..domain.text import LANGUAGES
from .errors import BadForm
from .i18n import LANGUAGE_COOKIE
from .pages import render
from .site import Site

ONE_YEAR = 365 * 24 * 3600


@get("/", name="home")
async def home(request: Request, site: NamedDependency[Site]) -> Template:
    return render(request, "home.html", topics=site.bank.topics)


@post("/language", name="language")
async def set_language(request: Request, site: NamedDependency[Site]) -> Redirect:
    data = await request.form()
    language = str(data.get("language", ""))
    if language not in LANGUAGES:
        raise BadForm()
    target = str(data.get("next", "/"))
    # Only a local path: an open redirect would let a scam link borrow our address.
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = "/"
    response = Redirect(path=target, status_code=303)
    response.set_cookie(
        site.cookie_name(LANGUAGE_COOKIE),
        language,
        max_age=ONE_YEAR,
        httponly=True,
        samesite="lax",
        secure=site.settings.https,
    )
    return response


@get("/healthz", name="healthz", cache=False)
async def healthz() -> Response[dict[str, str]]:
    ok = await database_ok()
    return Response(
        {"status": "ok" if ok else "error", "database": "ok" if ok else "unavailable"},
        status_code=200 if ok else 503,
        headers={"Cache-Control": "no-store"},
    )
