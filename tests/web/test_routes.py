"""Every route answers as a page and, where htmx asks, as a fragment; headers every page must carry."""

from __future__ import annotations

import json
import re

from .helpers import answer, current_question, start


def test_the_question_is_a_fragment_for_htmx_and_a_page_otherwise(client, bank):
    start(client)
    page = client.get("/quiz")
    fragment = client.get("/quiz", headers={"HX-Request": "true"})
    assert page.text.startswith("<!doctype html>")
    assert fragment.text.lstrip().startswith('<section id="quiz"')
    assert "<html" not in fragment.text
    assert "HX-Request" in page.headers["vary"] and "HX-Request" in fragment.headers["vary"]


def test_boosted_and_history_restore_requests_get_the_whole_page(client, bank):
    start(client)
    for header in (
        {"HX-Request": "true", "HX-Boosted": "true"},
        {"HX-Request": "true", "HX-History-Restore-Request": "true"},
    ):
        assert client.get("/quiz", headers=header).text.startswith("<!doctype html>")


def test_an_htmx_answer_returns_the_next_question_fragment(client, bank):
    start(client)
    question = current_question(client, bank)
    response = answer(client, question, sorted(question.correct_ids), htmx=True)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="quiz"')
    assert "Câu 2/15" in response.text
    assert "HX-Request" in response.headers["vary"]


def test_the_last_htmx_answer_sends_the_browser_to_the_results(client, bank):
    start(client, scope=bank.topics[0].id)
    for _ in range(8):
        question = current_question(client, bank)
        response = answer(client, question, sorted(question.correct_ids), htmx=True)
    assert response.headers["hx-redirect"] == "/results"


def test_an_htmx_error_is_a_fragment_in_place_of_the_question(client, bank):
    start(client)
    question = current_question(client, bank)
    response = answer(client, question, ["zz"], htmx=True)
    assert response.status_code == 400
    assert response.text.lstrip().startswith('<section id="quiz"')


