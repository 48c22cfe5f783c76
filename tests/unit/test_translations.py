"""Vietnamese is the default language: every text the templates show has a Vietnamese translation."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from server.settings import ROOT

CATALOG = ROOT / "server" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"


def test_every_template_text_is_translated_into_vietnamese():
    with CATALOG.open("rb") as f:
        catalog = read_po(f, locale="vi")
    missing = []
    methods = [("**.html", "jinja2.ext:babel_extract"), ("**.js", "ignore")]
    options = {"**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "false"}}
    for filename, _, message, _, _ in extract_from_dir(ROOT / "templates", methods, options_map=options):
        msgid = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(msgid)
        translated = entry is not None and (entry.string[0] if isinstance(entry.string, tuple) else entry.string)
        if not translated:
            missing.append(f"{filename}: {msgid}")
    assert missing == []
