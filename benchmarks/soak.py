"""Crash durability under load, the way durability tests prove it (Jepsen style): concurrent citizens take whole
quizzes against the real server while it is killed with SIGKILL at random moments and restarted; every write the
server acknowledged is recorded, and afterwards each one must be there exactly once and the database must pass its
integrity check. Prints counts; exits 1 when an acknowledged write is missing or stored twice, or the database is
damaged.

    python -m benchmarks.soak [--database-url URL] [--workers N] [--kills K] [--citizens C] [--redis-url URL]

Without --database-url it uses a SQLite file in a temporary folder; with a postgresql:// URL to a server it creates
a throwaway database there and drops it afterwards. Several workers need --redis-url (shared rate limits).

Acknowledged writes: an answer whose POST got its 303 (or 200) response, and a journey that reached its results
page, with the result code shown there. A request that fails because the server is down is sent again once it is
back, as a phone would, a bounded number of times. Each kill goes to the server's whole process group (the uvicorn
master and its workers), so no worker outlives it holding the port."""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from .dashboard import throwaway_database

ROOT = Path(__file__).resolve().parent.parent
ATTEMPT_COOKIE = "attempt"  # server/web/quiz.py, ATTEMPT_COOKIE (no __Host- prefix: HTTPS is off here)
AGE_BANDS = ("15-24", "25-34", "35-44", "45-54", "55-64", "65+")
CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')
QUESTION_FIELD = re.compile(r'name="question" value="([^"]+)"')
SUBMISSION_FIELD = re.compile(r'name="submission" value="([^"]+)"')
OPTION_FIELD = re.compile(r'<input type="(radio|checkbox)" name="option" value="([^"]+)"')
CODE_FIELD = re.compile(r'<p class="code"[^>]*>([^<]+)</p>')
KILL_PAUSE = (2.0, 6.0)  # seconds between kills, uniformly at random
RETRY_PAUSE = 0.5  # seconds between tries while the server is down
MAX_TRIES = 60  # ... so a request gives up after about 30 s without a server
MAX_SERVER_ERRORS = 3  # a 5xx is tried again this many times, as a person taps "send" again
MAX_STEPS = 40  # pages in one journey before it counts as stuck (a topic has 8 questions)
READY_SECONDS = 60  # the server's start (content check, migrations, uvicorn) must take less
FINISH_SECONDS = 60  # after the last restart, citizens finish the journey they are in within this


class JourneyFailed(Exception):
    """The journey cannot go on: the server stayed down, kept failing, or answered something unexpected."""


@dataclass
class Ledger:
    """Everything the citizens saw; `acknowledged` and `finished` are the writes the server confirmed."""

    started: int = 0
    finished: dict[str, str] = field(default_factory=dict)  # attempt public_id -> result code on its results page
    acknowledged: set[tuple[str, str]] = field(default_factory=set)  # (public_id, question_id)
    attempts: set[str] = field(default_factory=set)  # public_ids of the attempts whose start was acknowledged
    failed: Counter[str] = field(default_factory=Counter)  # why journeys failed for good
    server_errors: Counter[str] = field(default_factory=Counter)  # "500 POST /quiz/answer" -> times seen
    retried: int = 0  # requests sent again after a connection failure
    asked_again: int = 0  # a question shown again after its answer was acknowledged: a lost write, seen live


