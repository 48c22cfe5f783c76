"""The command line as an operator uses it: a subprocess, real files, exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from server.settings import ROOT


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_content_json_summarises_the_bank():
    result = run("check-content", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["languages"] == ["vi", "en"]
    assert report["errors"] == []
    assert set(report["topics"]) == {"online-safety", "signatures", "e-services"}
    for topic in report["topics"].values():
        assert topic["questions"] == sum(topic["by_band"].values())
        assert set(topic["by_band"]) == {"basic", "intermediate", "advanced"}
        assert topic["lessons"] >= 1
        assert topic["cues"]["passed"] and "key is the longest" in topic["cues"]["figures"]
    assert report["cues_passed"] is True


def test_check_content_fails_on_a_planted_cue_and_says_which(tmp_path):
    for path in (ROOT / "quizzes").glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    planted = (tmp_path / "signatures.toml").read_text(encoding="utf-8").replace("answer = true", "answer = false")
    (tmp_path / "signatures.toml").write_text(planted, encoding="utf-8")
    result = run("check-content", "--json", CONTENT_DIR=str(tmp_path))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["errors"] == [] and report["cues_passed"] is False
    figure = report["topics"]["signatures"]["cues"]["figures"]["true/false answered false"]
    assert figure["observed"] == 1.0 and figure["passed"] is False
    assert report["topics"]["e-services"]["cues"]["passed"]  # the untouched topics still pass
    text = run("check-content", CONTENT_DIR=str(tmp_path)).stdout
    assert "cue true/false answered false: 100%" in text and "FAIL" in text


def test_check_content_fails_on_a_broken_file_and_names_it(tmp_path):
    shutil.copy(ROOT / "quizzes" / "signatures.toml", tmp_path / "signatures.toml")
    broken = (tmp_path / "signatures.toml").read_text(encoding="utf-8").replace('kind = "single"', 'kind = "essay"', 1)
    (tmp_path / "signatures.toml").write_text(broken, encoding="utf-8")
    result = run("check-content", "--json", CONTENT_DIR=str(tmp_path))
    assert result.returncode == 1
    errors = json.loads(result.stdout)["errors"]
    assert any("signatures.toml" in e and "'kind' must be one of" in e for e in errors)


def test_serve_refuses_to_start_on_broken_content(tmp_path):
    (tmp_path / "online-safety.toml").write_text("[topic]\nid = 'online-safety'\n", encoding="utf-8")
    result = run("serve", "--port", "1", CONTENT_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/x.db")
    assert result.returncode == 1
    assert "online-safety.toml" in result.stderr and "Traceback" not in result.stderr


def test_serve_refuses_to_start_without_a_secret_in_production(tmp_path):
    env = {"APP_ENV": "production", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    result = run("serve", **env, SECRET_KEY="")
    assert result.returncode == 2
    assert "SECRET_KEY is not set" in result.stderr and "Traceback" not in result.stderr


def test_migrate_creates_the_sqlite_file_in_wal_mode(tmp_path):
    import sqlite3

    db = tmp_path / "sub" / "app.db"
    result = run("migrate", DATABASE_URL=f"sqlite:///{db}")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"attempt", "answer", "topic_result"} <= tables
    assert run("migrate", DATABASE_URL=f"sqlite:///{db}").returncode == 0  # a second run changes nothing


def test_several_workers_without_a_shared_store_are_refused(database_url):
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "server", "serve", "--workers", "2", "--port", "1"],
        cwd=ROOT,
        env={**env, "DATABASE_URL": database_url, "APP_ENV": "development"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "2 workers need REDIS_URL" in result.stderr


def test_killing_the_supervisor_stops_its_workers_so_the_port_is_free(database_url, redis_url):
    import signal
    import socket
    import time
    import urllib.request

    import pytest

    if not redis_url:
        pytest.skip("several workers need the shared Redis store (the PostgreSQL pass of CI has one)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "APP_ENV": "development"}
    server = subprocess.Popen(
        [sys.executable, "-m", "server", "serve", "--workers", "2", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120  # generous: a loaded machine starts two workers slowly
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)  # noqa: S310 - loopback
            break
        except OSError:
            assert time.monotonic() < deadline and server.poll() is None, "the server did not start"
            time.sleep(0.2)
    server.send_signal(signal.SIGKILL)
    server.wait(timeout=10)
    deadline = time.monotonic() + 90  # a worker stops gracefully: up to 10 s for open connections, more if loaded
    while True:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                break  # nobody holds the port: the workers stopped with their supervisor
            except OSError:
                assert time.monotonic() < deadline, "the workers went on holding the port"
                time.sleep(0.2)
