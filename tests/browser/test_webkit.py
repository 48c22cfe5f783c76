"""The citizen's journey in WebKit, the engine of every browser on an iPhone: Debian's WebKitGTK (MiniBrowser in
automation mode) driven through its WebDriver by Selenium, on a virtual display the tests start themselves.

Run on SQLite only: the PostgreSQL pass repeats the server's side, which these tests do not change, and WebKit
is the slowest browser to start."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from selenium.webdriver.webkitgtk.options import Options
from selenium.webdriver.webkitgtk.service import Service

from server.domain.content import Bank, Question

MINIBROWSER = next(iter(sorted(glob.glob("/usr/lib/*/webkit2gtk-4.*/MiniBrowser"))), None)
DRIVER = shutil.which("WebKitWebDriver")
XVFB = shutil.which("Xvfb")
WAIT_SECONDS = 60

pytestmark = [
    pytest.mark.skipif(not (MINIBROWSER and DRIVER and XVFB), reason="WebKitGTK is not installed"),
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith(("postgresql://", "postgres://")),
        reason="WebKit runs in the SQLite pass",
    ),
]


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    """A virtual X display; Xvfb picks a free number and writes it to the pipe."""
    xvfb = subprocess.Popen(
        [XVFB, "-displayfd", "1", "-screen", "0", "1024x900x24", "-nolisten", "tcp"],  # type: ignore[list-item]
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        yield f":{xvfb.stdout.readline().strip()}"  # type: ignore[union-attr]
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)


@pytest.fixture
def webkit(display: str) -> Iterator[webdriver.WebKitGTK]:
    options = Options()
    options.binary_location = MINIBROWSER  # type: ignore[assignment]
    options.add_argument("--automation")
    service = Service(executable_path=DRIVER, env={**os.environ, "DISPLAY": display})  # type: ignore[arg-type]
    driver = webdriver.WebKitGTK(options=options, service=service)
    driver.set_script_timeout(WAIT_SECONDS)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver, condition, message: str):  # type: ignore[no-untyped-def]
    return WebDriverWait(driver, WAIT_SECONDS).until(condition, message)


def _plain(text: str) -> str:
    return " ".join(text.split())


def _shown(driver, bank: Bank) -> Question:  # type: ignore[no-untyped-def]
    prompt = _plain(driver.find_element(By.ID, "prompt").text)
    return next(q for t in bank.topics for q in t.questions if _plain(q.prompt.vi) == prompt)


def _answer_rightly(driver, bank: Bank) -> None:  # type: ignore[no-untyped-def]
    name = driver.find_element(By.NAME, "question").get_attribute("value")
    question = _shown(driver, bank)
    wanted = {_plain(o.text.vi) for o in question.options if o.correct}
    for label in driver.find_elements(By.CSS_SELECTOR, "label.option"):
        if _plain(label.find_element(By.TAG_NAME, "span").text) in wanted:
            label.find_element(By.TAG_NAME, "input").click()
    driver.find_element(By.CSS_SELECTOR, "#quiz button.primary").click()
    # The next question (or the results) replaces this one, by an htmx swap or a page load.
    _wait(
        driver,
        lambda d: not d.find_elements(By.CSS_SELECTOR, f'input[name="question"][value="{name}"]'),
        f"question {name} was never replaced",
    )


def _start_full_check(driver, live_server: str) -> None:  # type: ignore[no-untyped-def]
    driver.get(f"{live_server}/start")
    for label in ("Tôi đồng ý", "65+ tuổi", "Tất cả: cả ba chủ đề"):
        driver.find_element(By.XPATH, f'//label[contains(normalize-space(.), "{label}")]').click()
    driver.find_element(By.XPATH, '//button[normalize-space(.)="Bắt đầu"]').click()
    _wait(driver, lambda d: d.current_url.endswith("/quiz"), "the quiz never opened")


SERVICE_WORKER_STATE = """
const done = arguments[arguments.length - 1];
if (!("serviceWorker" in navigator)) { done("no service worker"); return; }
navigator.serviceWorker.ready.then((r) => {
  const worker = r.active;
  if (worker.state === "activated") { done(worker.state); return; }
  worker.addEventListener("statechange", () => { if (worker.state === "activated") done(worker.state); });
}, (e) => done("error " + e));
setTimeout(() => done("not ready"), 45000);
"""


def test_the_service_worker_starts_in_webkit(webkit, live_server):
    webkit.get(f"{live_server}/")
    # It failed here before: "ReferenceError: Cannot access uninitialized variable" in the worker's first lines.
    assert webkit.execute_async_script(SERVICE_WORKER_STATE) == "activated"
    cached = webkit.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "caches.keys().then((k) => done(k.filter((n) => n.includes('precache')).length), () => done(-1));"
    )
    assert cached >= 1  # the app shell is on the phone


def test_the_whole_journey_works_in_webkit(webkit, live_server, bank):
    _start_full_check(webkit, live_server)
    for n in range(1, 16):
        _wait(
            webkit,
            lambda d, n=n: f"Câu {n}/15" in d.find_element(By.CSS_SELECTOR, ".progress").text,
            f"question {n} never came",
        )
        _answer_rightly(webkit, bank)
    _wait(webkit, lambda d: d.current_url.endswith("/results"), "the results never opened")
    levels = [e.text for e in webkit.find_elements(By.CSS_SELECTOR, ".topic-level .level")]
    assert levels == ["Nâng cao"] * len(bank.topics)
    assert len(webkit.find_elements(By.CSS_SELECTOR, "ol.review > li.right")) == 15


OFFLINE_READY = """
const done = arguments[arguments.length - 1];
const ready = () => navigator.serviceWorker.controller
  ? caches.open("kns-quiz").then((c) => c.match("/quiz/pack")).then((r) => !!r) : Promise.resolve(false);
