"""The two small scripts (read-aloud.js, session-timeout.js) in Chromium, without the app.

Each test serves a throw-away folder holding one HTML page and a copy of the script, from Python's http.server
on a free loopback port, under the site's Content-Security-Policy, and fails on any console error."""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

SCRIPTS = Path(__file__).resolve().parents[2] / "static" / "js"
CSP = "default-src 'self'; script-src 'self'; style-src 'self'"
WARNING = "Your session will end in {minutes} minute(s) unless you continue."
ENDED = "Your session has ended. Please log in again."


@dataclass
class Site:
    root: Path
    url: str = ""
    keepalive_status: int = 204
    keepalive_tokens: list[str | None] = field(default_factory=list)

    def page(self, name: str, script: str, body: str) -> str:
        shutil.copy(SCRIPTS / script, self.root / script)
        html = (
            '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Test</title>'
            f'<script src="{script}" defer></script></head><body>{body}</body></html>'
        )
        (self.root / name).write_text(html, encoding="utf-8")
        (self.root / "favicon.ico").touch()
        return f"{self.url}/{name}"


class Handler(SimpleHTTPRequestHandler):
    site: Site

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        if self.path != "/login":
            super().do_GET()
            return
        body = b'<!doctype html><html lang="en"><head><title>Log in</title></head><body>Log in</body></html>'
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        if self.path != "/staff/keepalive":
            self.send_error(404)
            return
        self.site.keepalive_tokens.append(self.headers.get("x-csrftoken"))
        self.send_response(self.site.keepalive_status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    site = Site(root=tmp_path)
    handler = type("SiteHandler", (Handler,), {"site": site})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(tmp_path)))
    site.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def open_page(browser: Browser, site: Site) -> Iterator:
    """Opens a URL in a fresh context; the test fails if the page logged an error (a CSP violation, say),
    apart from the browser's own note on a keepalive the test server refuses."""
    contexts, errors = [], []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.location.get("url", "").endswith("/staff/keepalive"):
            errors.append(message.text)

    def open_(url: str, init_script: str | None = None) -> Page:
        context = browser.new_context()
        contexts.append(context)
        context.add_cookies([{"name": "csrftoken", "value": "abc", "url": site.url}])
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        page.on("console", on_console)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert errors == []


# --- read-aloud.js ---------------------------------------------------------------------------------------------

QUESTION = "Mật khẩu nào an toàn nhất?"
OPTION_A = "Một câu dài, dễ nhớ với bạn"
READ_ALOUD_BODY = f"""
<div id="quiz">
  <p id="prompt">{QUESTION}</p>
  <button type="button" class="read-aloud" data-read-aloud="#prompt" hidden>Đọc to</button>
  <label><input type="radio" name="option" value="a"> <span id="option-a-text">{OPTION_A}</span></label>
  <button type="button" class="read-aloud" data-read-aloud="#option-a-text" hidden>Đọc to</button>
</div>
"""


def fake_speech(voices: list[dict]) -> str:
    """A stand-in speechSynthesis: records what is spoken; speech ends when the page calls __finishSpeech()."""
    return """
(() => {
  let voices = __VOICES__;
  const listeners = [];
  window.__spoken = [];
  window.__pending = [];
  window.__finishSpeech = () => window.__pending.splice(0).forEach((u) => u.onend && u.onend({}));
  window.__setVoices = (list) => { voices = list; listeners.forEach((listener) => listener({})); };
  class FakeUtterance {
    constructor(text) { this.text = text; this.lang = ''; this.voice = null; this.rate = 1; }
  }
  const synth = {
    getVoices: () => voices,
    speak(u) {
      window.__spoken.push({ lang: u.lang, text: u.text, voice: u.voice && u.voice.name, rate: u.rate });
      window.__pending.push(u);
    },
    cancel() { window.__pending.splice(0).forEach((u) => u.onerror && u.onerror({ error: 'canceled' })); },
    addEventListener(type, listener) { if (type === 'voiceschanged') listeners.push(listener); },
  };
  Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
  Object.defineProperty(window, 'SpeechSynthesisUtterance', { value: FakeUtterance, configurable: true });
})();
""".replace("__VOICES__", json.dumps(voices))


