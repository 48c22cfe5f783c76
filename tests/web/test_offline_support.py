"""What the installable app relies on from the server: the service worker, the offline page, the quiz pack and
idempotent submissions."""

from __future__ import annotations

import json
import re

from .helpers import current_question, finish, form_for, right_options, shown_question, start

SUBMISSION = re.compile(r'name="submission" value="([^"]+)"')


def test_the_service_worker_is_served_from_the_root_and_never_stale(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", response.text).group(1))
    pages = json.loads(re.search(r"const PAGES = (\[.*?\]);", response.text).group(1))
    assert any(url.startswith("/static/css/app.") for url in precache)
    assert any(url.startswith("/static/pictures/") for url in precache)
    assert "/offline" in pages and "/lessons" in pages
    never = ("/results", "/quiz", "/team", "/admin", "/dashboard", "/login", "/code", "session-timeout")
    assert not any(url.startswith(never) or "session-timeout" in url for url in precache + pages)


def test_the_manifest_names_the_app_in_vietnamese_with_its_icons(client):
    manifest = client.get("/static/manifest.webmanifest").json()
    assert manifest["lang"] == "vi" and manifest["short_name"] == "Kỹ Năng Số"
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).headers["content-type"] == "image/png"


def test_the_offline_page_says_what_still_works(client):
    page = client.get("/offline")
    assert page.status_code == 200 and "Bạn đang ngoại tuyến" in page.text


def test_the_pack_holds_the_remaining_questions_without_answers(client, bank):
    start(client, scope=bank.topics[0].id)
    first = current_question(client, bank)
    from .helpers import answer

    answer(client, first, right_options(first))
    pack = client.get("/quiz/pack").json()
    assert len(pack["questions"]) == 7
    # Each entry is named as its form names the question (its place in the attempt), never by the content's id.
    assert [q["id"] for q in pack["questions"]] == [f"Q{n}" for n in range(2, 9)]
    assert "Câu 2/8" in pack["questions"][0]["html"] and "Câu 8/8" in pack["questions"][-1]["html"]
    for q in pack["questions"]:
        question, name, _ = shown_question(q["html"], bank)
        assert name == q["id"] and question.id != first.id and question.id not in q["html"]
        assert question.explanation.vi[:30] not in q["html"]  # no explanation, no answer key
        assert 'name="_csrf_token"' in q["html"] and 'name="submission"' in q["html"]
    assert client.get("/quiz/pack").headers["cache-control"] == "no-store"


def test_a_submission_replayed_three_times_is_stored_once(client, bank):
    start(client, scope=bank.topics[0].id)
    page = client.get("/quiz").text
    question = current_question(client, bank)
    data = {**form_for(client, bank, question, right_options(question)), "submission": SUBMISSION.search(page).group(1)}
    responses = [client.post("/quiz/answer", data=data, follow_redirects=False) for _ in range(3)]
    assert [r.status_code for r in responses] == [303, 303, 303]
    assert len({r.headers["location"] for r in responses}) == 1  # the same result each time
    assert "Câu 2/8" in client.get("/quiz").text
    finish(client, bank)
    assert client.get("/results").text.count('<li class="right">') == 8


def test_a_replayed_submission_keeps_its_key_and_a_conflicting_replay_changes_nothing(client, bank):
    from server.db import tables

    start(client, scope=bank.topics[0].id)
    page = client.get("/quiz").text
    question = current_question(client, bank)
    key = SUBMISSION.search(page).group(1)
    data = {**form_for(client, bank, question, right_options(question)), "submission": key}
    assert client.post("/quiz/answer", data=data, follow_redirects=False).status_code == 303
    second = current_question(client, bank)
    # The same key again, now claiming to answer the next question wrongly: the original outcome stands.
    replay = {**data, **form_for(client, bank, second, [sorted(second.option_ids - second.correct_ids)[0]])}
    replay["submission"] = key
    assert client.post("/quiz/answer", data=replay, follow_redirects=False).status_code == 303
    assert "Câu 2/8" in client.get("/quiz").text

    async def stored() -> list[dict]:
        return await tables.Answer.select(tables.Answer.question_id).where(tables.Answer.submission_id == key)

    assert client.blocking_portal.call(stored) == [{"question_id": question.id}]
