"""Load: the quiz step against a bare handler (issue 10). Prints numbers; asserts nothing.

    python -m benchmarks.load [--database-url URL] [--server uvicorn|uvicorn-h11|granian|all] [--workers N]
                              [--seconds S] [--connections C] [--mixed-seconds M] [--citizens K]
                              [--accept-encoding E] [--mixed-encoding E] [--app-dir DIR] [--keep-logs DIR]

For each server configuration it starts, on free loopback ports, the bare Litestar handler of benchmarks/bare.py
and the real app, both under the same ASGI server with the same settings:

- uvicorn      `python -m server serve` (what production runs: uvicorn, which takes uvloop and httptools when
               they are installed) and `python -m uvicorn benchmarks.bare:create --factory` with serve's options;
- uvicorn-h11  `python -m uvicorn server.app:app_from_env --factory --loop asyncio --http h11` (uvicorn's pure
               Python parts), after `python -m server migrate`;
- granian      `granian --interface asgi --factory server.app:app_from_env`, after `python -m server migrate`;
- all          all three at once, side by side.

The app runs with a fresh database (a SQLite file in a temporary folder; with a postgresql:// --database-url, a
throwaway database on that server, dropped afterwards; another URL is used as it is), APP_ENV=test and rate limits
out of the way. With httpx, as a browser would, it starts 2 x K attempts (K = 200: GET /start for the CSRF cookie
and field, POST /start with consent, age band 35-44, no commune, the full check), reads each one's remaining
questions from /quiz/pack and keeps, for each citizen, its cookies and an answer form body (CSRF field, question,
option, a fresh submission id) for every remaining question but the last, so that no attempt is ever finished.
wrk (two threads, `--latency`; the machine has two cores, which it shares with the servers) then sends, S seconds
(20) each, with `Accept-Encoding: br, gzip` like a phone:

- bare           GET / of the bare handler, first and again last ("bare again"): ratios use their mean;
- landing        GET / of the app (a first visit: no cookie);
- static         GET of the content-hashed CSS file the landing page links to;
- quiz GET       GET /quiz with the cookies of one of the first K citizens, a different one each request;
- answer POST    POST /quiz/answer with `HX-Request: true`, citizen after citizen, each one's next question in
                 turn, so that every post answers its attempt's current question until the bodies run out; then
                 they start again, answering answered questions (the app ignores those and shows the question);

and last a mixed run of M seconds (60) of the four app kinds in turn with `Accept-Encoding: br` on the other K
citizens, with the resident memory (VmRSS) of the app's server process and its children before and after. Each kind
is measured on every configuration in turn, so that other work on the machine weighs on them alike. For each:
requests per second, p50 and p99, non-2xx/3xx responses, wrk's socket errors, the statuses seen, and the ratio to
the bare handler under the same server; how many answer posts recorded an answer (from the packs); the app's log
scanned for tracebacks, ERROR lines (placed in the run they happened in) and 5xx in its request log.
`--app-dir` serves the app from another checkout (`git archive HEAD | tar -x -C DIR` gives a baseline while the
working tree changes). Every request goes to 127.0.0.1, for a bounded time."""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx

from .dashboard import throwaway_postgres

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
OPTION = re.compile(r'name="option" value="([^"]+)"')
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')
REQUEST_LOG = re.compile(r"kynangso\.request\b.*?\b(GET|POST|HEAD|PUT|PATCH|DELETE|OPTIONS) (\S+) (\d{3}) ")
WRK_THREADS = 2
KINDS = ("bare", "landing", "static", "quiz GET", "answer POST")
CONFIGS = ("uvicorn", "uvicorn-h11", "granian")
UVICORN_AS_SERVE = [  # what `python -m server serve` passes to uvicorn.run (server/__main__.py), as options
    "--no-server-header",
    "--no-access-log",
    "--no-proxy-headers",
    "--log-level",
    "info",
    "--timeout-graceful-shutdown",
    "10",
]
WINDOWS: list[tuple[str, str, float, float]] = []  # (config, kind, start, end) of each wrk run: places the errors
GOALS = {"quiz GET": 0.50, "answer POST": 0.25, "static": 0.50}
P99_GOAL_MS = 100.0