def topic_ids() -> list[str]:
    return [tomllib.loads(path.read_text())["topic"]["id"] for path in sorted((ROOT / "quizzes").glob("*.toml"))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_free(port: int) -> bool:
    """True when nothing listens on the port any more (SO_REUSEADDR, as uvicorn binds: TIME_WAIT does not count)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def live_members(group: int) -> list[int]:
    """Processes of a process group that are still running (zombies hold no socket and are left out)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, _parent, pgrp = stat.rpartition(")")[2].split()[:3]
        if int(pgrp) == group and state != "Z":
            members.append(int(entry.name))
    return members


class Server:
    """`python -m server serve` in a process group of its own, so one killpg reaches the master and its workers."""

    def __init__(self, port: int, workers: int, env: dict[str, str], log: IO[bytes]) -> None:
        self.port, self.workers, self.env, self.log = port, workers, env, log
        self.base = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "server", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--workers", str(self.workers)]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    async def wait_ready(self) -> float:
        started = time.monotonic()
        async with httpx.AsyncClient(base_url=self.base, timeout=2) as client:
            while time.monotonic() - started < READY_SECONDS:
                assert self.process is not None
                if self.process.poll() is not None:
                    raise RuntimeError(f"the server exited with {self.process.returncode}; see its log")
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        return time.monotonic() - started
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError(f"the server did not answer /healthz within {READY_SECONDS} s")

    async def kill(self) -> str:
        """SIGKILL to the whole group; says how many processes it reached and whether the port was free after."""
        assert self.process is not None
        group = self.process.pid
        members = len(live_members(group))
        os.killpg(group, signal.SIGKILL)
        self.process.wait()
        killed = time.monotonic()
        free_at_once = port_free(self.port)
        gone = free = None
        while (gone is None or free is None) and time.monotonic() - killed < 5:
            if gone is None and not live_members(group):
                gone = time.monotonic() - killed
            if free is None and port_free(self.port):
                free = time.monotonic() - killed
            await asyncio.sleep(0.005)

        def after(seconds: float | None) -> str:
            return "NOT within 5 s" if seconds is None else f"after {seconds * 1000:.0f} ms"

        return (
            f"SIGKILL to process group {group} ({members} processes); port free right after the kill: "
            f"{'yes' if free_at_once else 'no'}; all processes gone {after(gone)}, port free {after(free)}"
        )

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


class Citizen:
    """One phone without JavaScript: whole journeys, one after another, each with a fresh cookie jar."""

    def __init__(self, base: str, ledger: Ledger, stopping: asyncio.Event, topics: list[str], seed: int) -> None:
        self.base, self.ledger, self.stopping, self.topics = base, ledger, stopping, topics
        self.rng = random.Random(seed)

    async def run(self) -> None:
        while not self.stopping.is_set():
            self.ledger.started += 1
            try:
                await self.journey()
            except JourneyFailed as failure:
                self.ledger.failed[str(failure)] += 1

    async def send(self, client: httpx.AsyncClient, method: str, url: str, **form: object) -> httpx.Response:
        """The request, sent again while the server is down (bounded) and after a 5xx (counted, bounded)."""
        tries = errors = 0
        while True:
            try:
                response = await client.request(method, url, data=form or None)  # type: ignore[arg-type]
            except httpx.TransportError as exc:
                tries += 1
                if tries >= MAX_TRIES:
                    raise JourneyFailed(f"{method} {url}: no server after {tries} tries") from exc
                self.ledger.retried += 1
                await asyncio.sleep(RETRY_PAUSE)
                continue
            if response.status_code >= 500:
                self.ledger.server_errors[f"{response.status_code} {method} {url}"] += 1
                errors += 1
                if errors > MAX_SERVER_ERRORS:
                    raise JourneyFailed(f"{method} {url}: {response.status_code} {MAX_SERVER_ERRORS + 1} times")
                await asyncio.sleep(RETRY_PAUSE)
                continue
            return response

    async def journey(self) -> None:
        async with httpx.AsyncClient(base_url=self.base, timeout=10) as client:
            page = await self.send(client, "GET", "/start")
            token = field_of(CSRF_FIELD, page, "GET /start")
            started = await self.send(
                client,
                "POST",
                "/start",
                _csrf_token=token,
                consent="yes",
                age_band=self.rng.choice(AGE_BANDS),
                commune="",
                scope=self.rng.choice(self.topics),
            )
            if started.status_code != 303 or ATTEMPT_COOKIE not in client.cookies:
                raise JourneyFailed(f"POST /start: {started.status_code}")
            public_id = client.cookies[ATTEMPT_COOKIE]
            self.ledger.attempts.add(public_id)
            answered: set[str] = set()
            for _ in range(MAX_STEPS):
                page = await self.send(client, "GET", "/quiz")
                if page.status_code == 303 and page.headers.get("location", "").endswith("/results"):
                    break
                if page.status_code != 200:
                    raise JourneyFailed(f"GET /quiz: {page.status_code}")
                question = field_of(QUESTION_FIELD, page, "GET /quiz")
                if question in answered:
                    self.ledger.asked_again += 1
                reply = await self.send(
                    client,
                    "POST",
                    "/quiz/answer",
                    _csrf_token=field_of(CSRF_FIELD, page, "GET /quiz"),
                    question=question,
                    option=self.choose(page),
                    submission=field_of(SUBMISSION_FIELD, page, "GET /quiz"),
                )
                if reply.status_code in (200, 303):
                    answered.add(question)
                    self.ledger.acknowledged.add((public_id, question))
                elif reply.status_code != 409:  # 409: an earlier try, its response lost, finished the attempt
                    raise JourneyFailed(f"POST /quiz/answer: {reply.status_code}")
            else:
                raise JourneyFailed(f"no results after {MAX_STEPS} pages")
            results = await self.send(client, "GET", "/results")
            if results.status_code != 200:
                raise JourneyFailed(f"GET /results: {results.status_code}")
            self.ledger.finished[public_id] = field_of(CODE_FIELD, results, "GET /results")

    def choose(self, page: httpx.Response) -> list[str]:
        """One option of a radio question; a random non-empty set of a checkbox question's."""
        options = OPTION_FIELD.findall(page.text)
        if not options:
            raise JourneyFailed("GET /quiz: a question without options")
        ids = [value for _kind, value in options]
        if options[0][0] == "radio":
            return [self.rng.choice(ids)]
        return self.rng.sample(ids, self.rng.randint(1, len(ids)))


def field_of(pattern: re.Pattern[str], page: httpx.Response, where: str) -> str:
    match = pattern.search(page.text)
    if match is None:
        raise JourneyFailed(f"{where}: {page.status_code} without {pattern.pattern[:30]!r}")
    return match.group(1)


async def results_still_shown(base: str, finished: dict[str, str]) -> tuple[int, int]:
    """How many finished journeys still show the same code on their results page (their own cookie), and how many
    codes still show their levels at /code."""
    same_page = same_code = 0
    gate = asyncio.Semaphore(8)

    async def check(public_id: str, code: str) -> None:
        nonlocal same_page, same_code
        async with gate, httpx.AsyncClient(base_url=base, timeout=10) as client:
            client.cookies.set(ATTEMPT_COOKIE, public_id)
            page = await client.get("/results")
            match = CODE_FIELD.search(page.text)
            same_page += page.status_code == 200 and match is not None and match.group(1) == code
            form = await client.get("/code")
            token = CSRF_FIELD.search(form.text)
            if token:
                shown = await client.post("/code", data={"_csrf_token": token.group(1), "code": code})
                same_code += shown.status_code == 200 and code in shown.text

    await asyncio.gather(*(check(public_id, code) for public_id, code in finished.items()))
    return same_page, same_code


@dataclass
class Stored:
    attempts: dict[str, tuple[int, str, bool, int]]  # public_id -> (id, result_code, finished, questions drawn)
    answers: Counter[tuple[int, str]]  # (attempt id, question_id) -> rows
    with_key: int  # answer rows that kept the submission's idempotency key
    with_results: set[int]  # attempts with topic_result rows
    integrity: str


ATTEMPTS_SQL = "SELECT id, public_id, result_code, finished_at IS NOT NULL, question_ids FROM attempt"
ANSWERS_SQL = "SELECT attempt, question_id, COUNT(*), COUNT(submission_id) FROM answer GROUP BY attempt, question_id"
RESULTS_SQL = "SELECT DISTINCT attempt FROM topic_result"


def stored_rows(rows: list, answers: list, results: list, integrity: str) -> Stored:  # type: ignore[type-arg]
    attempts = {r[1]: (r[0], r[2], bool(r[3]), len([q for q in r[4].split(",") if q])) for r in rows}
    counts = Counter({(a[0], a[1]): a[2] for a in answers})
    return Stored(attempts, counts, sum(a[3] for a in answers), {r[0] for r in results}, integrity)


async def read_database(url: str) -> Stored:
    """The database itself, opened directly once the server has stopped."""
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            integrity = "; ".join(row[0] for row in db.execute("PRAGMA integrity_check"))
            return stored_rows(
                db.execute(ATTEMPTS_SQL).fetchall(),
                db.execute(ANSWERS_SQL).fetchall(),
                db.execute(RESULTS_SQL).fetchall(),
                integrity,
            )
    import asyncpg

    conn = await asyncpg.connect(dsn=url.replace("postgres://", "postgresql://", 1))
    try:
        return stored_rows(
            list(await conn.fetch(ATTEMPTS_SQL)),
            list(await conn.fetch(ANSWERS_SQL)),
            list(await conn.fetch(RESULTS_SQL)),
            "n/a (PostgreSQL)",
        )
    finally:
        await conn.close()


def tracebacks(log_path: Path) -> Counter[str]:
    """The last line of each traceback in the server's output (the exception), counted."""
    found: Counter[str] = Counter()
    lines = log_path.read_text(errors="replace").splitlines()
    for i, line in enumerate(lines):
        if line.startswith("Traceback"):
            rest = (s for s in lines[i + 1 :] if s and not s[0].isspace() and not s.startswith("Traceback"))
            found[next(rest, "?")[:160]] += 1
    return found


async def soak(url: str, args: argparse.Namespace, log_path: Path) -> bool:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "HOST", "PORT", "WORKERS", "HTTPS")}
    env.update(
        DATABASE_URL=url,
        SECRET_KEY=secrets.token_urlsafe(32),
        APP_ENV="test",
        RATE_LIMIT_PER_MINUTE="1000000",
        ATTEMPTS_PER_HOUR="100000",  # the most settings.py accepts
        BURST_CLIENT_PER_HOUR="100000",
        AUTO_RELEASE="false",
        LOG_LEVEL="WARNING",  # errors and tracebacks, not a line per request
    )
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    rng = random.Random(args.seed)
    ledger, stopping, topics = Ledger(), asyncio.Event(), topic_ids()
    with log_path.open("ab") as log:
        server = Server(free_port(), args.workers, env, log)
        began = time.monotonic()
        server.start()
        try:
            print(f"server up in {await server.wait_ready():.1f} s ({args.workers} worker(s), port {server.port})")
            citizens = [
                asyncio.create_task(Citizen(server.base, ledger, stopping, topics, rng.getrandbits(32)).run())
                for _ in range(args.citizens)
            ]
            for kill in range(1, args.kills + 1):
                await asyncio.sleep(rng.uniform(*KILL_PAUSE))
                print(f"kill {kill} at {time.monotonic() - began:5.1f} s: {await server.kill()}")
                server.start()
                print(f"  back up in {await server.wait_ready():.1f} s")
            stopping.set()
            done, cut = await asyncio.wait(citizens, timeout=FINISH_SECONDS)
            for task in cut:
                task.cancel()
            await asyncio.gather(*cut, return_exceptions=True)
            for task in done:
                task.result()  # a bug here, not in the server, should show
            print(f"citizens done at {time.monotonic() - began:5.1f} s ({len(cut)} cut off in a journey)")
            same_page, same_code = await results_still_shown(server.base, ledger.finished)
        finally:
            server.stop()
    return report(ledger, await read_database(url), same_page, same_code, tracebacks(log_path))


