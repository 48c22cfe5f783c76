"""The content gate: each rule refuses a bad sample file, naming the file, the item and the problem."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from server.domain.content_loader import load_bank
from server.settings import ROOT

TODAY = dt.date(2026, 11, 30)


def option(oid: str, correct: bool, text: str = "Một lựa chọn vừa phải") -> str:
    why = "" if correct else f'why = {{ vi = "Sai vì {oid}", en = "Wrong because {oid}" }}\n'
    return (
        f'[[questions.options]]\nid = "{oid}"\ncorrect = {str(correct).lower()}\n'
        f'text = {{ vi = "{text} {oid}", en = "An option of fair length {oid}" }}\n{why}'
    )


def question(qid: str, band: str, lesson: str = "t-lesson", extra: str = "", options: str | None = None) -> str:
    opts = options if options is not None else option("a", True) + option("b", False) + option("c", False)
    return f"""
[[questions]]
id = "{qid}"
kind = "single"
band = "{band}"
scenario = false
competences = ["4.2"]
lesson = "{lesson}"
sources = ["https://example.gov.vn/a"]
prompt = {{ vi = "Câu hỏi {qid}?", en = "Question {qid}?" }}
explanation = {{ vi = "Vì thế.", en = "Because." }}
{extra}
{opts}"""


LESSON = """
[[lessons]]
id = "t-lesson"
competences = ["4.2"]
minutes = 3
title = { vi = "Bài", en = "Lesson" }
summary = { vi = "Tóm tắt", en = "Summary" }
body = { vi = "Đoạn một.", en = "Paragraph one." }
"""

HEADER = """
[topic]
id = "tp"
order = 1
reviewed = 2026-11-30
review_every_months = 12
title = { vi = "Chủ đề", en = "Topic" }
summary = { vi = "Tóm tắt", en = "Summary" }
"""


def good_questions() -> str:
    return "".join(question(f"t-{band}-{n}", band) for band in ("basic", "intermediate", "advanced") for n in range(3))


def check(tmp_path: Path, body: str, *, lessons: str = LESSON, header: str = HEADER):  # type: ignore[no-untyped-def]
    (tmp_path / "tp.toml").write_text(header + body + lessons, encoding="utf-8")
    return load_bank(tmp_path, None, today=TODAY)


def test_a_good_file_passes(tmp_path):
    result = check(tmp_path, good_questions())
    assert result.errors == []
    assert result.bank is not None and len(result.bank.topics[0].questions) == 9


def refused(tmp_path, body: str, needle: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
    result = check(tmp_path, body, **kwargs)
    assert result.bank is None
    messages = [str(p) for p in result.errors]
    assert any(needle in m for m in messages), messages
    assert all(m.startswith("error: tp.toml: ") for m in messages if needle in m)


def test_a_duplicate_id_is_refused(tmp_path):
    refused(tmp_path, good_questions() + question("t-basic-0", "basic"), "duplicate id")


def test_single_choice_needs_exactly_one_right_option(tmp_path):
    two_right = option("a", True) + option("b", True) + option("c", False)
    refused(tmp_path, good_questions() + question("t-x", "basic", options=two_right), "exactly one right option")


@pytest.mark.parametrize("catch_all", ["Tất cả các đáp án trên", "All of the above", "None of the above"])
def test_all_or_none_of_the_above_is_refused(tmp_path, catch_all):
    opts = option("a", True) + option("b", False) + option("c", False, text=catch_all)
    refused(tmp_path, good_questions() + question("t-x", "basic", options=opts), "all/none of the above")


def test_a_missing_translation_is_refused(tmp_path):
    body = good_questions().replace('en = "Question t-basic-0?"', 'en = ""', 1)
    refused(tmp_path, body, "'prompt' has no en text")


def test_a_missing_explanation_is_refused(tmp_path):
    body = good_questions().replace('explanation = { vi = "Vì thế.", en = "Because." }', "", 1)
    refused(tmp_path, body, "'explanation' is missing")


def test_a_wrong_option_without_why_is_refused(tmp_path):
    body = good_questions().replace('why = { vi = "Sai vì b", en = "Wrong because b" }', "", 1)
    refused(tmp_path, body, "'why' is missing")


def test_a_question_without_source_is_refused(tmp_path):
    body = good_questions().replace('sources = ["https://example.gov.vn/a"]', "sources = []", 1)
    refused(tmp_path, body, "source URL")


def test_a_question_without_lesson_is_refused(tmp_path):
    body = good_questions().replace('lesson = "t-lesson"', "", 1)
    refused(tmp_path, body, "every question leads to a lesson")


def test_a_question_pointing_to_a_missing_lesson_is_refused(tmp_path):
    refused(tmp_path, good_questions() + question("t-x", "basic", lesson="nowhere"), "lesson 'nowhere' does not exist")


def test_a_lesson_nobody_reaches_is_refused(tmp_path):
    orphan = LESSON.replace('id = "t-lesson"', 'id = "t-orphan"')
    refused(tmp_path, good_questions(), "no question leads to this lesson", lessons=LESSON + orphan)


def test_a_band_with_too_few_questions_for_the_draw_is_refused(tmp_path):
    body = "".join(question(f"t-{b}-{n}", b) for b in ("basic", "intermediate") for n in range(3))
    body += question("t-advanced-0", "advanced")
    refused(tmp_path, body, "band 'advanced'")


def test_a_picture_without_text_equivalent_is_refused(tmp_path):
    body = good_questions() + question("t-x", "basic", extra='picture = "t-sms.svg"')
    refused(tmp_path, body, "'picture_text' is missing")


def test_broken_toml_names_the_file(tmp_path):
    refused(tmp_path, good_questions() + "[[questions]\n", "not valid TOML")


def test_options_of_very_different_length_only_warn(tmp_path):
    opts = (
        option("a", True, text="Một lựa chọn dài hơn hẳn mọi lựa chọn còn lại rất nhiều lần nữa")
        + option("b", False, text="Ngắn")
        + option("c", False, text="Ngắn")
    )
    result = check(tmp_path, good_questions() + question("t-x", "basic", options=opts))
    assert result.bank is not None
    assert any("differ a lot in length" in str(w) for w in result.warnings)


def test_content_past_its_review_date_only_warns(tmp_path):
    result = check(tmp_path, good_questions(), header=HEADER.replace("2026-11-30", "2024-01-15"))
    assert result.bank is not None
    assert any("due for review on 2025-01-15" in str(w) for w in result.warnings)


def test_the_real_bank_passes_the_gate():
    result = load_bank(ROOT / "quizzes", ROOT / "static" / "pictures", today=TODAY)
    assert result.errors == []
    assert result.bank is not None and len(result.bank.topics) == 3