# --- the servers -------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def uvicorn_parts() -> str:
    fast = importlib.util.find_spec("uvloop") and importlib.util.find_spec("httptools")
    return "uvloop + httptools" if fast else "asyncio + h11"


def describe(config: str) -> str:
    return {
        "uvicorn": f"uvicorn via `python -m server serve` ({uvicorn_parts()})",
        "uvicorn-h11": "uvicorn --loop asyncio --http h11",
        "granian": "granian --interface asgi",
    }[config]


def commands(config: str, target: str, port: int, workers: int) -> list[str]:
    """The command that serves `target` ("server.app:app_from_env" or the bare handler) under `config`."""
    where = ["--host", HOST, "--port", str(port), "--workers", str(workers)]
    if config == "granian":
        return [sys.executable, "-m", "granian", "--interface", "asgi", "--factory", *where, target]
    if config == "uvicorn" and target.startswith("server."):
        return [sys.executable, "-m", "server", "serve", *where]
    slow = ["--loop", "asyncio", "--http", "h11"] if config == "uvicorn-h11" else []
    return [sys.executable, "-m", "uvicorn", target, "--factory", *where, *UVICORN_AS_SERVE, *slow]


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"


def app_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "load-benchmark-" + "k" * 40,
        "APP_ENV": "test",
        "HTTPS": "false",
        "RATE_LIMIT_PER_MINUTE": "1000000",
        "ATTEMPTS_PER_HOUR": "100000",  # the most the settings allow
        "BURST_CLIENT_PER_HOUR": "100000",
        "AUTO_RELEASE": "false",
    }


