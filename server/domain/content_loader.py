"""Reads quizzes/*.toml into a `Bank` and checks it against the content rules (docs/content-format.md,
docs/content-guide.md). Every problem names the file, the item and what is wrong, so an author can fix it without
reading code. Errors stop the app; warnings are for authors only."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .content import BANDS, Band, Bank, Kind, Lesson, LessonLink, Option, Question, Topic
from .draw import DRAW_PER_BAND_MINIMUM
from .text import LANGUAGES, Text, nfc

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
OPTION_ID_PATTERN = re.compile(r"^[a-z0-9]{1,8}$")
COMPETENCE_PATTERN = re.compile(r"^[1-5]\.[1-6]$")
CATCH_ALL_OPTION = re.compile(
    r"(all|none|both|neither) of (the )?(above|these)|tất cả (các )?(đáp án|phương án|ý|câu)|"
    r"không (có )?(đáp án|phương án|ý|câu) nào|cả (hai|ba|bốn) (đáp án|phương án|ý|câu)|"
    r"các (đáp án|phương án|ý) trên",
    re.IGNORECASE,
)
# An option much longer than the others gives the answer away (test-wise people pick the longest).
LENGTH_RATIO_WARNING = 2.0


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    item: str
    message: str
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        return f"{self.severity}: {self.file}: {self.item}: {self.message}"


class BankError(Exception):
    """The content cannot be used; the app must not start."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True, slots=True)
class LoadResult:
    bank: Bank | None
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