def report(ledger: Ledger, stored: Stored, same_page: int, same_code: int, errors: Counter[str]) -> bool:
    """Prints the counts; True when every acknowledged write is there exactly once and the database is sound."""
    ids = {public_id: row[0] for public_id, row in stored.attempts.items()}
    counts = [stored.answers[(ids[p], q)] if p in ids else 0 for p, q in ledger.acknowledged]
    found, missing = counts.count(1), counts.count(0)
    twice = sum(1 for c in counts if c > 1)
    duplicate_rows = sum(n - 1 for n in stored.answers.values() if n > 1)
    finished_stored = sum(
        1
        for p, code in ledger.finished.items()
        if p in stored.attempts and stored.attempts[p][2] and code.replace("-", "") == stored.attempts[p][1]
    )
    finished_ids = {row[0] for row in stored.attempts.values() if row[2]}
    answered = Counter(attempt for attempt, _question in stored.answers.elements())
    unfinished_complete = sum(
        1 for row in stored.attempts.values() if not row[2] and row[3] and answered[row[0]] >= row[3]
    )
    finished = len(ledger.finished)
    ours = {ids[p] for p in ledger.attempts if p in ids}
    acknowledged_keys = {(ids[p], q) for p, q in ledger.acknowledged if p in ids}
    unacknowledged = sum(n for key, n in stored.answers.items() if key[0] in ours and key not in acknowledged_keys)
    print(f"journeys started: {ledger.started}; finished (results page reached): {finished}")
    print(f"journeys failed for good: {sum(ledger.failed.values())} {dict(ledger.failed) or ''}")
    print(f"acknowledged answers: {len(ledger.acknowledged)}; found once: {found}; missing: {missing}; twice: {twice}")
    print(f"duplicate (attempt, question_id) rows in the database: {duplicate_rows}")
    print(f"questions asked again after their answer was acknowledged: {ledger.asked_again}")
    print(f"finished journeys finished in the database with the same code: {finished_stored}/{finished}")
    print(f"  results page still shows the same code: {same_page}/{finished}; /code shows it: {same_code}/{finished}")
    print(f"finished attempts without results: {len(finished_ids - stored.with_results)}")
    print(f"attempts with every answer but not finished: {unfinished_complete}")
    print(f"attempts in the database: {len(stored.attempts)}; answers: {sum(stored.answers.values())}")
    print(
        f"  stored but never acknowledged (the response was lost in a kill): {len(stored.attempts) - len(ours)} "
        f"attempts, {unacknowledged} answers"
    )
    print(f"  answers that kept their submission id (idempotency key): {stored.with_key}")
    print(f"5xx seen by citizens: {sum(ledger.server_errors.values())} {dict(ledger.server_errors) or ''}")
    print(f"tries that found no server (each sent again {RETRY_PAUSE} s later): {ledger.retried}")
    print(f"integrity_check: {stored.integrity}")
    print(f"tracebacks in the server's output: {sum(errors.values())}")
    for exception, times in errors.most_common(10):
        print(f"  {times} x {exception}")
    sound = stored.integrity in ("ok", "n/a (PostgreSQL)")
    return (
        missing == 0
        and twice == 0
        and duplicate_rows == 0
        and finished_stored == finished
        and same_page == finished
        and same_code == finished
        and sound
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="sqlite:///file.db, or postgresql://... (a throwaway database there)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--citizens", type=int, default=16)
    parser.add_argument("--redis-url", help="redis://host:port/db, needed by more than one worker")
    parser.add_argument("--seed", type=int, default=None, help="for the kill times and the citizens' choices")
    parser.add_argument("--server-log", type=Path, help="where the server's output goes (default: a temp file)")
    args = parser.parse_args()
    if not (1 <= args.workers <= 8 and 0 <= args.kills <= 50 and 1 <= args.citizens <= 64):
        parser.error("--workers 1..8, --kills 0..50, --citizens 1..64")
    if args.seed is None:
        args.seed = secrets.randbelow(10**6)
    log_path = args.server_log or Path(tempfile.mkstemp(prefix="soak-server-", suffix=".log")[1])
    print(f"seed {args.seed}; {args.workers} worker(s), {args.kills} kills, {args.citizens} citizens")
    print(f"server output: {log_path}")
    with throwaway_database(args.database_url) as url:
        sound = asyncio.run(soak(url, args, log_path))
    print("PASS: every acknowledged write is there exactly once" if sound else "FAIL: see the counts above")
    sys.exit(0 if sound else 1)


if __name__ == "__main__":
    main()
