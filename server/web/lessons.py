"""Lesson pages: public, cacheable, readable in three minutes."""

from __future__ import annotations

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from .pages import render
from .site import Site


@get("/lessons", name="lessons")
async def lesson_list(request: Request, site: NamedDependency[Site]) -> Template:
    return render(request, "lessons/list.html", topics=site.bank.topics)


@get("/lessons/{lesson_id:str}", name="lesson")
async def lesson_page(request: Request, site: NamedDependency[Site], lesson_id: FromPath[str]) -> Template:
    lesson = site.bank.lesson(lesson_id)  # UnknownLesson -> 404 page
    return render(request, "lessons/lesson.html", lesson=lesson, topic=site.bank.topic(lesson.topic_id))
