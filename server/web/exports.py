"""The dashboard as files (CSV, Excel) and as JSON: exactly what the screen shows, with the same suppression.

Every text cell that a spreadsheet could read as a formula (= + - @, tab, carriage return) is neutralised with a
leading apostrophe (OWASP CSV injection)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from litestar import Response

from ..domain.attempt import AGE_BANDS
from ..domain.dashboard import DashboardView
from ..domain.privacy import Hidden, ReleasedTable
from ..domain.scoring import LEVELS
from .i18n import current_language
from .i18n import gettext as _
from .site import Site
from .templating import epsilon_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def shown(value: int | Hidden, k: int) -> int | str:
    return f"< {k}" if value == Hidden.SMALL else value  # type: ignore[return-value]


def row_name(row: str) -> str:
    """Rows are age bands, the two age groups of a commune, or all ages."""
    return _("All ages") if row == "all" else row


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
    return site.territory.place(view.area).get(current_language.get())


def view_rows(view: DashboardView, site: Site, generated: dt.datetime) -> list[list[Any]]:
    """The screen as rows: a header saying what, where, when and how protected, then one section per panel."""
    k = view.k
    language = current_language.get()
    mode_names = {"all": _("All"), "self": _("On their own"), "guided": _("Guided")}
    topic_title = lambda topic_id: site.bank.topic(topic_id).title.get(language)  # noqa: E731
    rows: list[list[Any]] = [
        [_("Digital Skills: dashboard")],
        [_("Period"), view.period.key, ", ".join(view.period.months)],
        [_("Area"), area_name(view, site)],
        [_("Mode"), mode_names[view.mode]],
        [_("Generated"), generated.isoformat(timespec="seconds")],
        [
            _("Protected estimates: published releases with differential privacy (ε = %(e)s per month).")
            % {"e": epsilon_text(view.epsilon)}
        ],
        [_("“< %(k)s”: fewer than %(k)s, or none") % {"k": k}],
        [],
        [_("People who finished a check")],
        [_("Age band"), _("People")],
    ]
    for i, band in enumerate(AGE_BANDS):
        rows.append([band, shown(view.participation.row_totals[i], k)])
    rows.append([_("All ages"), shown(view.participation.total, k)])
    rows.append([])
    level_headers = [level_name(level.value) for level in LEVELS]
    for panel in view.topics:
        table = panel.table
        rows.append([topic_title(panel.topic_id)])
        rows.append([_("Age band"), *level_headers, _("Total"), *(f"{h} (%)" for h in level_headers)])
        for i, row in enumerate(view.level_rows):
            shares = [percent(table.share(i, c)) for c in range(len(LEVELS))]
            rows.append([row_name(row), *(shown(c, k) for c in table.cells[i]), shown(table.row_totals[i], k), *shares])
        shares = [percent(table.col_share(c)) for c in range(len(LEVELS))]
        rows.append([_("All ages"), *(shown(c, k) for c in table.col_totals), shown(table.total, k), *shares])
        rows.append([])
    rows.append([_("Working-age people (15-64) at Basic or above")])
    rows.append([_("Topic"), _("Below Basic"), _("Basic or above"), "%", _("Target %")])
    for i, topic_id in enumerate(site.bank.topic_ids):
        table = view.working_age
        cells = table.cells[i]
        rows.append(
            [
                topic_title(topic_id),
                shown(cells[0], k),
                shown(cells[1], k),
                percent(table.share(i, 1)),
                view.working_age_target,
            ]
        )
    rows.append([])
    for trend in view.trends:
        rows.append([_("Trend") + ": " + topic_title(trend.topic_id)])
        rows.append([_("Period"), _("Below Basic"), _("Basic or above"), "%"])
        for i, p in enumerate(trend.periods):
            cells = trend.table.cells[i]
            rows.append([p.key, shown(cells[0], k), shown(cells[1], k), percent(trend.table.share(i, 1))])
        rows.append([])
    rows.append([_("The province's targets")])
    rows.append([_("Question"), _("Age band"), _("Yes"), _("No"), _("Yes %"), _("Target %")])
    for panel in view.about:
        name = about_name(panel.question)
        table = panel.table
        for i, row in enumerate(view.about_rows):
            yes, no = table.cells[i]
            rows.append([name, row_name(row), shown(yes, k), shown(no, k), percent(table.share(i, 0)), panel.target])
        if len(view.about_rows) > 1:
            yes, no = table.col_totals
            rows.append([name, _("All ages"), shown(yes, k), shown(no, k), percent(table.col_share(0)), panel.target])
    return [[neutralise(cell) for cell in row] for row in rows]


def _filename(view: DashboardView, site: Site, extension: str) -> str:
    return f"kynangso-{view.area or site.territory.top_key}-{view.period.key}-{view.mode}.{extension}"


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
            "Content-Disposition": f'attachment; filename="{_filename(view, site, "csv")}"',
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
            "Content-Disposition": f'attachment; filename="{_filename(view, site, "xlsx")}"',
            "Cache-Control": "no-store",
        },
    )


def table_json(table: ReleasedTable, k: int, rows: Sequence[str]) -> dict[str, Any]:
    return {
        "rows": list(rows),
        "cells": [[shown(c, k) for c in row] for row in table.cells],
        "row_totals": [shown(c, k) for c in table.row_totals],
        "column_totals": [shown(c, k) for c in table.col_totals],
        "total": shown(table.total, k),
    }


def view_json(view: DashboardView, site: Site, generated: dt.datetime) -> dict[str, Any]:
    k = view.k
    topic_ids = list(site.bank.topic_ids)
    return {
        "period": view.period.key,
        "months": list(view.period.months),
        "area": view.area or site.territory.top_key,
        "mode": view.mode,
        "generated": generated.isoformat(timespec="seconds"),
        "protection": {
            "mechanism": "discrete Laplace (OpenDP), differential privacy per attempt",
            "epsilon_per_month": round(view.epsilon, 4),
            "display_threshold": k,
            "released": [c.isoformat(timespec="seconds") for c in view.computed],
        },
        "levels": [level.value for level in LEVELS],
        "participation": table_json(view.participation, k, AGE_BANDS),
        "topics": [{"topic": p.topic_id, **table_json(p.table, k, view.level_rows)} for p in view.topics],
        "working_age_basic": {"target_percent": view.working_age_target, **table_json(view.working_age, k, topic_ids)},
        "trends": [{"topic": t.topic_id, **table_json(t.table, k, [p.key for p in t.periods])} for t in view.trends],
        "targets": [
            {"question": a.question, "target_percent": a.target, **table_json(a.table, k, view.about_rows)}
            for a in view.about
        ],
    }