def launch(name: str, command: list[str], env: dict[str, str], log: Path, ready_path: str, cwd: Path) -> Server:
    port = int(command[command.index("--port") + 1])
    with log.open("wb") as out:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(name, process, port, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(server.base + ready_path, timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop(server)
    raise RuntimeError(f"{name} did not answer within 60 s:\n{log.read_text()[-3000:]}")


def stop(server: Server) -> None:
    """Ends the server's process group (it was started in a session of its own), gently first."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGTERM)
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=5)


def process_tree(pid: int) -> list[tuple[int, int, str, int, int, int]]:
    """(pid, VmRSS in KiB, command name, RssAnon, RssFile + RssShmem, threads) of `pid` and its descendants."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rpartition(")")[2].split()[1])
    tree, frontier = [pid], [pid]
    while frontier:
        frontier = [child for child, parent in parents.items() if parent in frontier]
        tree.extend(frontier)
    rows = []
    for member in tree:
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        kib = {key: int(fields.get(key, "0 kB").split()[0]) for key in ("VmRSS", "RssAnon", "RssFile", "RssShmem")}
        name = fields.get("Name", "?").strip()
        threads = int(fields.get("Threads", "0"))
        rows.append((member, kib["VmRSS"], name, kib["RssAnon"], kib["RssFile"] + kib["RssShmem"], threads))
    return rows


def rss_line(server: Server) -> tuple[str, float, float]:
    """A readable line, the total and the largest process, in MB."""
    rows = process_tree(server.process.pid)
    parts = ", ".join(
        f"{name}[{pid}] {rss / 1024:.0f} MB: {anon / 1024:.0f} anonymous, {mapped / 1024:.0f} file/shared, "
        f"{threads} threads"
        for pid, rss, name, anon, mapped, threads in rows
        if rss
    )
    total = sum(row[1] for row in rows) / 1024
    largest = max((row[1] for row in rows), default=0) / 1024
    return f"{total:.0f} MB in all ({parts})", total, largest


def memory_note(server: Server) -> str:
    """All the server's processes together: '593 MB (561 anonymous, 33 file/shared, 12 threads)'."""
    rows = process_tree(server.process.pid)
    rss, anon, mapped, threads = (sum(row[i] for row in rows) for i in (1, 3, 4, 5))
    return f"{rss / 1024:.0f} MB ({anon / 1024:.0f} anonymous, {mapped / 1024:.0f} file/shared, {threads} threads)"


def scan_log(log: Path, config: str) -> dict[str, object]:
    """Tracebacks, error lines and the app's request log by status class."""
    text = log.read_text(errors="replace")
    lines = text.splitlines()
    statuses = Counter(match.group(3) for match in map(REQUEST_LOG.search, lines) if match)
    server_errors = Counter(
        f"{m.group(1)} {m.group(2)} {m.group(3)}"
        for m in map(REQUEST_LOG.search, lines)
        if m and m.group(3).startswith("5")
    )
    errors = [line for line in lines if " ERROR " in line or " CRITICAL " in line or line.startswith("ERROR")]
    when = Counter(during(line, config) for line in errors)
    tracebacks = []
    for index, line in enumerate(lines):
        if line.startswith("Traceback"):
            block = [line]
            for following in lines[index + 1 : index + 60]:
                block.append(following)
                if following and not following.startswith((" ", "\t", "Traceback", "During", "The above")):
                    break
            tracebacks.append("\n".join(block))
    return {
        "request_log": dict(statuses),
        "server_errors": dict(server_errors),
        "error_lines": errors,
        "errors_when": dict(when),
        "tracebacks": tracebacks,
        "exceptions": dict(Counter(block.splitlines()[-1][:200] for block in tracebacks)),
    }


def during(line: str, config: str) -> str:
    """Which wrk run a log line's time falls in, and whether in its last second (wrk hangs up on the requests
    still in flight when its time is up)."""
    match = re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}", line)
    if not match:
        return "no time"
    at = time.mktime(time.strptime(match.group(0)[:19], "%Y-%m-%d %H:%M:%S")) + int(match.group(0)[20:]) / 1000
    for measured, kind, began, ended in WINDOWS:
        if measured == config and began - 1 <= at <= ended + 1:
            return f"{kind}, {'its last second' if at >= ended - 1.5 else 'during the run'}"
    return "outside the runs"


# --- the citizens ------------------------------------------------------------------------------------------------


@dataclass
class Citizen:
    cookie: str  # the Cookie header: the attempt cookie and the CSRF cookie
    bodies: list[str] = field(default_factory=list)  # an answer form for each remaining question but the last


def answer_body(token: str, question: str, option: str) -> str:
    return urlencode(
        [("_csrf_token", token), ("question", question), ("option", option), ("submission", secrets.token_urlsafe(16))]
    )


def remaining(base: str, cookie: str) -> list[dict[str, str]]:
    response = httpx.get(base + "/quiz/pack", headers={"Cookie": cookie}, timeout=30)
    response.raise_for_status()
    return response.json()["questions"]


def new_citizen(base: str) -> Citizen:
    with httpx.Client(base_url=base, timeout=30, follow_redirects=False) as client:
        page = client.get("/start")
        match = CSRF.search(page.text)
        if page.status_code != 200 or not match:
            raise RuntimeError(f"GET /start: {page.status_code}")
        token = match.group(1)
        form = {"_csrf_token": token, "consent": "yes", "age_band": "35-44", "commune": "", "scope": "full"}
        started = client.post("/start", data=form)
        if started.status_code != 303:
            raise RuntimeError(f"POST /start: {started.status_code} {started.text[:300]}")
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    questions = remaining(base, cookie)
    bodies = [answer_body(token, q["id"], OPTION.findall(q["html"])[0]) for q in questions[:-1]]
    return Citizen(cookie, bodies)


