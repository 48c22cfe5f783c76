"""The API's documentation: an OpenAPI schema that says what the API really answers, and a page made from it.

Litestar's schema page loads its renderer from a CDN with an inline script, which our CSP (security.py) blocks: the
page stayed blank. Here the schema is served as JSON (/api/v1/schema and /api/v1/schema/openapi.json) and read by
a server-rendered page (/api/v1/docs) in the person's language, without JavaScript. Neither needs a login: the
schema holds no data, only the shape of the answers and the values the filters take, which every official's tool
needs before it has a token.

Litestar builds the schema from the handlers; `complete` then adds what only the loaded app knows (the communes,
topics and modes the filters take, the display threshold) and what Litestar does not model (the headers of each
answer, the error body), once, when the app is built."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.enums import MediaType
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.response import Template

from ..domain.attempt import AGE_BANDS
from ..domain.dashboard import ALL_AGES, VIEW_MODES
from ..domain.release import ABOUT_QUESTIONS, AGE_GROUPS
from ..domain.scoring import LEVELS
from ..settings import Settings
from .i18n import N_, gettext
from .pages import render
from .site import Site
from .templating import localise

DOCS_PATH = "/api/v1/docs"
SCHEMA_PATH = "/api/v1/schema"
JSON_PATH = f"{SCHEMA_PATH}/openapi.json"
# The periods find_period knows (domain/dashboard.py): a year, a quarter, or a month of 2000-2999. [0-9], not \d,
# which in Python also matches other scripts' digits.
PERIOD_PATTERN = r"^([0-9]{4}|[0-9]{4}-Q[1-4]|2[0-9]{3}-(0[1-9]|1[0-2]))$"
MONTH_PATTERN = r"^2[0-9]{3}-(0[1-9]|1[0-2])$"


def openapi_config(settings: Settings) -> OpenAPIConfig:
    staff_cookie = "__Host-staff" if settings.https else "staff"  # account.py's cookie, named as Site.cookie_name does
    return OpenAPIConfig(
        title="Kỹ Năng Số API",
        version="1",
        description=N_("Read-only, anonymized aggregates for officials. Cells under K attempts are never shown."),
        path=SCHEMA_PATH,
        render_plugins=[CompletedSchema()],
        components=Components(
            security_schemes={
                "bearer": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description=N_("A token an admin created for an official, sent as Authorization: Bearer TOKEN."),
                ),
                "session": SecurityScheme(
                    type="apiKey",
                    name=staff_cookie,
                    security_scheme_in="cookie",
                    description=N_("The session of an official logged in at /login, in the same browser."),
                ),
            }
        ),
    )


class CompletedSchema(OpenAPIRenderPlugin):
    """The completed schema as JSON, at the schema's root and at openapi.json (the name tools look for)."""

    def __init__(self) -> None:
        super().__init__(path=["/openapi.json"], media_type=MediaType.JSON)

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        return json.dumps(request.app.state.api_schema, ensure_ascii=False).encode()


def _header(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "required": True, "schema": schema}


HEADERS: dict[str, dict[str, Any]] = {
    "401": {"WWW-Authenticate": _header(N_("How to authenticate: Bearer."), {"type": "string", "enum": ["Bearer"]})},
    "429": {"Retry-After": _header(N_("Seconds to wait."), {"type": "string", "pattern": "^[0-9]+$"})},
}
NO_STORE = _header(N_("Never kept by a browser or proxy."), {"type": "string", "enum": ["no-store"]})
COUNT = {"oneOf": [{"type": "integer"}, {"type": "string"}]}  # how Litestar writes api.Count


def _filters(site: Site) -> dict[str, dict[str, Any]]:
    return {
        "area": {"enum": site.territory.area_codes()},
        "period": {"pattern": PERIOD_PATTERN},
        "mode": {"enum": list(VIEW_MODES)},
    }


