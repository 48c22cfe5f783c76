"""The dashboard as files (CSV, Excel) and as JSON: exactly what the screen shows, with the same suppression.

Every text cell that a spreadsheet could read as a formula (= + - @, tab, carriage return) is neutralised with a
leading apostrophe (OWASP CSV injection)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from litestar import Response

from ..domain.attempt import AGE_BANDS
from ..domain.dashboard import DashboardView
from ..domain.privacy import Hidden, ProtectedTable
from ..domain.scoring import LEVELS
from .i18n import current_language
from .i18n import gettext as _
from .site import Site

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def shown(value: int | Hidden, k: int) -> int | str:
    if value == Hidden.SMALL:
        return f"< {k}"
    if value == Hidden.COMPLEMENTARY:
        return "×"
    return value  # type: ignore[return-value]


def percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def level_name(level: str) -> str:
    names = {"not_yet": _("Not yet"), "basic": _("Basic"), "intermediate": _("Intermediate"), "advanced": _("Advanced")}
    return names[level]


def about_name(question: str) -> str:
    names = {
        "smartphone": _("Has a smartphone"),
        "bank_account": _("Has a bank or e-wallet account"),
        "digital_signature": _("Has a digital signature"),
        "public_services": _("Used online public services in the last 12 months"),
        "vneid_level2": _("Has a level-2 VNeID account"),
        "telehealth": _("Used online health consultation"),
    }
    return names[question]


def area_name(view: DashboardView, site: Site) -> str:
    if view.area is None:
        return site.province.name.get(current_language.get())
    commune = site.province.commune(view.area)
    return commune.name if commune else view.area


def view_rows(view: DashboardView, site: Site, generated: dt.datetime) -> list[list[Any]]:
    """The screen as rows: a header saying what, where and when, then one section per panel."""
    k = site.settings.small_group_k
    mode_names = {
        "all": _("All"),
        "self": _("On their own"),
        "guided": _("Guided"),
    }
    rows: list[list[Any]] = [
        [_("Digital Skills: dashboard")],
        [_("Period"), view.period.key],
        [_("Area"), area_name(view, site)],
        [_("Mode"), mode_names[view.mode]],
        [_("Generated"), generated.isoformat(timespec="seconds")],
        [_("“< %(k)s”: fewer than %(k)s people; “×”: hidden so that a small group cannot be worked out") % {"k": k}],
        [],
    ]
    if view.withheld:
        rows.append([_("This group is too small to show.")])
        return rows
    assert view.participation is not None and view.working_age is not None
    rows.append([_("People who finished a check")])
    rows.append([_("Age band"), _("People")])
    for i, band in enumerate(AGE_BANDS):
        rows.append([band, shown(view.participation.row_totals[i], k)])
    rows.append([_("All ages"), shown(view.participation.total, k)])
    rows.append([])
    level_headers = [level_name(level.value) for level in LEVELS]
    for panel in view.topics:
        title = site.bank.topic(panel.topic_id).title.get(current_language.get())
        rows.append([title])
        rows.append([_("Age band"), *level_headers, _("Total"), *(f"{h} (%)" for h in level_headers)])
        for i, band in enumerate([*AGE_BANDS, _("All ages")]):
            table = panel.table
            if i < len(AGE_BANDS):
                cells, total = table.cells[i], table.row_totals[i]
                shares = [percent(table.share(i, c)) for c in range(len(LEVELS))]
            else:
                cells, total = table.col_totals, table.total
                shares = [percent(table.col_share(c)) for c in range(len(LEVELS))]
            rows.append([band, *(shown(c, k) for c in cells), shown(total, k), *shares])
        rows.append([])
    rows.append([_("Working-age people (15-64) at Basic or above")])
    rows.append(
        [
            _("Topic"),
            _("Below Basic"),
            _("Basic or above"),
            "%",
            _("Target %"),
        ]
    )
    for i, topic_id in enumerate(site.bank.topic_ids):
        table = view.working_age
        rows.append(
            [
                site.bank.topic(topic_id).title.get(current_language.get()),
                shown(table.cells[i][0], k),
                shown(table.cells[i][1], k),
                percent(table.share(i, 1)),
                view.working_age_target,
            ]
        )
    rows.append([])
    for trend in view.trends:
        rows.append([_("Trend") + ": " + site.bank.topic(trend.topic_id).title.get(current_language.get())])
        rows.append([_("Period"), _("Below Basic"), _("Basic or above"), "%"])
        for i, p in enumerate(trend.periods):
            rows.append(
                [
                    p.key,
                    shown(trend.table.cells[i][0], k),
                    shown(trend.table.cells[i][1], k),
                    percent(trend.table.share(i, 1)),
                ]
            )
        rows.append([])
    rows.append([_("The province's targets")])
    rows.append(
        [
            _("Question"),
            _("Age band"),
            _("Yes"),
            _("No"),
            _("Yes %"),
            _("Target %"),
        ]
    )
    for panel in view.about:
        name = about_name(panel.question)
        for i, band in enumerate([*AGE_BANDS, _("All ages")]):
            table = panel.table
            if i < len(AGE_BANDS):
                yes, no, share = table.cells[i][0], table.cells[i][1], table.share(i, 0)
            else:
                yes, no, share = table.col_totals[0], table.col_totals[1], table.col_share(0)
            rows.append([name, band, shown(yes, k), shown(no, k), percent(share), panel.target])
    return [[neutralise(cell) for cell in row] for row in rows]


def _filename(view: DashboardView, extension: str) -> str:
    return f"kynangso-{view.area or 'province'}-{view.period.key}-{view.mode}.{extension}"


def csv_response(view: DashboardView, site: Site, generated: dt.datetime) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in view_rows(view, site, generated):
        writer.writerow(["" if cell is None else cell for cell in row])
    # A byte-order mark so that Excel opens Vietnamese text as UTF-8.
    return Response(
        "\ufeff" + buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{_filename(view, "csv")}"',
            "Cache-Control": "no-store",
        },
    )


def xlsx_response(view: DashboardView, site: Site, generated: dt.datetime) -> Response:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = view.period.key
    for row in view_rows(view, site, generated):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return Response(
        buffer.getvalue(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f'attachment; filename="{_filename(view, "xlsx")}"',
            "Cache-Control": "no-store",
        },
    )


def table_json(table: ProtectedTable, k: int) -> dict[str, Any]:
    return {
        "cells": [[shown(c, k) for c in row] for row in table.cells],
        "row_totals": [shown(c, k) for c in table.row_totals],
        "column_totals": [shown(c, k) for c in table.col_totals],
        "total": shown(table.total, k),
    }


def view_json(view: DashboardView, site: Site, generated: dt.datetime) -> dict[str, Any]:
    k = site.settings.small_group_k
    data: dict[str, Any] = {
        "period": view.period.key,
        "area": view.area or "province",
        "mode": view.mode,
        "generated": generated.isoformat(timespec="seconds"),
        "small_group_k": k,
        "withheld": view.withheld,
        "age_bands": list(AGE_BANDS),
        "levels": [level.value for level in LEVELS],
    }
    if view.withheld:
        return data
    assert view.participation is not None and view.working_age is not None
    data["participation"] = table_json(view.participation, k)
    data["topics"] = [{"topic": p.topic_id, **table_json(p.table, k)} for p in view.topics]
    data["working_age_basic"] = {
        "topics": list(site.bank.topic_ids),
        "target_percent": view.working_age_target,
        **table_json(view.working_age, k),
    }
    data["trends"] = [
        {"topic": t.topic_id, "periods": [p.key for p in t.periods], **table_json(t.table, k)} for t in view.trends
    ]
    data["targets"] = [
        {"question": a.question, "target_percent": a.target, **table_json(a.table, k)} for a in view.about
    ]
    return data
