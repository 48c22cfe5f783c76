"""create_app(settings) -> Litestar: the one place where things are wired together."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar, Request
from litestar.config.csrf import CSRFConfig
from litestar.di import Provide
from litestar.plugins.htmx import HTMXPlugin, HTMXRequest
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from litestar.template.config import TemplateConfig

from .db import engine as db_engine
from .db import partitions
from .domain.areas import NATION, Territory, load_country, territory_of
from .domain.content import Bank
from .domain.content_loader import BankError, load_bank
from .domain.dashboard import TargetBook, load_target_book
from .hashing import Hasher, password_policy
from .publishing import upkeep
from .settings import Settings
from .web import (
    account,
    admin,
    api,
    apidocs,
    dashboard,
    errors,
    general,
    lessons,
    offline,
    preview,
    quiz,
    results,
    second_factor,
    team,
)
from .web.apidocs import openapi_config
from .web.assets import StaticFiles
from .web.compression import PageCompression
from .web.counters import Counters
from .web.hosts import HostCheck
from .web.i18n import Catalogs, use_language_of
from .web.methods import HeadAsGet
from .web.ratelimit import RequestLimit, RequestLimitMiddleware
from .web.releases import ReleaseShelf, keep_up
from .web.requestlog import RequestLog
from .web.security import check_origin, header_list, security_headers
from .web.site import Site, provide_site
from .web.staff_sessions import StaffSessions
from .web.static import StaticShortcut, file_hashes
from .web.templating import build_environment
from .web.throttle import Throttle

log = logging.getLogger("kynangso")


def load_content(settings: Settings, today: dt.date | None = None) -> Bank:
    """Loads and checks quizzes/; a broken file stops the app with the file, item and problem named."""
    result = load_bank(settings.content_dir, settings.static_dir / "pictures", today=today or dt.date.today())
    if result.bank is None:
        raise BankError(result.errors)
    return result.bank


def load_places(settings: Settings) -> tuple[Territory, TargetBook]:
    """The province the deployment serves (or the whole country) and every province's targets; AreasError or
    TargetsError name the file and the problem."""
    country = load_country(settings.map_file)
    territory = territory_of(country, settings.province)
    return territory, load_target_book(settings.targets_dir, [*(p.code for p in country), NATION])


def make_store(settings: Settings) -> Store:
    """Memory inside one process; Redis when several processes must share sessions, throttling and rate limits."""
    if settings.redis_url:
        from litestar.stores.redis import RedisStore

        return RedisStore.with_client(url=settings.redis_url, namespace="kynangso")
    return MemoryStore()


def create_app(settings: Settings, *, bank: Bank | None = None, hasher: Hasher | None = None) -> Litestar:
    bank = bank or load_content(settings)
    engine = db_engine.engine_for(settings.database_url)
    db_engine.bind(engine)
    catalogs = Catalogs()
    static_hashes = file_hashes(settings.static_dir)
    jinja = build_environment(
        settings.templates_dir, static_hashes, catalogs, reload=settings.environment == "development"
    )
    store = make_store(settings)
    counters = Counters(settings.redis_url)
    territory, targets = load_places(settings)
    site = Site(
        settings=settings,
        bank=bank,
        territory=territory,
        engine=engine,
        hasher=hasher or Hasher.from_settings(settings),
        policy=password_policy(),
        sessions=StaffSessions(
            store,
            idle_seconds=settings.session_idle_minutes * 60,
            absolute_seconds=settings.session_absolute_hours * 3600,
        ),
        throttle=Throttle(counters, settings.secret_key),
        targets=targets,
        static_hashes=static_hashes,
        static=StaticFiles(settings.static_dir, static_hashes),
        store=store,
        releases=ReleaseShelf(),
    )

    request_limit = RequestLimit(settings.anonymous_rate_per_minute, counters)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        db_engine.bind(engine)
        await db_engine.start(engine)
        await counters.open()
        # The months ahead exist before the first request; the hourly round keeps it so.
        await partitions.ensure_ahead(engine, dt.datetime.now(dt.UTC))
        stop = asyncio.Event()
        hourly = asyncio.create_task(keep_up(functools.partial(upkeep, settings, bank, site.territory, engine), stop))
        try:
            yield
        finally:
            stop.set()
            hourly.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await hourly
            await counters.close()
            await db_engine.stop(engine)

    async def before_request(request: Request) -> None:
        use_language_of(request)
        check_origin(request, settings.public_origin)

    cookie_prefix = "__Host-" if settings.https else ""
    app = Litestar(
        route_handlers=[
            general.home,
            general.set_language,
            general.healthz,
            quiz.start_page,
            quiz.start_communes,
            quiz.start,
            quiz.quiz,
            quiz.answer,
            results.results,
            results.compare,
            results.about,
            results.code_lookup,
            results.delete_result,
            results.card,
            account.login_page,
            account.login,
            account.logout,
            account.password_page,
            account.change_password,
            account.keepalive,
            account.account_page,
            account.end_my_sessions,
            second_factor.code_page,
            second_factor.check_code,
            second_factor.enrolment_page,
            second_factor.enrol,
            second_factor.new_recovery_codes,
            admin.AdminController,
            team.TeamController,
            dashboard.dashboard,
            dashboard.areas,
            dashboard.export,
            api.api_router,
            apidocs.docs_page,
            lessons.lesson_list,
            lessons.lesson_page,
            preview.preview,
            offline.service_worker,
            offline.offline_page,
            offline.quiz_pack,
        ],
        dependencies={
            "site": Provide(provide_site, sync_to_thread=False),
            "staff": Provide(account.provide_staff, sync_to_thread=False),
        },
        template_config=TemplateConfig(instance=JinjaTemplateEngine.from_environment(jinja)),
        plugins=[HTMXPlugin()],
        request_class=HTMXRequest,
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name=f"{cookie_prefix}csrftoken",
            cookie_secure=settings.https,
            cookie_httponly=False,
            cookie_samesite="lax",
            exclude=["/static", "/healthz"],
        ),
        before_send=[security_headers(https=settings.https), api.no_store],
        # Registered so that the app's lifespan closes the store's Redis connections with its event loop.
        stores={"shared": store},
        middleware=[RequestLimitMiddleware(request_limit)],
        before_request=before_request,
        exception_handlers={
            **errors.handlers,
            account.NotLoggedIn: account.on_not_logged_in,
            account.MustChangePassword: account.on_not_logged_in,
            account.MustEnrol: account.on_not_logged_in,
        },  # type: ignore[arg-type]
        lifespan=[lifespan],
        request_max_body_size=settings.max_body_bytes,
        include_in_schema=False,  # only the JSON API is documented
        openapi_config=openapi_config(settings),
        debug=False,
    )
    app.state.site = site
    app.state.api_schema = apidocs.complete(app.openapi_schema.to_schema(), site)
    # Outside routing, so 404s and refusals are logged, and error pages compressed, too.
    shortcut = StaticShortcut(PageCompression(app.asgi_handler), site, header_list(https=settings.https))
    checked = HostCheck(shortcut, settings.host_names, settings.public_origin, header_list(https=settings.https))
    app.asgi_handler = RequestLog(HeadAsGet(checked))
    return app


def app_from_env() -> Litestar:
    """The factory the ASGI server calls in each worker process (`uvicorn --factory`)."""
    from .process import die_with_supervisor
    from .settings import from_env

    die_with_supervisor()
    settings = from_env()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    return create_app(settings)