def _answer_values(site: Site) -> dict[tuple[str, str], dict[str, Any]]:
    """(component, field) -> what the field holds, beyond its type: the values view_json (exports.py) writes."""
    topics = {"enum": list(site.bank.topic_ids)}
    strings = lambda values: {"type": "array", "items": {"type": "string", **values}}  # noqa: E731
    return {
        ("Dashboard", "period"): {"type": "string", "pattern": PERIOD_PATTERN},
        ("Dashboard", "months"): strings({"pattern": MONTH_PATTERN}),
        ("Dashboard", "area"): {"type": "string", **_filters(site)["area"]},
        ("Dashboard", "mode"): {"type": "string", "enum": list(VIEW_MODES)},
        ("Dashboard", "generated"): {"type": "string", "format": "date-time"},
        ("Dashboard", "levels"): strings({"enum": [level.value for level in LEVELS]}),
        ("Table", "rows"): strings({"enum": list(AGE_BANDS)}),
        ("TopicTable", "rows"): strings({"enum": list(dict.fromkeys([*AGE_BANDS, *AGE_GROUPS]))}),
        ("TopicTable", "topic"): {"type": "string", **topics},
        ("WorkingAgeTable", "rows"): strings(topics),
        ("TrendTable", "rows"): strings({"pattern": PERIOD_PATTERN}),
        ("TrendTable", "topic"): {"type": "string", **topics},
        ("TargetTable", "rows"): strings({"enum": [*AGE_BANDS, ALL_AGES]}),
        ("TargetTable", "question"): {"type": "string", "enum": list(ABOUT_QUESTIONS)},
    }


# What each shape of an answer holds (the rows and columns of the tables: api.Dashboard).
SHAPE_NOTES = {
    "Dashboard": N_(
        "Protected estimates from the published releases of the period's months, one table per panel of the "
        "dashboard. Columns are the levels, unless a table says otherwise."
    ),
    "Protection": N_(
        "How the numbers are protected: the mechanism, the privacy loss of each month, the display threshold K, and "
        "when each month's release was computed."
    ),
    "Table": N_("Participation: people by age band, in one column."),
    "TopicTable": N_("Levels in one topic: rows are age bands (for a commune, the age groups 15-64 and 65+)."),
    "WorkingAgeTable": N_(
        "People of working age at Basic or above, against the target: rows are topics, columns below Basic and "
        "Basic or above."
    ),
    "TrendTable": N_(
        "One topic over the released periods of the same kind, oldest first: columns below Basic and Basic or above."
    ),
    "TargetTable": N_(
        "Answers to one question about the person, against its target: rows are age bands (for a commune, all "
        "ages), columns yes and no."
    ),
    "ErrorBody": N_("Every error: a short reason in English, and the status code again."),
}


def _counts_as_ref(node: Any) -> Any:
    """Every count (a number, or "< K") becomes a reference to the one Count component."""
    if node == COUNT:
        return {"$ref": "#/components/schemas/Count"}
    if isinstance(node, dict):
        return {k: _counts_as_ref(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_counts_as_ref(v) for v in node]
    return node


def complete(schema: dict[str, Any], site: Site) -> dict[str, Any]:
    """Litestar's schema with the allowed values of every filter and field, the headers of every answer, and the
    one shape of a count."""
    schema = _counts_as_ref(copy.deepcopy(schema))
    filters = _filters(site)
    for path_item in schema["paths"].values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and parameter["name"] in filters:
                    # A query string has no null: a filter is a value, or left out.
                    parameter["schema"] = {"type": "string", **filters[parameter["name"]]}
            # Litestar lists a 400 for any handler with parameters; ours refuses values with 422 (api.ERRORS).
            operation["responses"].pop("400", None)
            for status, response in operation["responses"].items():
                headers = {**response.get("headers", {}), **HEADERS.get(status, {}), "Cache-Control": NO_STORE}
                response["headers"] = headers
    components = schema["components"]["schemas"]
    for name, note in SHAPE_NOTES.items():
        components[name]["description"] = note
    for (component, field), values in _answer_values(site).items():
        components[component]["properties"][field] = values
    k = site.settings.small_group_k
    components["Count"] = {
        "description": N_("A released count, or the text “< K” for a count under the display threshold K."),
        "oneOf": [{"type": "integer", "minimum": k}, {"type": "string", "enum": [f"< {k}"]}],
    }
    return schema


# The docs page: a view of the completed schema, its texts translated where they are shown.


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: str  # the type as a reader says it: "text", "list of TopicTable", "Count"
    link: str | None  # the component it refers to, for a link to its shape
    required: bool
    values: list[str]
    pattern: str | None
    description: str


@dataclass(frozen=True, slots=True)
class Answer:
    status: str
    description: str
    shape: str | None
    headers: list[Field]


@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Field]
    answers: list[Answer]
    security: list[str]


