"""Localised text: every string a person reads exists in Vietnamese and English."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"


@dataclass(frozen=True, slots=True)
class Text:
    vi: str
    en: str

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.vi


def nfc(value: str) -> str:
    """Vietnamese can be typed precomposed or with combining marks; compare and store one form only."""
    return unicodedata.normalize("NFC", value)
