"""The Jinja environment: autoescaped, gettext through the request's language, and filters that pick the
person's language out of bilingual content."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from ..domain.scoring import LEVELS
from ..domain.team import VIETNAM
from ..domain.text import Text
from .i18n import Catalogs, current_language
from .static import hashed_name

LOCALES = {"vi": "vi_VN", "en": "en_GB"}


def localise(value: Text | None) -> str:
    return value.get(current_language.get()) if value is not None else ""


def lesson_body(value: Text) -> Markup:
    """The lesson markup of docs/content-format.md: paragraphs, "- " bullets, "1. " steps. Everything escaped."""
    blocks = [b.strip() for b in localise(value).split("\n\n") if b.strip()]
    html = []
    for block in blocks:
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{escape(line[2:])}</li>" for line in lines)
            html.append(f"<ul>{items}</ul>")
        elif all(line.split(". ", 1)[0].isdigit() for line in lines):
            items = "".join(f"<li>{escape(line.split('. ', 1)[1])}</li>" for line in lines)
            html.append(f"<ol>{items}</ol>")
        else:
            html.append(f"<p>{escape(' '.join(lines))}</p>")
    return Markup("".join(html))  # noqa: S704 - every piece of text above went through escape()


def whole_words(value: str) -> Markup:
    """A label whose hyphenated words ("15-24", "E-services", "level-2") are kept on one line: a line may break
    after a hyphen, which in a narrow table cell splits the word. Words without one still wrap at spaces."""
    words = re.split(r"(\s+)", str(value))
    return Markup("".join(f'<span class="whole">{escape(w)}</span>' if "-" in w else str(escape(w)) for w in words))  # noqa: S704 - escaped


def number(value: float, digits: int = 0) -> str:
    fmt = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=fmt, locale=LOCALES[current_language.get()])


def date(value) -> str:  # type: ignore[no-untyped-def]
    """A day as people in Vietnam read it: a moment is shown in Vietnam time (a finished attempt keeps the start
    of its Vietnam day, which is the evening before in UTC)."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(VIETNAM).date()
    # In full words, as on an official letter: "1 tháng 12 năm 2026", "1 December 2026" (CLDR's "1 thg 12, 2026"
    # is an abbreviation older readers stumble over).
    pattern = "d 'tháng' M 'năm' y" if current_language.get() == "vi" else "d MMMM y"
    return format_date(value, format=pattern, locale=LOCALES[current_language.get()])


def epsilon_text(epsilon: float) -> str:
    """A privacy loss as people read it: 1, 0.5, 1.25."""
    return f"{epsilon:.2f}".rstrip("0").rstrip(".")


def short_period(period) -> str:  # type: ignore[no-untyped-def]
    """A period in a few characters, for a chart's axis: "11/2026", "Q4/2026", "2026"."""
    if period.kind == "month":
        return f"{period.start.month}/{period.start.year}"
    if period.kind == "quarter":
        return f"Q{period.key[-1]}/{period.start.year}"
    return str(period.start.year)


def period_label(period) -> str:  # type: ignore[no-untyped-def]
    """A fixed period in the person's language: "tháng 11 năm 2026" / "November 2026", "Quý 4/2026", "2026"."""
    from .i18n import gettext

    locale = LOCALES[current_language.get()]
    if period.kind == "month":
        pattern = "'tháng' M 'năm' y" if current_language.get() == "vi" else "MMMM y"
        return format_date(period.start, format=pattern, locale=locale)
    if period.kind == "quarter":
        return gettext("Quarter %(q)s/%(y)s") % {"q": period.key[-1], "y": period.start.year}
    return gettext("Year %(y)s") % {"y": period.start.year}


def build_environment(
    templates_dir: Path, static_hashes: dict[str, str], catalogs: Catalogs, *, reload: bool = False
) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir),
        # Checking every template file's time on each render cost a tenth of a quiz step; outside development the
        # templates change only with a new release, which restarts the app (static hashes are read at start too).
        auto_reload=reload,
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(catalogs.gettext, catalogs.ngettext, newstyle=True)  # type: ignore[attr-defined]

    def static(path: str) -> str:
        """The content-hashed URL of a static file (see web/static.py)."""
        return f"/static/{hashed_name(path, static_hashes[path])}"

    env.filters.update(
        t=localise,
        lesson_body=lesson_body,
        whole=whole_words,
        number=number,
        date=date,
        period=period_label,
        epsilon=epsilon_text,
    )
    env.globals.update(static=static, LEVELS=LEVELS)
    return env
