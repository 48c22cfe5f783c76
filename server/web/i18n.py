"""UI strings through gettext. Templates and code write English msgids; translations/vi holds Vietnamese, the
default language. The .po file is compiled in memory at startup (Babel), so there is no build step and no compiled
file to forget in git."""

from __future__ import annotations

import gettext as gnu_gettext
import io
from contextvars import ContextVar
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from litestar import Request

from ..domain.text import DEFAULT_LANGUAGE, LANGUAGES

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
LANGUAGE_COOKIE = "lang"

current_language: ContextVar[str] = ContextVar("current_language", default=DEFAULT_LANGUAGE)


class Catalogs:
    def __init__(self, directory: Path = TRANSLATIONS_DIR) -> None:
        self._by_language: dict[str, gnu_gettext.NullTranslations] = {"en": gnu_gettext.NullTranslations()}
        for language in LANGUAGES:
            po = directory / language / "LC_MESSAGES" / "messages.po"
            if po.is_file():
                with po.open("rb") as f:
                    catalog = read_po(f, locale=language)
                buffer = io.BytesIO()
                write_mo(buffer, catalog)
                buffer.seek(0)
                self._by_language[language] = Translations(buffer)

    def get(self, language: str) -> gnu_gettext.NullTranslations:
        return self._by_language.get(language, self._by_language["en"])

    # Jinja's i18n extension calls these; they read the request's language from the context variable.
    def gettext(self, message: str) -> str:
        return self.get(current_language.get()).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.get(current_language.get()).ngettext(singular, plural, n)


def pick_language(cookie_value: str | None) -> str:
    return cookie_value if cookie_value in LANGUAGES else DEFAULT_LANGUAGE


def use_language_of(request: Request) -> None:
    """Makes the language the request's cookie names the one its page is rendered in."""
    site = request.app.state.site
    current_language.set(pick_language(request.cookies.get(site.cookie_name(LANGUAGE_COOKIE))))


def N_(message: str) -> str:  # the name gettext tools look for
    """Marks text for translation where it is written (the API's descriptions in its schema, which stays in
    English); a template translates it where it is shown (apidocs.py)."""
    return message


_catalogs: Catalogs | None = None


def gettext(message: str) -> str:
    """For text made in Python (exports): the request's language, from the same catalogues as the templates."""
    global _catalogs
    if _catalogs is None:
        _catalogs = Catalogs()
    return _catalogs.gettext(message)
