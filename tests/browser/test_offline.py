"""The installable app on a phone: installable, a quiz that goes on offline and syncs when the connection returns,
and a new release of the service worker taking over in the middle of a quiz without losing an answer."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from ..conftest import ServedApp
from .journey import answer_current_question_rightly, start_full_check, tick_right_options

CONTROLLED = "navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller)"
PACK_KEPT = "caches.open('kns-quiz').then(c => c.match('/quiz/pack')).then(r => !!r)"


# What Playwright says when the page navigated while a script ran in it: app.js goes to /quiz by itself once the
# queued answers are sent, so any check may meet it.
NAVIGATED = ("Execution context was destroyed", "Cannot find context with specified id", "navigation", "detached")


def evaluate(page, expression: str, timeout: float = 60):  # type: ignore[no-untyped-def]
    """page.evaluate that survives the page navigating under it: waits for the new page and runs it there."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return page.evaluate(expression)
        except PlaywrightError as error:
            if not any(words in str(error) for words in NAVIGATED) or time.monotonic() > deadline:
                raise
            page.wait_for_load_state()


def wait_until(page, expression: str, timeout: float = 60) -> None:  # type: ignore[no-untyped-def]
    """Polls a JavaScript expression, awaiting the promise it returns (wait_for_function would take the promise
    itself as a truthy answer), across navigations of the page."""
    deadline = time.monotonic() + timeout
    # Each check gives up after 5 s, so a fetch that never settles cannot hang the test.
    bounded = f"Promise.race([Promise.resolve({expression}), new Promise(r => setTimeout(() => r(false), 5000))])"
    while not evaluate(page, bounded, timeout):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        time.sleep(0.2)


def wait_until_offline_ready(page) -> None:  # type: ignore[no-untyped-def]
    wait_until(page, CONTROLLED)
    wait_until(page, PACK_KEPT)


def test_chromium_finds_the_app_installable(playwright, browser_type_launch_args, live_server, tmp_path):
    # A persistent profile: Chromium never offers to install from an incognito context, which new contexts are.
    device = {k: v for k, v in playwright.devices["Pixel 7"].items() if k != "default_browser_type"}
    launch = {k: browser_type_launch_args[k] for k in ("executable_path", "args")}
    context = playwright.chromium.launch_persistent_context(
        tmp_path / "profile", **launch, **device, base_url=live_server
    )
    page = context.new_page()
    page.goto("/")
    wait_until(page, CONTROLLED)
    session = context.new_cdp_session(page)
    errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == [], errors
    manifest = session.send("Page.getAppManifest")
    assert manifest["errors"] == []
    context.close()


def test_a_quiz_goes_on_offline_and_its_result_arrives_when_back_online(phone, bank):
    page = phone.new_page()
    start_full_check(page)
    wait_until_offline_ready(page)
    for _ in range(3):
        answer_current_question_rightly(page, bank)
    phone.set_offline(True)
    for n in range(4, 16):
        expect(page.locator(".progress")).to_contain_text(f"Câu {n}/15")
        answer_current_question_rightly(page, bank)
        if n == 4:
            expect(page.locator("#pending-note")).to_be_visible()
    expect(page.get_by_role("heading", name="Đã trả lời hết. Đang chờ có mạng")).to_be_visible()
    phone.set_offline(False)
    page.wait_for_url("**/results", timeout=20000)
    # The same result as an online run with the same answers: every topic at the top level.
    expect(page.locator(".topic-level .level-now").first).to_contain_text("Nâng cao")
    assert [t.strip() for t in page.locator(".topic-level .level").all_inner_texts()] == ["Nâng cao"] * 3
    assert page.locator("ol.review > li.right").count() == 15


def test_reloading_while_offline_continues_the_quiz(phone, bank):
    page = phone.new_page()
    start_full_check(page)
    wait_until_offline_ready(page)
    answer_current_question_rightly(page, bank)
    phone.set_offline(True)
    answer_current_question_rightly(page, bank)
    page.reload()
    expect(page.get_by_role("heading", name="Bạn đang ngoại tuyến")).to_be_visible()
    expect(page.locator("#quiz-resume .progress")).to_contain_text("Câu 3/15")
    phone.set_offline(False)