class _Reader:
    """Collects problems while turning one file's dictionaries into domain objects."""

    def __init__(self, file: str, pictures_dir: Path | None) -> None:
        self.file = file
        self.pictures_dir = pictures_dir
        self.problems: list[Problem] = []

    def error(self, item: str, message: str) -> None:
        self.problems.append(Problem(self.file, item, message))

    def warn(self, item: str, message: str) -> None:
        self.problems.append(Problem(self.file, item, message, "warning"))

    def text(self, raw: dict[str, Any], key: str, item: str, *, required: bool = True) -> Text | None:
        value = raw.get(key)
        if value is None:
            if required:
                self.error(item, f"'{key}' is missing")
            return None
        if not isinstance(value, dict):
            self.error(item, f'\'{key}\' must be a table {{ vi = "...", en = "..." }}')
            return None
        parts = {}
        for language in LANGUAGES:
            part = value.get(language)
            if not isinstance(part, str) or not part.strip():
                self.error(item, f"'{key}' has no {language} text")
                part = ""
            parts[language] = nfc(part.strip())
        return Text(**parts)

    def string_list(self, raw: dict[str, Any], key: str, item: str) -> tuple[str, ...]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(item, f"'{key}' must be a list of strings")
            return ()
        return tuple(v.strip() for v in value)

    def ident(self, raw: dict[str, Any], item: str) -> str:
        value = raw.get("id")
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.error(item, "'id' must be lowercase letters, digits and '-' (2 to 63 characters)")
            return str(value)
        return value

    def enum(self, raw: dict[str, Any], key: str, item: str, kind: type[Band] | type[Kind]) -> Any:
        try:
            return kind(raw.get(key))
        except ValueError:
            allowed = ", ".join(m.value for m in kind)
            self.error(item, f"'{key}' must be one of: {allowed}")
            return None

    def competences(self, raw: dict[str, Any], item: str) -> tuple[str, ...]:
        codes = self.string_list(raw, "competences", item)
        if not codes:
            self.error(item, "'competences' needs at least one DigComp 2.2 code such as \"4.2\"")
        for code in codes:
            if not COMPETENCE_PATTERN.match(code):
                self.error(item, f"competence '{code}' is not a DigComp 2.2 code such as \"4.2\"")
        return codes

    def topic(self, raw: dict[str, Any], expected_id: str) -> Topic | None:
        header = raw.get("topic")
        if not isinstance(header, dict):
            self.error("[topic]", "the file has no [topic] table")
            return None
        topic_id = self.ident(header, "[topic]")
        if topic_id != expected_id:
            self.error("[topic]", f"id '{topic_id}' must equal the file name '{expected_id}'")
        reviewed = header.get("reviewed")
        if not isinstance(reviewed, dt.date):
            self.error("[topic]", "'reviewed' must be a date such as 2026-11-30")
            reviewed = dt.date.min
        every = header.get("review_every_months", 12)
        if not isinstance(every, int) or not 1 <= every <= 36:
            self.error("[topic]", "'review_every_months' must be a whole number from 1 to 36")
            every = 12
        order = header.get("order", 0)
        loaded = [
            (q, q_raw.get("retired", False) is True)
            for n, q_raw in enumerate(_list(raw, "questions"), start=1)
            if (q := self.question(q_raw, topic_id, n)) is not None
        ]
        questions = tuple(q for q, retired in loaded if not retired)
        lessons = tuple(
            lesson
            for n, l_raw in enumerate(_list(raw, "lessons"), start=1)
            if (lesson := self.lesson(l_raw, topic_id, n)) is not None
        )
        title = self.text(header, "title", "[topic]")
        summary = self.text(header, "summary", "[topic]")
        if title is None or summary is None:
            return None
        return Topic(
            id=topic_id,
            order=order if isinstance(order, int) else 0,
            title=title,
            summary=summary,
            reviewed=reviewed,
            review_every_months=every,
            questions=questions,
            lessons=lessons,
            retired=tuple(q for q, retired in loaded if retired),
        )

    def question(self, raw: Any, topic_id: str, n: int) -> Question | None:
        item = f"question #{n}"
        if not isinstance(raw, dict):
            self.error(item, "must be a table")
            return None
        qid = self.ident(raw, item)
        item = f"question '{qid}'"
        kind = self.enum(raw, "kind", item, Kind)
        band = self.enum(raw, "band", item, Band)
        prompt = self.text(raw, "prompt", item)
        explanation = self.text(raw, "explanation", item)
        sources = self.string_list(raw, "sources", item)
        if not any(s.startswith("https://") or s.startswith("http://") for s in sources):
            self.error(item, "needs at least one public source URL in 'sources'")
        lesson = raw.get("lesson")
        if not isinstance(lesson, str) or not lesson:
            self.error(item, "'lesson' is missing: every question leads to a lesson")
            lesson = ""
        competences = self.competences(raw, item)
        picture, picture_text = self.picture(raw, item)
        options = self.options(raw, kind, item)
        if None in (kind, band, prompt, explanation) or options is None:
            return None
        return Question(
            id=qid,
            topic_id=topic_id,
            kind=kind,
            band=band,
            scenario=bool(raw.get("scenario", False)),
            competences=competences,
            lesson_id=lesson,
            sources=sources,
            prompt=prompt,  # type: ignore[arg-type]
            explanation=explanation,  # type: ignore[arg-type]
            options=options,
            picture=picture,
            picture_text=picture_text,
            framework_757=self.string_list(raw, "framework_757", item),
        )

    def picture(self, raw: dict[str, Any], item: str) -> tuple[str | None, Text | None]:
        picture = raw.get("picture")
        if picture is None:
            return None, None
        if not isinstance(picture, str) or not re.match(r"^[a-z0-9-]+\.svg$", picture):
            self.error(item, "'picture' must be a file name such as \"safety-sms.svg\"")
            return None, None
        if self.pictures_dir is not None and not (self.pictures_dir / picture).is_file():
            self.error(item, f"picture '{picture}' is not in static/pictures/")
        text = self.text(raw, "picture_text", item)
        if text is None:
            self.error(item, "a picture needs 'picture_text', its text equivalent")
        return picture, text

    def options(self, raw: dict[str, Any], kind: Kind | None, item: str) -> tuple[Option, ...] | None:
        if kind == Kind.TRUE_FALSE:
            answer = raw.get("answer")
            if not isinstance(answer, bool):
                self.error(item, "a true_false question needs 'answer = true' or 'answer = false'")
                return None
            if raw.get("options"):
                self.error(item, "a true_false question has no options: the app shows True / False")
            return (
                Option("true", Text("Đúng", "True"), answer),
                Option("false", Text("Sai", "False"), not answer),
            )
        options = []
        for n, o_raw in enumerate(_list(raw, "options"), start=1):
            if not isinstance(o_raw, dict):
                self.error(item, f"option #{n} must be a table")
                continue
            oid = o_raw.get("id")
            if not isinstance(oid, str) or not OPTION_ID_PATTERN.match(oid):
                self.error(item, f"option #{n}: 'id' must be 1 to 8 lowercase letters or digits")
                continue
            text = self.text(o_raw, "text", f"{item} option '{oid}'")
            correct = o_raw.get("correct", False)
            if not isinstance(correct, bool):
                self.error(item, f"option '{oid}': 'correct' must be true or false")
                correct = False
            why = self.text(o_raw, "why", f"{item} option '{oid}'", required=not correct)
            if text is None:
                continue
            for language in LANGUAGES:
                if CATCH_ALL_OPTION.search(text.get(language)):
                    self.error(item, f"option '{oid}' is an 'all/none of the above' option")
            options.append(Option(oid, text, correct, why))
        ids = [o.id for o in options]
        if len(set(ids)) != len(ids):
            self.error(item, "two options have the same id")
        if len(options) < 2:
            self.error(item, "needs at least two options")
            return None
        right = sum(o.correct for o in options)
        if kind == Kind.SINGLE and right != 1:
            self.error(item, f"a single-choice question needs exactly one right option, not {right}")
        if kind == Kind.MULTIPLE and right < 1:
            self.error(item, "a multiple-choice question needs at least one right option")
        self.check_lengths(options, item)
        return tuple(options)

    def check_lengths(self, options: list[Option], item: str) -> None:
        for language in LANGUAGES:
            lengths = [len(o.text.get(language)) for o in options]
            if min(lengths) and max(lengths) / min(lengths) > LENGTH_RATIO_WARNING:
                self.warn(item, f"options differ a lot in length ({language}: {min(lengths)} to {max(lengths)})")
                return

    def lesson(self, raw: Any, topic_id: str, n: int) -> Lesson | None:
        item = f"lesson #{n}"
        if not isinstance(raw, dict):
            self.error(item, "must be a table")
            return None
        lid = self.ident(raw, item)
        item = f"lesson '{lid}'"
        title = self.text(raw, "title", item)
        summary = self.text(raw, "summary", item)
        body = self.text(raw, "body", item)
        competences = self.competences(raw, item)
        minutes = raw.get("minutes", 3)
        if not isinstance(minutes, int) or not 1 <= minutes <= 3:
            self.error(item, "'minutes' must be 1, 2 or 3: lessons are read on a phone in three minutes")
            minutes = 3
        links = []
        for k, link in enumerate(_list(raw, "links"), start=1):
            url = link.get("url") if isinstance(link, dict) else None
            link_title = self.text(link, "title", f"{item} link #{k}") if isinstance(link, dict) else None
            if not isinstance(url, str) or not url.startswith("https://"):
                self.error(item, f"link #{k} needs an https:// 'url'")
            elif link_title is not None:
                links.append(LessonLink(link_title, url))
        if title is None or summary is None or body is None:
            return None
        return Lesson(lid, topic_id, competences, minutes, title, summary, body, tuple(links))