def answer_headers(cookie: str, encoding: str) -> dict[str, str]:
    return {
        "Cookie": cookie,
        "HX-Request": "true",
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept-Encoding": encoding,
    }


def prepare(base: str, count: int) -> list[Citizen]:
    with ThreadPoolExecutor(max_workers=8) as pool:
        citizens = list(pool.map(lambda _: new_citizen(base), range(count)))
    # Check the very bytes wrk will send, once per citizen of the first two: their first answer must be taken.
    for citizen in citizens[:2]:
        body = citizen.bodies.pop(0)
        response = httpx.post(
            base + "/quiz/answer", content=body, headers=answer_headers(citizen.cookie, "br, gzip"), timeout=30
        )
        if response.status_code != 200 or 'name="question"' not in response.text:
            raise RuntimeError(f"a prepared answer was refused: {response.status_code} {response.text[:300]}")
    return citizens


def unanswered(base: str, citizens: list[Citizen]) -> int:
    """How many questions the citizens' attempts have left in all, from their packs."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        return sum(pool.map(lambda c: len(remaining(base, c.cookie)), citizens))


# --- wrk ---------------------------------------------------------------------------------------------------------

LUA = r"""
-- generated by benchmarks/load.py
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  local plan = PLAN[((tid - 1) % #PLAN) + 1]
  streams, counters, statuses, turn = {}, {}, {}, 0
  for s, stream in ipairs(plan) do
    streams[s], counters[s] = {}, 0
    for i, r in ipairs(stream) do
      local headers = { ["Accept-Encoding"] = ENCODING }
      if r[3] ~= "" then headers["Cookie"] = r[3] end
      local body = nil
      if r[4] ~= "" then
        body = r[4]
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["HX-Request"] = "true"
      end
      streams[s][i] = wrk.format(r[1], r[2], headers, body)
    end
  end
end

function request()
  turn = turn % #streams + 1
  local stream = streams[turn]
  counters[turn] = counters[turn] % #stream + 1
  return stream[counters[turn]]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local seen = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, n in pairs(counts) do
      seen[status] = (seen[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(seen) do
    table.insert(parts, string.format('"%d": %d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout, e.status, table.concat(parts, ", ")))
end
"""


def lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def lua_plan(plan: list[list[list[tuple[str, str, str, str]]]]) -> str:
    """PLAN[thread][stream][i] = {method, path, cookie, body} ("" for none)."""
    threads = []
    for streams in plan:
        rendered = []
        for stream in streams:
            rows = ",\n".join("{" + ", ".join(lua_string(part) for part in row) + "}" for row in stream)
            rendered.append("{\n" + rows + "\n}")
        threads.append("{\n" + ",\n".join(rendered) + "\n}")
    return "PLAN = {\n" + ",\n".join(threads) + "\n}\n"


@dataclass
class Result:
    kind: str
    rps: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    requests: int
    bad: int  # non-2xx/3xx responses
    socket_errors: int
    statuses: dict[str, int]
    ratio: float | None = None


def run_wrk(
    config: str,
    kind: str,
    base: str,
    plan: list[list[list[tuple[str, str, str, str]]]],
    args: argparse.Namespace,
    *,
    seconds: int,
    encoding: str,
    folder: Path,
) -> Result:
    script = folder / f"{re.sub(r'[^a-z]+', '-', kind)}.lua"
    script.write_text(f"ENCODING = {lua_string(encoding)}\n" + lua_plan(plan) + LUA)
    threads = min(WRK_THREADS, args.connections)
    command = [
        shutil.which("wrk") or "wrk",
        "-t",
        str(threads),
        "-c",
        str(args.connections),
        "-d",
        f"{seconds}s",
        "--timeout",
        "10s",
    ]
    command += ["--latency", "-s", str(script), base]
    began = time.time()
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120, check=False)
    WINDOWS.append((config, kind, began, time.time()))
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result for {kind}:\n{done.stdout}\n{done.stderr}")
    data = json.loads(line.removeprefix("RESULT "))
    statuses = {k: data["statuses"][k] for k in sorted(data["statuses"])}
    return Result(
        kind=kind,
        rps=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        requests=data["requests"],
        bad=data["status"],
        socket_errors=data["connect"] + data["read"] + data["write"] + data["timeout"],
        statuses=statuses,
    )


def split(items: list[Citizen], threads: int) -> list[list[Citizen]]:
    return [items[t::threads] for t in range(threads)]


def answer_stream(citizens: list[Citizen]) -> list[tuple[str, str, str, str]]:
    """Citizen after citizen, each one's next remaining question: round r holds every citizen's r-th body."""
    rows = []
    for round_ in range(max(len(c.bodies) for c in citizens)):
        rows += [("POST", "/quiz/answer", c.cookie, c.bodies[round_]) for c in citizens if round_ < len(c.bodies)]
    return rows


def quiz_stream(citizens: list[Citizen]) -> list[tuple[str, str, str, str]]:
    return [("GET", "/quiz", c.cookie, "") for c in citizens]


# --- one configuration -------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    config: str
    label: str
    results: dict[str, Result]
    mixed: Result
    rss: list[tuple[str, str, float, float]]  # (when, line, total MB, largest process MB)
    logs: dict[str, dict[str, object]]
    answers: list[str]


@contextlib.contextmanager
def throwaway_database(database_url: str | None, folder: Path) -> Iterator[str]:
    """A fresh database for one configuration: a new database on a PostgreSQL server (dropped afterwards) for a
    postgresql:// URL, the given SQLite URL itself, or a SQLite file in `folder`."""
    if database_url and database_url.startswith(("postgresql://", "postgres://")):
        with throwaway_postgres(database_url, "kns_load") as url:
            yield url
    else:
        yield database_url or f"sqlite:///{folder / 'load.db'}"


@dataclass
class Stand:
    """One configuration: its bare handler and app servers, and the app's prepared citizens."""

    config: str
    label: str
    folder: Path
    bare: Server
    app: Server
    steady: list[Citizen] = field(default_factory=list)
    mixed_pool: list[Citizen] = field(default_factory=list)
    css: str = ""
    results: dict[str, Result] = field(default_factory=dict)
    rss: list[tuple[str, str, float, float]] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    rss_after: dict[str, str] = field(default_factory=dict)  # the app's memory after each kind


def start_stand(config: str, args: argparse.Namespace, folder: Path, stack: contextlib.ExitStack) -> Stand:
    label = f"{describe(config)}, {args.workers} worker(s)"
    url = stack.enter_context(throwaway_database(args.database_url, folder))
    env = app_env(url)
    if config != "uvicorn":  # `serve` migrates by itself; the others do not
        subprocess.run(
            [sys.executable, "-m", "server", "migrate"], cwd=args.app_dir, env=env, check=True, capture_output=True
        )
    bare = launch(
        "bare",
        commands(config, "benchmarks.bare:create", free_port(), args.workers),
        env,
        folder / "bare.log",
        "/",
        ROOT,
    )
    stack.callback(stop, bare)
    app_command = commands(config, "server.app:app_from_env", free_port(), args.workers)
    app = launch("app", app_command, env, folder / "app.log", "/healthz", args.app_dir)
    stack.callback(stop, app)
    print(f"   {label}: database {url.split('@')[-1]}, app on {app.base}, bare handler on {bare.base}", flush=True)
    return Stand(config, label, folder, bare, app)


def prepare_stand(stand: Stand, args: argparse.Namespace) -> None:
    started = time.monotonic()
    pool = prepare(stand.app.base, 2 * args.citizens)
    stand.steady, stand.mixed_pool = pool[: args.citizens], pool[args.citizens :]
    stylesheet = STYLESHEET.search(httpx.get(stand.app.base + "/", timeout=30).text)
    if not stylesheet:
        raise RuntimeError("the landing page links no stylesheet")
    stand.css = stylesheet.group(1)
    print(
        f"   {stand.config}: {len(pool)} attempts prepared in {time.monotonic() - started:.1f} s; "
        f"stylesheet {stand.css}",
        flush=True,
    )
    stand.rss.append(("idle, after preparing", *rss_line(stand.app)))


def show(stand: Stand, result: Result) -> None:
    print(
        f"   {stand.config:12} {result.kind:12} {result.rps:8.0f} req/s  p50 {result.p50_ms:6.1f} ms  "
        f"p99 {result.p99_ms:7.1f} ms  non-2xx/3xx {result.bad}  socket errors {result.socket_errors}  "
        f"{result.statuses}",
        flush=True,
    )


def run_kind(stand: Stand, kind: str, args: argparse.Namespace) -> Result:
    threads = min(WRK_THREADS, args.connections)
    app, steady = stand.app, stand.steady
    plans = {
        "bare": (stand.bare.base, [[[("GET", "/", "", "")]]]),
        "bare again": (stand.bare.base, [[[("GET", "/", "", "")]]]),
        "landing": (app.base, [[[("GET", "/", "", "")]]]),
        "static": (app.base, [[[("GET", stand.css, "", "")]]]),
        "quiz GET": (app.base, [[quiz_stream(part)] for part in split(steady, threads)]),
        "answer POST": (app.base, [[answer_stream(part)] for part in split(steady, threads)]),
    }
    base, plan = plans[kind]
    before = unanswered(app.base, steady) if kind == "answer POST" else 0
    result = run_wrk(
        stand.config, kind, base, plan, args, seconds=args.seconds, encoding=args.accept_encoding, folder=stand.folder
    )
    if kind == "answer POST":
        recorded = before - unanswered(app.base, steady)
        fresh = sum(len(c.bodies) for c in steady)
        stand.answers.append(f"steady: {result.requests} posts, {recorded} recorded an answer (of {fresh} prepared)")
    return result


def run_mixed(stand: Stand, args: argparse.Namespace) -> Result:
    threads = min(WRK_THREADS, args.connections)
    stand.rss.append(("before the mixed run", *rss_line(stand.app)))
    plan = [
        [quiz_stream(part), answer_stream(part), [("GET", stand.css, "", "")], [("GET", "/", "", "")]]
        for part in split(stand.mixed_pool, threads)
    ]
    before = unanswered(stand.app.base, stand.mixed_pool)
    mixed = run_wrk(
        stand.config,
        "mixed",
        stand.app.base,
        plan,
        args,
        seconds=args.mixed_seconds,
        encoding=args.mixed_encoding,
        folder=stand.folder,
    )
    recorded = before - unanswered(stand.app.base, stand.mixed_pool)
    stand.answers.append(f"mixed: about {mixed.requests // 4} posts, {recorded} recorded an answer")
    stand.rss.append(
        (f"after {args.mixed_seconds} s mixed, Accept-Encoding: {args.mixed_encoding}", *rss_line(stand.app))
    )
    return mixed


def run_all(configs: tuple[str, ...], args: argparse.Namespace, folder: Path) -> list[Outcome]:
    """Every configuration's servers run at once (idle while another is measured), and each kind is measured on
    each configuration in turn, so that the other work on the machine weighs on them alike."""
    with contextlib.ExitStack() as stack:
        stands = []
        for config in configs:
            sub = folder / config
            sub.mkdir()
            if args.keep_logs:
                stack.callback(keep_logs, sub, args.keep_logs, config)
            stands.append(start_stand(config, args, sub, stack))
        for stand in stands:
            prepare_stand(stand, args)
        for kind in (*KINDS, "bare again"):
            load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
            print(f"   -- {kind} (load average {load})", flush=True)
            for stand in stands:
                stand.results[kind] = result = run_kind(stand, kind, args)
                show(stand, result)
                if not kind.startswith("bare"):
                    stand.rss_after[kind] = memory_note(stand.app)
        outcomes = []
        for stand in stands:
            bare = (stand.results["bare"].rps + stand.results["bare again"].rps) / 2
            for result in stand.results.values():
                result.ratio = result.rps / bare
            load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
            print(f"   -- mixed (load average {load})", flush=True)
            mixed = run_mixed(stand, args)
            mixed.ratio = mixed.rps / bare
            show(stand, mixed)
            growth = ", ".join(f"{kind} {line}" for kind, line in stand.rss_after.items())
            stand.rss.insert(1, ("after each kind in turn", growth, 0.0, 0.0))
            for when, line, _, _ in stand.rss:
                print(f"   {stand.config} RSS {when}: {line}", flush=True)
            logs = {"app": scan_log(stand.app.log, stand.config), "bare": scan_log(stand.bare.log, stand.config)}
            outcomes.append(Outcome(stand.config, stand.label, stand.results, mixed, stand.rss, logs, stand.answers))
        return outcomes


def keep_logs(folder: Path, into: Path, config: str) -> None:
    into.mkdir(parents=True, exist_ok=True)
    for log in folder.glob("*.log"):
        shutil.copy(log, into / f"{config}-{log.name}")


# --- the report --------------------------------------------------------------------------------------------------


def report(outcomes: list[Outcome], args: argparse.Namespace) -> None:
    database = "PostgreSQL" if (args.database_url or "").startswith("postgres") else "SQLite"
    print(
        f"\n### {database}, {args.workers} worker(s), {args.connections} connections, {args.seconds} s per kind, "
        f"Accept-Encoding: {args.accept_encoding} (mixed: {args.mixed_encoding})\n"
    )
    for outcome in outcomes:
        print(f"{outcome.label}:\n")
        print("| kind | req/s | p50 | p99 | non-2xx/3xx | socket errors | ratio to bare | goal | statuses |")
        print("|---|---|---|---|---|---|---|---|---|")
        for kind in (*KINDS, "bare again"):
            r = outcome.results[kind]
            goal = f"≥ {GOALS[kind]:.0%}" if kind in GOALS else ""
            if goal:
                ok = (r.ratio or 0) >= GOALS[kind] and r.p99_ms <= P99_GOAL_MS
                goal += ", p99 ≤ 100 ms: " + ("met" if ok else "missed")
            statuses = ", ".join(f"{k}: {v}" for k, v in r.statuses.items())
            ratio = f"{r.ratio:.0%}"
            print(
                f"| {kind} | {r.rps:,.0f} | {r.p50_ms:.1f} ms | {r.p99_ms:.1f} ms | {r.bad} | {r.socket_errors} | "
                f"{ratio} | {goal} | {statuses} |"
            )
        m = outcome.mixed
        statuses = ", ".join(f"{k}: {v}" for k, v in m.statuses.items())
        print(
            f"| mixed ({args.mixed_seconds} s, {args.mixed_encoding}) | {m.rps:,.0f} | {m.p50_ms:.1f} ms | "
            f"{m.p99_ms:.1f} ms | {m.bad} | {m.socket_errors} | {m.ratio:.0%} | | {statuses} |\n"
        )
        for when, line, _, _ in outcome.rss:
            print(f"- RSS {when}: {line}")
        for line in outcome.answers:
            print(f"- answer posts, {line}")
        for name, scanned in outcome.logs.items():
            request_log = scanned["request_log"]
            summary = f"request log by status {request_log}" if request_log else "no request log lines"
            print(
                f"- {name} server log: {summary}; {len(scanned['tracebacks'])} traceback(s), "  # type: ignore[arg-type]
                f"{len(scanned['error_lines'])} ERROR line(s)"  # type: ignore[arg-type]
            )
            if scanned["server_errors"]:
                print(f"  5xx in the request log: {scanned['server_errors']}")
            if scanned["exceptions"]:
                print(f"  tracebacks end in: {scanned['exceptions']}")
            if scanned["errors_when"]:
                print(f"  ERROR lines by run: {scanned['errors_when']}")
            messages = Counter(line.rpartition(" - ")[2][:200] for line in scanned["error_lines"])  # type: ignore[attr-defined]
            for message, count in messages.most_common(3):
                print(f"  ERROR x{count}: {message}")
        print()
    if len(outcomes) > 1:
        print("Side by side (req/s, ratio to the bare handler under the same server, p99):\n")
        print("| kind | " + " | ".join(o.label for o in outcomes) + " |")
        print("|---|" + "---|" * len(outcomes))
        for kind in (*KINDS, "bare again", "mixed"):
            cells = []
            for o in outcomes:
                r = o.mixed if kind == "mixed" else o.results[kind]
                ratio = "" if kind.startswith("bare") else f" ({r.ratio:.0%})"
                cells.append(f"{r.rps:,.0f}{ratio}, p99 {r.p99_ms:.0f} ms")
            print(f"| {kind} | " + " | ".join(cells) + " |")
        rss_cells = [f"{o.rss[0][3]:.0f} → {o.rss[-1][3]:.0f} MB" for o in outcomes]
        print("| largest process RSS, idle → after mixed | " + " | ".join(rss_cells) + " |")


def checkout(folder: Path) -> str:
    """The commit and whether server/ has changes not committed, when `folder` is a git checkout."""
    git = shutil.which("git")
    if git is None:
        return "git is missing"
    try:
        head = subprocess.run(
            [git, "-C", str(folder), "log", "-1", "--format=%h %cs %s"], capture_output=True, text=True, check=True
        ).stdout.strip()
        status = subprocess.run(
            [git, "-C", str(folder), "status", "--porcelain", "--", "server", "templates", "static"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    changed = [line for line in status.splitlines() if line.strip()]
    return head + (f", plus {len(changed)} uncommitted change(s) in server/, templates/, static/" if changed else "")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="sqlite:///file.db, or postgresql://... of a server (throwaway db)")
    parser.add_argument("--server", choices=[*CONFIGS, "all"], default="uvicorn")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=20, help="per kind")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--mixed-seconds", type=int, default=60)
    parser.add_argument("--citizens", type=int, default=200, help="attempts per pool (two pools)")
    parser.add_argument("--accept-encoding", default="br, gzip", help="sent by every single-kind run")
    parser.add_argument("--mixed-encoding", default="br", help="sent by the mixed run")
    parser.add_argument("--keep-logs", type=Path, help="copy the servers' logs into this folder")
    parser.add_argument(
        "--app-dir",
        type=Path,
        default=ROOT,
        help="serve the app from this checkout (e.g. `git archive HEAD | tar -x -C DIR`: a baseline), default this one",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.seconds <= 600 or not 1 <= args.mixed_seconds <= 600 or not 1 <= args.connections <= 1024:
        parser.error("--seconds and --mixed-seconds go up to 600, --connections up to 1024")
    if args.workers > 1 and not os.environ.get("REDIS_URL"):
        parser.error("more than one worker needs REDIS_URL in the environment (`serve` refuses to start without it)")
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install -y wrk")
    configs = CONFIGS if args.server == "all" else (args.server,)
    args.app_dir = args.app_dir.resolve()
    print(f"app from {args.app_dir}: {checkout(args.app_dir)}", flush=True)
    print(
        f"load benchmark on {HOST}: {', '.join(configs)}; wrk -t{min(WRK_THREADS, args.connections)} "
        f"-c{args.connections}, {args.seconds} s per kind, {args.mixed_seconds} s mixed; {os.cpu_count()} cores "
        "shared by wrk and the servers",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="kns-load-") as name:
        outcomes = run_all(configs, args, Path(name))
        report(outcomes, args)


if __name__ == "__main__":
    main()