@dataclass(frozen=True, slots=True)
class Shape:
    name: str
    description: str
    fields: list[Field]
    alternatives: list[Field]  # for a oneOf (Count): the forms a value takes


def _kind(schema: dict[str, Any]) -> tuple[str, str | None]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return name, name
    if "oneOf" in schema:
        kinds = [_kind(s) for s in schema["oneOf"]]
        return gettext(" or ").join(k for k, _ in kinds), next((link for _, link in kinds if link), None)
    if schema.get("type") == "array":
        inner, link = _kind(schema.get("items", {}))
        return gettext("list of %(kind)s") % {"kind": inner}, link
    if "minimum" in schema:
        return gettext("whole number, at least %(n)s") % {"n": schema["minimum"]}, None
    names = {"string": N_("text"), "integer": N_("whole number"), "number": N_("number"), "null": "null"}
    kind = schema.get("type", "")
    return gettext(names.get(kind, kind)), None


def _field(name: str, schema: dict[str, Any], required: bool, description: str = "") -> Field:
    kind, link = _kind(schema)
    inner = schema.get("items", schema) if schema.get("type") == "array" else schema
    values = [str(v) for v in inner.get("enum", [])]
    text = description or schema.get("description", "")
    return Field(name, kind, link, required, values, inner.get("pattern"), gettext(text) if text else "")


def operations(schema: dict[str, Any]) -> list[Operation]:
    found = []
    for path, path_item in schema["paths"].items():
        for method, op in path_item.items():
            parameters = [
                _field(p["name"], p["schema"], p.get("required", False), p.get("description", ""))
                for p in op.get("parameters", [])
            ]
            answers = []
            for status, response in sorted(op["responses"].items()):
                content = response.get("content", {}).get("application/json", {}).get("schema")
                headers = [_field(n, h["schema"], True, h["description"]) for n, h in response["headers"].items()]
                shape = _kind(content)[1] if content else None
                answers.append(Answer(status, gettext(response.get("description", "")), shape, headers))
            security = [name for requirement in op.get("security", []) for name in requirement]
            summary, description = op.get("summary", ""), op.get("description", "")
            found.append(
                Operation(
                    method.upper(),
                    path,
                    gettext(summary) if summary else "",
                    gettext(description) if description else "",
                    parameters,
                    answers,
                    security,
                )
            )
    return found


def shapes(schema: dict[str, Any]) -> list[Shape]:
    found = []
    for name, component in sorted(schema["components"]["schemas"].items()):
        required = set(component.get("required", []))
        fields = [_field(f, s, f in required) for f, s in component.get("properties", {}).items()]
        alternatives = [_field("", s, True) for s in component.get("oneOf", [])]
        text = component.get("description", "")
        found.append(Shape(name, gettext(text) if text else "", fields, alternatives))
    return found


@get(DOCS_PATH, name="api_docs", include_in_schema=False)
async def docs_page(request: Request, site: NamedDependency[Site]) -> Template:
    schema = request.app.state.api_schema
    security = schema["components"]["securitySchemes"]
    return render(
        request,
        "api/docs.html",
        private=True,
        wide=True,
        schema_url=JSON_PATH,
        origin=site.settings.public_origin,
        title=schema["info"]["title"],
        summary=gettext(schema["info"].get("description", "")),
        operations=operations(schema),
        shapes=shapes(schema),
        security={name: gettext(s.get("description", "")) for name, s in security.items()},
        area_names={
            code: localise(site.territory.place(None if code == site.territory.top_key else code))
            for code in site.territory.area_codes()
        },
    )