def _list(raw: dict[str, Any], key: str) -> list[Any]:
    value = raw.get(key, [])
    return value if isinstance(value, list) else []


def load_bank(quiz_dir: Path, pictures_dir: Path | None, *, today: dt.date) -> LoadResult:
    """Reads and checks every topic file. `today` is passed in (the domain reads no clock) for review dates."""
    problems: list[Problem] = []
    topics: list[Topic] = []
    files = sorted(quiz_dir.glob("*.toml"))
    if not files:
        problems.append(Problem(str(quiz_dir), "folder", "no topic files (*.toml)"))
    for path in files:
        reader = _Reader(path.name, pictures_dir)
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            problems.append(Problem(path.name, "file", f"not valid TOML: {exc}"))
            continue
        topic = reader.topic(raw, path.stem)
        problems.extend(reader.problems)
        if topic is not None:
            topics.append(topic)
    topics.sort(key=lambda t: (t.order, t.id))
    problems.extend(_check_bank(topics, today))
    has_errors = any(p.severity == "error" for p in problems)
    return LoadResult(None if has_errors else Bank(tuple(topics)), tuple(problems))


def _check_bank(topics: list[Topic], today: dt.date) -> list[Problem]:
    """Rules that need the whole bank: unique ids, lessons reached, enough questions per band to draw from."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    lessons = {lesson.id: topic for topic in topics for lesson in topic.lessons}
    reached: set[str] = set()
    for topic in topics:
        file = f"{topic.id}.toml"
        every = (*topic.questions, *topic.retired)
        for thing_id in [q.id for q in every] + [lesson.id for lesson in topic.lessons]:
            if thing_id in seen:
                problems.append(Problem(file, f"'{thing_id}'", f"duplicate id (also in {seen[thing_id]})"))
            seen[thing_id] = file
        for q in every:  # a retired question's results page still links its lesson
            if q.lesson_id and q.lesson_id not in lessons:
                problems.append(Problem(file, f"question '{q.id}'", f"lesson '{q.lesson_id}' does not exist"))
        reached.update(q.lesson_id for q in topic.questions)
        for band in BANDS:
            have = len(topic.in_band(band))
            need = DRAW_PER_BAND_MINIMUM
            if have < need:
                problems.append(
                    Problem(file, f"band '{band.value}'", f"has {have} questions; the draw needs at least {need}")
                )
        if topic.review_due < today:
            problems.append(
                Problem(file, "[topic]", f"content was due for review on {topic.review_due.isoformat()}", "warning")
            )
    for lesson_id, topic in lessons.items():
        if lesson_id not in reached:
            problems.append(Problem(f"{topic.id}.toml", f"lesson '{lesson_id}'", "no question leads to this lesson"))
    return problems
