"""Every failure a person can cause gets a page in their language with a 4xx status; nothing else leaks out.
Handlers raise these exceptions; `handlers` maps them (and Litestar's own) to pages."""

from __future__ import annotations

import logging
import sqlite3

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotFoundException, PermissionDeniedException, ValidationException
from litestar.response import Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from ..db.engine import WriteBusy
from ..domain.attempt import AttemptFinished, QuestionNotInAttempt
from ..domain.bursts import FlagReleased
from ..domain.content import ContentError
from ..domain.scoring import InvalidAnswer
from .i18n import use_language_of
from .pages import render
from .requestlog import loggable_path

log = logging.getLogger("kynangso.errors")


class PageError(Exception):
    """A problem to show the person: `kind` picks the message in templates/errors/_error.html."""

    def __init__(self, kind: str, status_code: int, headers: dict[str, str] | None = None) -> None:
        super().__init__(kind)
        self.kind = kind
        self.status_code = status_code
        self.headers = headers or {}


class NoAttempt(PageError):
    def __init__(self) -> None:
        super().__init__("no_attempt", 404)


class BadForm(PageError):
    def __init__(self) -> None:
        super().__init__("bad_form", 400)


class TooManyAttempts(PageError):
    """More new attempts from one client in an hour than ATTEMPTS_PER_HOUR (docs/bursts.md)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("too_many_attempts", 429, {"Retry-After": str(retry_after)})


def _page(request: Request, kind: str, status_code: int, headers: dict[str, str] | None = None) -> Template:
    # Some errors come before the app's before_request has read the language (the request limit, the router's
    # 404 and 405, a body too large), so the page reads it itself.
    use_language_of(request)
    return render(
        request,
        "errors/error.html",
        "errors/_error.html",
        status_code=status_code,
        private=True,
        headers=headers,
        kind=kind,
    )


def on_page_error(request: Request, exc: PageError) -> Template | Response:
    if request.url.path.startswith("/api/"):
        body = {"error": exc.kind, "status": exc.status_code}
        return Response(body, status_code=exc.status_code, headers=exc.headers)
    return _page(request, exc.kind, exc.status_code, exc.headers)


def on_domain_error(request: Request, exc: Exception) -> Template:
    if isinstance(exc, AttemptFinished):
        return _page(request, "finished", 409)
    if isinstance(exc, FlagReleased):
        return _page(request, "flag_released", 409)
    if isinstance(exc, ContentError):
        return _page(request, "not_found", 404)
    if isinstance(exc, (InvalidAnswer, QuestionNotInAttempt)):
        return _page(request, "bad_answer", 400)
    return _page(request, "bad_form", 400)


CLIENT_GONE = "client disconnected prematurely"  # Litestar's words when a request's body stops coming


def on_http_error(request: Request, exc: HTTPException) -> Response:
    if request.url.path.startswith("/api/") or request.url.path == "/healthz":
        body = {"error": exc.detail, "status": exc.status_code}
        return Response(body, status_code=exc.status_code, headers=exc.headers)
    if isinstance(exc, PermissionDeniedException):
        log.warning("refused %s %s: %s", request.method, loggable_path(request.scope), exc.detail)
        kind = "csrf" if "csrf" in str(exc.detail).lower() else "forbidden"
    elif isinstance(exc, NotFoundException):
        kind = "not_found"
    elif isinstance(exc, ValidationException):
        kind = "bad_form"
    elif exc.status_code == 413:
        kind = "too_large"
    elif exc.status_code == 429:
        kind = "too_many"
    elif exc.status_code == 405:
        kind = "not_found"
    elif exc.status_code >= 500 and exc.detail == CLIENT_GONE:
        # The phone hung up while sending its form (a lost signal, a closed tab): nothing was saved and no one
        # will read an answer, so it is not a server error. 499 is the status proxies use for it.
        log.info("client went away on %s %s before its request was read", request.method, loggable_path(request.scope))
        return Response(b"", status_code=499)
    elif exc.status_code >= 500:
        return on_unexpected(request, exc)
    else:
        kind = "bad_form"
    return _page(request, kind, exc.status_code, exc.headers)  # type: ignore[return-value]


RETRY_AFTER_SECONDS = 5


def on_write_busy(request: Request, exc: Exception) -> Response:
    """A write that could not get its turn (the database is overloaded): "try again", and nothing saved is lost,
    since the write was refused whole (its transaction never began or was rolled back)."""
    if isinstance(exc, sqlite3.OperationalError) and "locked" not in str(exc) and "busy" not in str(exc):
        return on_unexpected(request, exc)
    log.warning("write refused as busy on %s %s", request.method, loggable_path(request.scope))
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.url.path.startswith("/api/"):
        return Response({"error": "busy", "status": 503}, status_code=503, headers=headers)
    return _page(request, "busy", 503, headers)  # type: ignore[return-value]


def on_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, loggable_path(request.scope), exc_info=exc)
    try:
        return _page(request, "server", HTTP_500_INTERNAL_SERVER_ERROR)  # type: ignore[return-value]
    except Exception:  # noqa: BLE001 - the error page itself failed; answer in plain text
        return Response("Error / Lỗi", status_code=500, media_type=MediaType.TEXT)


handlers = {
    PageError: on_page_error,
    AttemptFinished: on_domain_error,
    QuestionNotInAttempt: on_domain_error,
    InvalidAnswer: on_domain_error,
    ContentError: on_domain_error,
    FlagReleased: on_domain_error,
    HTTPException: on_http_error,
    WriteBusy: on_write_busy,
    sqlite3.OperationalError: on_write_busy,
    Exception: on_unexpected,
}
