"""Browser tests: the real server as a subprocess on a free loopback port, driven by Debian's Chromium.

Playwright cannot download its own browser here, so the launch points at the system binary (CHROMIUM_PATH
overrides it) with the flags a sandboxed, network-less machine needs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.settings import ROOT

from ..conftest import TEST_SECRET

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": CHROMIUM_FLAGS,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    log = Path(tmp_path_factory.mktemp("server")) / "server.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET,
        "APP_ENV": "test",
        "RATE_LIMIT_PER_MINUTE": "100000",
    }
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "server", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1)  # noqa: S310 - our own loopback server
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(f"server exited: {log.read_text()}") from None
                time.sleep(0.1)
        else:
            raise RuntimeError(f"server did not start: {log.read_text()}")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    return live_server


@pytest.fixture
def phone(browser, playwright, live_server):  # type: ignore[no-untyped-def]
    """A cheap Android phone's browser: Pixel-class screen, touch, Vietnamese by default."""
    context = browser.new_context(**playwright.devices["Pixel 7"], base_url=live_server)
    yield context
    context.close()


@pytest.fixture
def phone_without_js(browser, playwright, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(**playwright.devices["Pixel 7"], base_url=live_server, java_script_enabled=False)
    yield context
    context.close()