const poll = () => ready().then((ok) => ok ? done(true) : setTimeout(poll, 200), () => setTimeout(poll, 200));
poll();
"""

SERVER_AT = """
const [question, done] = arguments;
const poll = () => fetch("/quiz", { headers: { "HX-Request": "true" } }).then((r) => r.text())
  .then((t) => t.includes(question) ? done(true) : setTimeout(poll, 300), () => setTimeout(poll, 300));
poll();
"""


def _progress(driver, n: int) -> None:  # type: ignore[no-untyped-def]
    _wait(
        driver,
        lambda d: any(f"Câu {n}/15" in e.text for e in d.find_elements(By.CSS_SELECTOR, ".progress")),
        f"question {n} never came",
    )


def test_a_quiz_goes_on_in_webkit_with_the_server_down_and_its_answers_arrive_once(
    webkit, database_url, tmp_path, bank
):
    from ..conftest import ServedApp

    served = ServedApp(database_url, tmp_path / "server.log")
    served.start()
    try:
        _start_full_check(webkit, served.url)
        assert webkit.execute_async_script(OFFLINE_READY) is True
        for n in (1, 2):
            _progress(webkit, n)
            _answer_rightly(webkit, bank)
        served.stop()  # the connection is gone
        webkit.refresh()  # a reload while the server is down: the quiz resumes from the phone
        _wait(
            webkit,
            lambda d: (
                "Câu 3/15" in " ".join(e.text for e in d.find_elements(By.CSS_SELECTOR, "#quiz-resume .progress"))
            ),
            "the quiz did not resume from the phone",
        )
        for n in (3, 4, 5):  # answered on the phone, queued
            _progress(webkit, n)
            _answer_rightly(webkit, bank)
        _progress(webkit, 6)
        served.start()  # the connection is back: opening the app sends what waited, once
        webkit.get(f"{served.url}/quiz")
        assert webkit.execute_async_script(SERVER_AT, "Câu 6/15") is True
        webkit.get(f"{served.url}/quiz")
        for n in range(6, 16):
            _progress(webkit, n)
            _answer_rightly(webkit, bank)
        _wait(webkit, lambda d: d.current_url.endswith("/results"), "the results never opened")
        assert len(webkit.find_elements(By.CSS_SELECTOR, "ol.review > li.right")) == 15
    finally:
        served.stop()
