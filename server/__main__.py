"""Command line: python -m server serve | migrate | check-content [--json]."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys

from .domain.team import VIETNAM
from .settings import SettingsError, from_env


def _check_content(as_json: bool) -> int:
    """Loads and checks the bank, then its cue statistics (domain/cues.py): either failing exits 1."""
    from .domain.content import BANDS
    from .domain.content_loader import load_bank
    from .domain.cues import topic_cues

    settings = from_env()
    pictures = settings.static_dir / "pictures"
    result = load_bank(settings.content_dir, pictures, today=dt.date.today())

    def svg_of(name: str) -> str | None:
        path = pictures / name
        return path.read_text(encoding="utf-8") if path.is_file() else None

    cues = {t.id: topic_cues(t, svg_of) for t in result.bank.topics} if result.bank else {}
    failed = [c for c in cues.values() if not c.passed]
    if as_json:
        topics = {}
        if result.bank is not None:
            for topic in result.bank.topics:
                by_band = {band.value: len(topic.in_band(band)) for band in BANDS}
                topics[topic.id] = {
                    "questions": len(topic.questions),
                    "retired": len(topic.retired),
                    "by_band": by_band,
                    "lessons": len(topic.lessons),
                    "cues": cues[topic.id].as_json(),
                }
        report = {
            "topics": topics,
            "review_due": {t.id: t.review_due.isoformat() for t in result.bank.topics} if result.bank else {},
            "languages": ["vi", "en"],
            "errors": [str(p) for p in result.errors],
            "warnings": [str(p) for p in result.warnings],
            "cues_passed": not failed,
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for problem in result.problems:
            print(problem)
        if result.bank is not None:
            for topic in result.bank.topics:
                print(
                    f"{topic.id}: {len(topic.questions)} questions ({len(topic.retired)} retired), "
                    f"{len(topic.lessons)} lessons, reviewed {topic.reviewed.isoformat()}, "
                    f"due for review {topic.review_due.isoformat()}"
                )
                for figure in cues[topic.id].figures:
                    print(f"  cue {figure.describe()}")
                for problem in cues[topic.id].names:
                    print(f"  cue FAIL {problem}")
        print(
            f"{len(result.errors)} error(s), {len(result.warnings)} warning(s), "
            f"{len(failed)} topic(s) with a cue far from chance"
        )
    return 1 if result.errors or failed else 0


def _migrate() -> int:
    from .db.engine import engine_for, migrate

    settings = from_env()
    asyncio.run(migrate(engine_for(settings.database_url)))
    print("database is up to date")
    return 0


def _create_user(role: str, username: str, area: str | None) -> int:
    """Reads the password from standard input (one line), so scripts can pipe it in and it never shows in `ps`."""
    import datetime as dt

    from .db import staff as staff_db
    from .db.engine import bind, engine_for, start, stop
    from .domain.areas import load_territory
    from .domain.passwords import WeakPassword
    from .domain.staff import InvalidUsername, Role, imitated, normalize_username
    from .hashing import Hasher, password_policy

    settings = from_env()
    try:
        name = normalize_username(username)
        kind = Role(role)
    except (InvalidUsername, ValueError):
        print(
            "error: the username needs 3 to 40 Latin letters, digits, '.', '_' or '-'; "
            "the role is admin, official or team",
            file=sys.stderr,
        )
        return 2
    territory = load_territory(settings.map_file, settings.province)
    if not territory.is_scope(area):
        kinds = "a commune or province code" if territory.national else "a current commune code"
        print(f"error: area {area!r} is not {kinds} of {territory.name.en}", file=sys.stderr)
        return 2
    if kind == Role.TEAM and (area is None or territory.commune(area) is None):
        print("error: a team member belongs to a commune: give --area CODE", file=sys.stderr)
        return 2
    if sys.stdin.isatty():
        import getpass

        password = getpass.getpass("Password: ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        password = password_policy().check(password, name)
    except WeakPassword as weak:
        messages = {
            "too_short": "at least 8 characters",
            "too_long": "at most 128 characters",
            "common": "it is on the list of common passwords",
            "like_username": "it contains the username",
        }
        print(f"error: password refused: {messages[weak.reason]}", file=sys.stderr)
        return 2

    async def create() -> int:
        engine = engine_for(settings.database_url)
        bind(engine)
        await start(engine)
        try:
            if await staff_db.username_taken(name):
                print(f"error: user {name!r} exists already", file=sys.stderr)
                return 2
            other = imitated(name, [u.username for u in await staff_db.all_users()])
            if other:
                print(f"error: {name!r} looks too much like the existing user {other!r}", file=sys.stderr)
                return 2
            hashed = Hasher.from_settings(settings).hash(password)
            await staff_db.create(name, hashed, kind, area, now=dt.datetime.now(dt.UTC))
        finally:
            await stop(engine)
        print(f"created {kind.value} {name!r}" + (f" for area {area}" if area else ""))
        return 0

    _migrate()
    return asyncio.run(create())


def _demo_data(count: int, seed: int) -> int:
    import time

    from .app import load_content
    from .demo import write
    from .domain.areas import load_territory

    settings = from_env()
    started = time.perf_counter()
    asyncio.run(
        write(
            settings.database_url,
            load_content(settings),
            load_territory(settings.map_file, settings.province),
            count,
            seed,
        )
    )
    print(f"wrote {count} synthetic attempts in {time.perf_counter() - started:.1f} s")
    return _release(None)


def _release(period: str | None) -> int:
    """Publishes due releases, or one month's; a month not closed, not a month, or published already is refused
    with a message and nothing changes."""
    from .app import load_content
    from .db.engine import bind, engine_for, start, stop
    from .domain.areas import load_territory
    from .domain.release import ReleaseRefused, due_at
    from .publishing import publish_due, publish_month

    settings = from_env()
    bank, territory = load_content(settings), load_territory(settings.map_file, settings.province)
    now = dt.datetime.now(dt.UTC)

    async def run() -> list[str]:
        engine = engine_for(settings.database_url)
        bind(engine)
        await start(engine)
        try:
            if period is None:
                return await publish_due(settings, bank, territory, now)
            return [(await publish_month(settings, bank, territory, period, now)).period]
        finally:
            await stop(engine)

    _migrate()
    try:
        done = asyncio.run(run())
    except ReleaseRefused as refused:
        if refused.reason == "unknown_period":
            print(f"error: {refused.period!r} is not a month: write it as YYYY-MM, e.g. 2026-11", file=sys.stderr)
        elif refused.reason == "not_closed":
            due = due_at(refused.period, settings.release_grace_days).astimezone(VIETNAM)
            print(
                f"error: {refused.period} has not closed yet: its release can be computed from {due:%Y-%m-%d %H:%M} "
                f"Vietnam time (the month's end plus RELEASE_GRACE_DAYS={settings.release_grace_days} days)",
                file=sys.stderr,
            )
        else:
            print(f"error: {refused.period} is published already; a release is never computed again", file=sys.stderr)
        return 1
    for month in done:
        print(f"published the release of {month}")
    if not done:
        print("no release is due")
    return 0


def _serve(host: str | None, port: int | None, workers: int | None) -> int:
    import uvicorn

    from .app import load_content, load_places
    from .domain.areas import AreasError
    from .domain.content_loader import BankError
    from .domain.dashboard import TargetsError

    settings = from_env()
    try:
        load_content(settings)  # refuse to start on broken content, before any worker starts
        load_places(settings)
    except BankError as exc:
        print("The quiz content has errors; the app will not start:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except (AreasError, TargetsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    count = workers or settings.workers
    if count > 1 and not settings.redis_url:
        print(
            f"error: {count} workers need REDIS_URL: staff sessions, login throttling and rate limits live in each "
            "process's memory otherwise, and officials would be logged out at random. Set REDIS_URL=redis://... or "
            "run one worker.",
            file=sys.stderr,
        )
        return 2
    _migrate()  # once, here, not in every worker
    import os

    # Each worker reads its settings anew: the address given here is the one its default PUBLIC_ORIGIN and
    # allowed hosts are made from (settings.py), as if HOST and PORT had been set.
    os.environ.update({"HOST": host or settings.host, "PORT": str(port or settings.port)})
    if count > 1:
        from .process import SUPERVISOR

        os.environ[SUPERVISOR] = str(os.getpid())
    uvicorn.run(
        "server.app:app_from_env",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=count,
        # X-Forwarded-For is believed only from the proxies named: the login throttle's per-address bucket and the
        # request limit count the real client, not the proxy that every client shares.
        proxy_headers=bool(settings.forwarded_allow_ips) or settings.https,
        forwarded_allow_ips=settings.forwarded_allow_ips or "127.0.0.1",
        server_header=False,
        access_log=False,  # it holds client addresses and query strings; server/web/requestlog.py logs instead
        log_level=settings.log_level.lower(),
        timeout_graceful_shutdown=10,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m server", description="Kỹ Năng Số")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="migrate the database, then run the web app")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int)
    commands.add_parser("migrate", help="apply database migrations")
    demo = commands.add_parser("demo-data", help="write synthetic attempts (for demos and benchmarks)")
    demo.add_argument("--attempts", type=int, required=True)
    demo.add_argument("--seed", type=int, default=1)
    user = commands.add_parser("create-user", help="create a staff account; the password is read from stdin")
    user.add_argument("--role", required=True, choices=["admin", "official", "team"])
    user.add_argument("--username", required=True)
    user.add_argument(
        "--area",
        help="commune code (required for team members), or in a national deployment a province code; "
        "none means all the deployment serves",
    )
    release = commands.add_parser("release", help="publish the statistics of closed months (due releases)")
    release.add_argument("--period", help="one month, YYYY-MM (default: every closed month without a release)")
    check = commands.add_parser("check-content", help="validate quizzes/")
    check.add_argument("--json", action="store_true", help="print a JSON summary")
    args = parser.parse_args(argv)
    try:
        if args.command == "serve":
            return _serve(args.host, args.port, args.workers)
        if args.command == "migrate":
            return _migrate()
        if args.command == "demo-data":
            if not 1 <= args.attempts <= 10_000_000:
                parser.error("--attempts must be between 1 and 10,000,000")
            return _demo_data(args.attempts, args.seed)
        if args.command == "release":
            return _release(args.period)
        if args.command == "create-user":
            return _create_user(args.role, args.username, args.area)
        return _check_content(args.json)
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
