"""Rendering: one helper decides page or fragment, sets `Vary: HX-Request`, and fills the context every template
needs (language, static URLs)."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Template

from .i18n import current_language

NO_STORE = {"Cache-Control": "no-store"}


def wants_fragment(request: Request) -> bool:
    """htmx asked for part of a page. Boosted links and history restores need the whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(
    request: Request,
    page: str,
    fragment: str | None = None,
    *,
    status_code: int = 200,
    private: bool = False,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    """Renders `page`, or only `fragment` (the partial the page includes) for an htmx request."""
    name = fragment if fragment and wants_fragment(request) else page
    staff = getattr(request.state, "staff", None)
    if staff is not None:
        # Staff pages: the navigation, and the idle-timeout warning (WCAG 2.2.1) of the session.
        context = {"staff": staff, "idle_seconds": request.app.state.site.settings.session_idle_minutes * 60, **context}
    all_headers = {"Vary": "HX-Request", **(NO_STORE if private else {}), **(headers or {})}
    return Template(
        template_name=name,
        context={"language": current_language.get(), "request_path": request.url.path, **context},
        status_code=status_code,
        headers=all_headers,
    )
