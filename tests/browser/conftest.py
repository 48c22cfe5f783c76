"""Browser tests: the real server as a subprocess on a free loopback port, driven by Debian's Chromium.

Playwright cannot download its own browser here, so the launch points at the system binary (CHROMIUM_PATH
overrides it) with the flags a sandboxed, network-less machine needs."""

from __future__ import annotations

import os

import pytest

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


@pytest.fixture(scope="session")
def demo_releases(database_url):  # type: ignore[no-untyped-def]
    """A year of synthetic attempts and their releases in the live server's database, written once per session
    by the real demo-data command, for the pages that show statistics."""
    from ..conftest import cli

    result = cli(database_url, "demo-data", "--attempts", "3000", "--seed", "11")
    assert result.returncode == 0, result.stderr