@pytest.fixture
def releases(database_url, tmp_path):  # type: ignore[no-untyped-def]
    server = ServedApp(database_url, tmp_path / "server.log")
    server.start("1")
    yield server
    server.stop()


def test_a_new_release_taking_over_mid_quiz_loses_nothing(browser, playwright, releases, bank):
    context = browser.new_context(**playwright.devices["Pixel 7"], base_url=releases.url)
    page = context.new_page()
    start_full_check(page)
    wait_until_offline_ready(page)
    first_worker = evaluate(page, "caches.keys()")
    for _ in range(2):
        answer_current_question_rightly(page, bank)
    context.set_offline(True)
    for _ in range(3):
        answer_current_question_rightly(page, bank)  # queued on the phone
    releases.stop()
    releases.start("2")  # a new release of the app while the phone is offline
    context.set_offline(False)
    evaluate(
        page,
        "Promise.race([navigator.serviceWorker.getRegistration().then(r => r.update()),"
        " new Promise(r => setTimeout(r, 10000))])",
    )
    # The new release's worker is installed (its precache is there)...
    wait_until(
        page,
        f"caches.keys().then(keys => keys.some(k => k.startsWith('kns-precache') && !{first_worker!r}.includes(k)))",
    )
    # ...and the queued answers were sent: the server is at question 6.
    wait_until(
        page,
        "fetch('/quiz', {headers: {'HX-Request': 'true'}}).then(r => r.text()).then(t => t.includes('Câu 6/15'))",
    )
    page.goto("/quiz")
    for n in range(6, 15):
        expect(page.locator(".progress")).to_contain_text(f"Câu {n}/15")
        answer_current_question_rightly(page, bank)
    expect(page.locator(".progress")).to_contain_text("Câu 15/15")
    tick_right_options(page, bank)
    page.get_by_role("button", name="Trả lời và tiếp tục").tap()
    # Judge by what the server holds, asked outside the page: the tap's own navigation to the results is under
    # way, and a script or a goto in the page would race it (seen: a goto aborted, an evaluate that never came back).
    deadline = time.monotonic() + 60
    while context.request.get("/results", max_redirects=0).status != 200:
        assert time.monotonic() < deadline, "the last answer never reached the server"
        time.sleep(0.2)
    try:
        page.goto("/results")
    except PlaywrightError as error:  # the page's own navigation to the results won the race: wait for it instead
        if "ERR_ABORTED" not in str(error) and "interrupted by another navigation" not in str(error):
            raise
        page.wait_for_url("**/results")
    expect(page.locator("ol.review > li.right")).to_have_count(15)
    context.close()


def test_a_browser_that_cannot_keep_the_quiz_says_so_and_the_quiz_goes_on_online(phone, bank):
    page = phone.new_page()
    # A browser without service workers (an old one, or a private window that refuses them).
    page.add_init_script("delete Navigator.prototype.serviceWorker;")
    start_full_check(page)
    note = page.locator("#offline-unavailable")
    expect(note).to_be_visible()
    expect(note).to_contain_text("bài kiểm tra cần có mạng")
    answer_current_question_rightly(page, bank)
    expect(page.locator(".progress")).to_contain_text("Câu 2/15")
    expect(note).to_be_visible()  # still said after the next question is swapped in


def test_a_browser_with_a_service_worker_does_not_show_that_note(phone, bank):
    page = phone.new_page()
    start_full_check(page)
    wait_until_offline_ready(page)
    expect(page.locator("#offline-unavailable")).to_be_hidden()


def test_online_answers_go_from_the_page_to_the_server_untouched_by_the_worker(phone, bank):
    page = phone.new_page()
    start_full_check(page)
    wait_until_offline_ready(page)  # the worker controls the page
    with page.expect_response(lambda r: r.url.endswith("/quiz/answer")) as answered:
        answer_current_question_rightly(page, bank)
    # Not re-sent by the worker (WebKit has sent such re-sent posts with an empty body): only what could not be
    # sent is handed to the worker, as text.
    assert answered.value.from_service_worker is False
    assert answered.value.ok
    expect(page.locator(".progress")).to_contain_text("Câu 2/15")