def test_every_page_carries_the_security_headers(client):
    css = re.search(r'href="(/static/css/app\.[0-9a-f]{10}\.css)"', client.get("/").text).group(1)
    for path in ("/", "/start", "/lessons", "/code", "/no-such-page", css, "/static/manifest.webmanifest"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style(client, bank):
    start(client)
    for path in ("/", "/start", "/quiz", "/lessons", f"/lessons/{bank.topics[0].lessons[0].id}"):
        html = client.get(path).text
        assert "<script>" not in html and " onclick=" not in html and " style=" not in html


def test_static_files_have_content_hashed_names_cached_for_a_year(client):
    html = client.get("/").text
    css_url = re.search(r'href="(/static/css/app\.[0-9a-f]{10}\.css)"', html).group(1)
    assert re.search(r'src="/static/vendor/htmx-2\.[0-9a-f]{10}\.0\.11\.min\.js"', html)
    css = client.get(css_url)
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert css.headers["cache-control"] == "public, max-age=31536000, immutable"
    stale = client.get(css_url.replace(css_url.split(".")[-2], "0000000000"))
    assert stale.status_code == 404  # an out-of-date name is not some other file
    assert client.get("/static/../server/settings.py").status_code == 404
    assert client.get("/static/nothing-here.css").status_code == 404


def test_pages_and_static_files_are_compressed(client):
    for path in ("/", "/lessons"):
        response = client.get(path, headers={"Accept-Encoding": "br, gzip"})
        assert response.headers["content-encoding"] == "br"
    html = client.get("/").text
    htmx = re.search(r'src="(/static/vendor/[^"]+)"', html).group(1)
    response = client.get(htmx, headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"


def test_a_compressed_page_reads_the_same_as_a_plain_one_and_error_pages_are_compressed_too(client):
    plain = client.get("/lessons", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and "Accept-Encoding" in plain.headers["vary"]
    for encoding in ("br", "gzip"):
        packed = client.get("/lessons", headers={"Accept-Encoding": encoding})
        assert packed.headers["content-encoding"] == encoding
        assert int(packed.headers["content-length"]) < len(plain.content)
        assert packed.text == plain.text  # httpx decodes
    missing = client.get("/no-such-page", headers={"Accept-Encoding": "br"})
    assert missing.status_code == 404 and missing.headers["content-encoding"] == "br"


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.text) == {"status": "ok", "database": "ok"}


def test_the_attempt_cookie_is_httponly_and_samesite(client):
    response = start(client)
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_html_lang_follows_the_language(client):
    assert '<html lang="vi">' in client.get("/").text
    client.cookies.set("lang", "en")
    assert '<html lang="en">' in client.get("/").text


def test_authors_can_preview_one_question_with_its_answer_key(client, bank):
    question = next(q for t in bank.topics for q in t.questions if q.picture)
    page = client.get(f"/preview/{question.id}")
    assert page.status_code == 200
    assert "đáp án đúng" in page.text
    assert question.sources[0] in page.text
    stem = question.picture.removesuffix(".svg")
    assert re.search(rf"/static/pictures/{stem}\.[0-9a-f]{{10}}\.svg", page.text)


def test_there_is_no_preview_in_production(app, settings, bank):
    from dataclasses import replace

    from litestar.testing import TestClient

    from server.app import create_app

    # Production answers its public origin's host only: the test client's, here.
    production = create_app(
        replace(settings, environment="production", public_origin="http://testserver.local"), bank=bank
    )
    with TestClient(app=production) as c:
        assert c.get(f"/preview/{bank.topics[0].questions[0].id}").status_code == 404


def test_a_static_file_answers_a_conditional_request_with_304(client):
    css_url = re.search(r'href="(/static/css/app\.[0-9a-f]{10}\.css)"', client.get("/").text).group(1)
    first = client.get(css_url, headers={"Accept-Encoding": "br"})
    assert first.headers["etag"] and first.headers["content-encoding"] == "br"
    again = client.get(css_url, headers={"If-None-Match": first.headers["etag"], "Accept-Encoding": "br"})
    assert again.status_code == 304 and again.content == b""
    other = client.get(css_url, headers={"If-None-Match": '"0000000000"'})
    assert other.status_code == 200 and other.content == first.content  # httpx decodes: the same CSS


def test_a_static_file_is_served_whole_with_its_type_and_length_and_head_sends_no_body(client, settings):
    css = re.search(r'href="(/static/css/app\.[0-9a-f]{10}\.css)"', client.get("/").text).group(1)
    plain = client.get(css, headers={"Accept-Encoding": "identity"})
    on_disk = (settings.static_dir / "css" / "app.css").read_bytes()
    assert plain.content == on_disk and plain.headers["content-length"] == str(len(on_disk))
    assert plain.headers["content-type"] == "text/css; charset=utf-8"
    assert plain.headers["cache-control"] == "public, max-age=31536000, immutable"
    head = client.head(css, headers={"Accept-Encoding": "identity"})
    assert head.status_code == 200 and head.content == b"" and head.headers["content-length"] == str(len(on_disk))
    unhashed = client.get("/static/css/app.css")
    assert unhashed.status_code == 200 and unhashed.headers["cache-control"] == "public, max-age=3600"
    assert client.get("/static/css/app.0123456789.css").status_code == 404  # a stale hash is not this file


def test_small_responses_are_not_compressed(client):
    small = client.get("/static/js/print.js", headers={"Accept-Encoding": "br, gzip"})  # under 1 KB
    assert small.status_code == 200 and "content-encoding" not in small.headers
    healthz = client.get("/healthz", headers={"Accept-Encoding": "br, gzip"})
    assert healthz.status_code == 200 and "content-encoding" not in healthz.headers


def test_a_refused_encoding_is_not_used(client):
    htmx = re.search(r'src="(/static/vendor/[^"]+)"', client.get("/").text).group(1)
    response = client.get(htmx, headers={"Accept-Encoding": "br;q=0, gzip"})
    assert response.headers["content-encoding"] == "gzip"
    plain = client.get(htmx, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