def read_aloud_buttons(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("button.read-aloud")


def test_read_aloud_buttons_show_only_if_the_real_browser_has_a_vietnamese_voice(site, open_page):
    page = open_page(site.page("quiz.html", "read-aloud.js", READ_ALOUD_BODY))
    page.wait_for_timeout(2500)  # past the script's last look at the voices
    has_voice = page.evaluate("window.kynangsoReadAloud.hasVietnameseVoice()")
    for button in read_aloud_buttons(page).all():
        expect(button).to_be_visible() if has_voice else expect(button).to_be_hidden()


def test_without_voices_or_without_the_api_the_buttons_stay_hidden(site, open_page):
    url = site.page("quiz.html", "read-aloud.js", READ_ALOUD_BODY)
    no_api = "delete window.speechSynthesis; delete Window.prototype.speechSynthesis;"
    for init_script in (fake_speech([]), no_api):
        page = open_page(url, init_script)
        page.wait_for_timeout(2500)
        expect(read_aloud_buttons(page)).to_have_count(2)
        for button in read_aloud_buttons(page).all():
            expect(button).to_be_hidden()
        assert page.evaluate("window.kynangsoReadAloud.hasVietnameseVoice()") is False
        page.locator("#prompt").click()  # clicking around does no harm


def test_with_only_an_english_voice_nothing_is_ever_read_aloud(site, open_page):
    page = open_page(
        site.page("quiz.html", "read-aloud.js", READ_ALOUD_BODY), fake_speech([{"lang": "en-US", "name": "Test EN"}])
    )
    page.wait_for_timeout(2500)
    for button in read_aloud_buttons(page).all():
        expect(button).to_be_hidden()
    page.evaluate("document.querySelector('button.read-aloud').click()")
    assert page.evaluate("window.__spoken") == []


def test_a_vietnamese_voice_shows_the_buttons_and_reads_the_target_in_vietnamese(site, open_page):
    page = open_page(
        site.page("quiz.html", "read-aloud.js", READ_ALOUD_BODY), fake_speech([{"lang": "vi-VN", "name": "Test VI"}])
    )
    question, option = read_aloud_buttons(page).all()
    expect(question).to_be_visible()
    expect(option).to_be_visible()
    assert page.evaluate("window.kynangsoReadAloud.hasVietnameseVoice()") is True

    question.click()
    expect(question).to_have_attribute("aria-pressed", "true")
    option.click()  # cancels the question and reads the option
    expect(question).to_have_attribute("aria-pressed", "false")
    expect(option).to_have_attribute("aria-pressed", "true")
    page.evaluate("window.__finishSpeech()")
    expect(option).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("window.__spoken") == [
        {"lang": "vi-VN", "text": QUESTION, "voice": "Test VI", "rate": 0.9},
        {"lang": "vi-VN", "text": OPTION_A, "voice": "Test VI", "rate": 0.9},
    ]


def test_voices_that_arrive_late_and_htmx_swaps_are_picked_up(site, open_page):
    page = open_page(site.page("quiz.html", "read-aloud.js", READ_ALOUD_BODY), fake_speech([]))
    expect(read_aloud_buttons(page).first).to_be_hidden()
    page.evaluate("window.__setVoices([{ lang: 'en-GB', name: 'EN' }, { lang: 'VI_vn', name: 'Late VI' }])")
    expect(read_aloud_buttons(page).first).to_be_visible()

    # htmx replaces #quiz with the next question, whose buttons arrive hidden.
    page.evaluate(
        """() => {
        const quiz = document.getElementById('quiz');
        quiz.outerHTML = '<div id="quiz"><p id="prompt">Câu tiếp theo</p>'
          + '<button type="button" class="read-aloud" data-read-aloud="#prompt" hidden>Đọc to</button></div>';
        document.getElementById('quiz').dispatchEvent(new CustomEvent('htmx:afterSettle', { bubbles: true }));
    }"""
    )
    expect(read_aloud_buttons(page)).to_have_count(1)
    read_aloud_buttons(page).click()
    assert page.evaluate("window.__spoken") == [
        {"lang": "vi-VN", "text": "Câu tiếp theo", "voice": "Late VI", "rate": 0.9}
    ]


# --- session-timeout.js ----------------------------------------------------------------------------------------

TIMEOUT_BODY = f"""
<main><p>Staff page</p><a href="#">A link</a></main>
<div id="session-timeout" data-idle-seconds="3" data-warn-seconds="2" data-keepalive-url="/staff/keepalive"
     data-login-url="/login" data-text-warning="{WARNING}" data-text-ended="{ENDED}" hidden>
  <p class="message"></p>
  <button type="button" class="keepalive">Continue</button>
</div>
"""


def test_the_warning_comes_after_the_idle_minus_warn_seconds_and_continue_extends_the_session(site, open_page):
    page = open_page(site.page("staff.html", "session-timeout.js", TIMEOUT_BODY))
    started = time.monotonic()  # the page has loaded, so the script has run
    box, button = page.locator("#session-timeout"), page.locator("#session-timeout .keepalive")
    expect(box).to_be_hidden()
    page.locator("main a").focus()

    expect(box).to_be_visible(timeout=3000)
    assert 0.5 < time.monotonic() - started < 2.0
    expect(page.locator("#session-timeout .message")).to_have_text(WARNING.format(minutes=1))
    expect(page.locator("#session-timeout .message")).to_have_attribute("role", "alert")
    expect(button).to_be_focused()

    button.press("Enter")
    expect(box).to_be_hidden()
    expect(page.locator("main a")).to_be_focused()  # back where the person was
    assert site.keepalive_tokens == ["abc"]

    # The clock starts again: a warning, not the end, about a second later.
    expect(box).to_be_visible(timeout=3000)
    expect(page.locator("#session-timeout .message")).to_have_text(WARNING.format(minutes=1))


def test_an_htmx_request_restarts_the_clock_or_shows_the_end(site, open_page):
    page = open_page(site.page("staff.html", "session-timeout.js", TIMEOUT_BODY))
    box = page.locator("#session-timeout")
    expect(box).to_be_visible(timeout=3000)
    after_request = "(status) => document.body.dispatchEvent(new CustomEvent('htmx:afterRequest', "
    after_request += "{ bubbles: true, detail: { xhr: { status }, successful: status < 300 } }))"
    page.evaluate(after_request, 200)
    expect(box).to_be_hidden()
    page.wait_for_timeout(600)
    expect(box).to_be_hidden()
    page.evaluate(after_request, 401)  # the server says the session is over
    expect(page.locator("#session-timeout .message")).to_have_text(ENDED)


def test_a_refused_keepalive_ends_the_session_and_the_button_leads_to_login(site, open_page):
    site.keepalive_status = 401
    page = open_page(site.page("staff.html", "session-timeout.js", TIMEOUT_BODY))
    button = page.locator("#session-timeout .keepalive")
    expect(button).to_be_visible(timeout=3000)
    button.click()
    expect(page.locator("#session-timeout .message")).to_have_text(ENDED)
    assert site.keepalive_tokens == ["abc"]
    with page.expect_navigation(url=f"{site.url}/login"):
        button.click()
    expect(page).to_have_title("Log in")


def test_the_session_ends_when_nobody_continues(site, open_page):
    page = open_page(site.page("staff.html", "session-timeout.js", TIMEOUT_BODY))
    expect(page.locator("#session-timeout .message")).to_have_text(WARNING.format(minutes=1), timeout=3000)
    expect(page.locator("#session-timeout .message")).to_have_text(ENDED, timeout=4000)
    expect(page.locator("#session-timeout .keepalive")).to_be_focused()
    assert site.keepalive_tokens == []
