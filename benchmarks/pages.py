"""Page weight and speed on a cheap phone's network: bytes transferred (compressed) for a first visit of the
landing page and for each quiz step, and Largest Contentful Paint under throttling (400 kbit/s, 400 ms round
trip, 4x CPU slowdown) in Debian's Chromium. Prints numbers; asserts nothing.

    python -m benchmarks.pages"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
THROTTLE = {"offline": False, "latency": 400, "downloadThroughput": 400 * 1000 / 8, "uploadThroughput": 400 * 1000 / 8}
LCP = """new Promise(resolve => {
  new PerformanceObserver(list => { const e = list.getEntries(); resolve(e[e.length - 1].startTime); })
    .observe({type: 'largest-contentful-paint', buffered: true});
  setTimeout(() => resolve(-1), 15000);
})"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/pages.db", "APP_ENV": "development"}
        server = subprocess.Popen(
            [sys.executable, "-m", "server", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310 - our own loopback server
                    break
                except OSError:
                    time.sleep(0.1)
            measure(base)
        finally:
            server.terminate()
            server.wait(timeout=10)


def measure(base: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"), args=FLAGS)
        context = browser.new_context(**p.devices["Pixel 7"], base_url=base)
        # No service worker here: a first visit, as a person on a new phone makes it.
        context.add_init_script("Object.defineProperty(navigator, 'serviceWorker', {get: () => undefined});")
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", THROTTLE)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        sizes: dict[str, int] = {}
        urls: dict[str, str] = {}
        cdp.on("Network.responseReceived", lambda e: urls.__setitem__(e["requestId"], e["response"]["url"]))
        cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))

        def transferred() -> int:
            total = sum(sizes.values())
            sizes.clear()
            return total

        print("landing page, first visit (400 kbit/s, 400 ms RTT, 4x CPU slowdown)")
        page.goto("/", wait_until="load")
        lcp_landing = page.evaluate(LCP)
        print(f"  transferred: {transferred() / 1024:6.1f} KB (HTML, CSS, htmx, scripts, icon; compressed)")
        print(f"  Largest Contentful Paint: {lcp_landing / 1000:5.2f} s")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
        page.goto("/start")
        page.get_by_label("Tôi đồng ý").check()
        page.get_by_label("65+ tuổi").check()
        transferred()
        page.get_by_role("button", name="Bắt đầu").click()
        page.wait_for_url("**/quiz")
        lcp_question = page.evaluate(LCP)
        print(
            f"first question page (cached CSS and scripts): {transferred() / 1024:5.1f} KB, "
            f"LCP {lcp_question / 1000:5.2f} s"
        )
        steps = []
        for _ in range(14):
            question_id = page.locator('input[name="question"]').input_value()
            transferred()
            page.locator('input[name="option"]').first.check()
            page.get_by_role("button", name="Trả lời và tiếp tục").click()
            page.locator(f'input[name="question"][value="{question_id}"]').wait_for(state="detached")
            page.wait_for_load_state("networkidle")
            steps.append(transferred())
        print(
            f"each quiz step (htmx, the answer and the next question): median {statistics.median(steps) / 1024:4.1f}"
            f" KB, largest {max(steps) / 1024:4.1f} KB (a step with a picture loads it too)"
        )
        browser.close()


if __name__ == "__main__":
    main()
