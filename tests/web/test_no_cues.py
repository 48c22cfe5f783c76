"""What reaches a citizen's screen names nothing of the answer: no content id, no option letter from the file, no
telling picture name; options come in an order of the attempt's own, the same on every view of it."""

from __future__ import annotations

import html
import re

from server.domain.cues import NAME_CUES

from .helpers import CSRF_FIELD, OPTION, answer, finish, right_options, shown_question, start

VALUE = re.compile(r'name="(question|option)" value="([^"]+)"')
PICTURE = re.compile(r"/static/pictures/([a-z0-9-]+)\.[0-9a-f]{10}\.svg")


def test_question_pages_carry_no_content_id_and_no_telling_file_name(client, bank):
    every_id = {q.id for t in bank.topics for q in (*t.questions, *t.retired)}
    start(client, scope="full")
    seen = 0
    while (page := client.get("/quiz", follow_redirects=False)).status_code == 200:
        question, name, values = shown_question(page.text, bank)
        assert not [i for i in every_id if i in page.text], "a content id reached the page"
        fields = VALUE.findall(page.text)
        assert ("question", name) in fields and re.fullmatch(r"Q\d+", name)
        options = [v for kind, v in fields if kind == "option"]
        assert options == [f"A{n}" for n in range(1, len(question.options) + 1)]
        for stem in PICTURE.findall(page.text):
            assert not set(stem.split("-")) & NAME_CUES, stem
        assert answer(client, question, right_options(question)).status_code == 303
        seen += 1
    assert seen == 15


def _shown_texts(page: str) -> list[str]:
    return [html.unescape(text).strip() for _, text in OPTION.findall(page)]


def test_each_attempt_has_its_own_order_and_keeps_it_on_reload_and_on_its_results(client, bank):
    file_first, reviewed = 0, False
    for _ in range(12):
        client.cookies.clear()
        start(client, scope=bank.topics[0].id)
        page = client.get("/quiz").text
        question, _, _ = shown_question(page, bank)
        shown = _shown_texts(page)
        assert _shown_texts(client.get("/quiz").text) == shown  # a reload shows the same order
        file_first += shown[0] == question.options[0].text.vi
        if not reviewed and question.kind.value != "true_false":  # a true/false review lists no options
            reviewed = True
            finish(client, bank)
            results = html.unescape(client.get("/results").text)
            item = results.split(question.prompt.vi, 1)[1].split("</li>\n  </ul>", 1)[0]
            assert sorted(shown, key=item.find) == shown  # the review lists them in the order the person saw
    assert reviewed
    assert file_first < 12  # the file's first option is not always shown first


def test_an_old_form_that_names_its_question_and_options_by_id_is_still_understood(client, bank):
    start(client, scope=bank.topics[0].id)
    question, _, _ = shown_question(client.get("/quiz").text, bank)
    token = CSRF_FIELD.search(client.get("/quiz").text).group(1)
    data = {"_csrf_token": token, "question": question.id, "option": right_options(question)}
    assert client.post("/quiz/answer", data=data, follow_redirects=False).status_code == 303  # an older queue
    assert "Câu 2/8" in client.get("/quiz").text
