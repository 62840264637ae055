"""The HTML reports in a real headless Chromium: every chart renders, no console error, no network.

Chromium is driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: JSON messages
ending in NUL on file descriptors 3 and 4), so the test sees exceptions and console errors as
events, asks the page how many plots it drew, and takes screenshots; screenshots are kept under
results/screenshots/ of the repository for a person to look at.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import select
import subprocess
import time
from pathlib import Path

import pytest

from sim.report.comparison_report import write_comparison_report
from sim.report.images import find_browser
from sim.report.run_report import write_run_report

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "results" / "screenshots"
BROWSER = find_browser()

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(BROWSER is None, reason="no Chromium found (BROWSER_PATH, chromium, chromium-browser, "
                                               "google-chrome)"),
]

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
         "--disable-component-update", "--disable-sync", "--disable-default-apps", "--hide-scrollbars",
         "--mute-audio"]

# Plotly adds the class js-plotly-plot to a figure's div once it has drawn it.
COUNT_PLOTS = """(() => ({
  figures: document.querySelectorAll('div.plotly-graph-div').length,
  drawn: document.querySelectorAll('div.plotly-graph-div.js-plotly-plot').length,
  svgs: document.querySelectorAll('div.plotly-graph-div svg.main-svg').length,
  traces: Array.from(document.querySelectorAll('div.plotly-graph-div')).map(d => (d.data || []).length),
  height: document.documentElement.scrollHeight,
}))()"""


class Chromium:
    """A headless Chromium spoken to over --remote-debugging-pipe (just enough CDP for these tests)."""

    def __init__(self, profile: Path, extra: list[str] = ()):
        # The shell hands our stdin/stdout pipes to Chromium as fds 3 (commands) and 4 (answers).
        self.process = subprocess.Popen(
            ["sh", "-c", 'exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>/dev/null', BROWSER, *FLAGS,
             "--remote-debugging-pipe", f"--user-data-dir={profile}", *extra, "about:blank"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._to_browser = self.process.stdin.fileno()
        self._from_browser = self.process.stdout.fileno()
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        self.session = None

    def close(self) -> None:
        with contextlib.suppress(Exception):   # closing anyway: a dead browser is closed too
            self.send("Browser.close", session=False, timeout=5)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdin.close()
        self.process.stdout.close()

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_browser], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, params: dict | None = None, session: bool = True, timeout: float = 30) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        for event in self.events:
            if event.get("method") == method:
                return event
        while True:
            event = self._read_message(deadline)
            self.events.append(event)
            if event.get("method") == method:
                return event

    def open(self, url: str, width: int = 1400, height: int = 1800) -> None:
        page = next(t for t in self.send("Target.getTargets", session=False)["targetInfos"] if t["type"] == "page")
        self.session = self.send("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True},
                                 session=False)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        self.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired", timeout=60)

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return result["result"].get("value")

    def screenshot(self, path: Path, full_page: bool = False) -> Path:
        params = {"format": "png"}
        if full_page:
            height = self.evaluate("document.documentElement.scrollHeight")
            width = self.evaluate("document.documentElement.scrollWidth")
            params |= {"captureBeyondViewport": True, "clip": {"x": 0, "y": 0, "width": width, "height": height,
                                                               "scale": 1}}
        data = self.send("Page.captureScreenshot", params, timeout=60)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def errors(self) -> list[str]:
        """Uncaught exceptions, console.error calls and error log entries seen so far."""
        out = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                out.append(details.get("exception", {}).get("description") or details.get("text", ""))
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                out.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params["args"]))
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                out.append(f"{params['entry'].get('source')}: {params['entry'].get('text')}")
        return out


def render(html: Path, tmp_path: Path, name: str) -> dict:
    """Open `html`, wait until every figure is drawn, screenshot it; returns counts and errors."""
    browser = Chromium(tmp_path / f"profile-{name}")
    try:
        browser.open(html.as_uri())
        deadline = time.monotonic() + 30
        while True:
            counts = browser.evaluate(COUNT_PLOTS)
            if counts["drawn"] == counts["figures"] or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        time.sleep(0.5)  # let the last figure finish its transitions before the picture
        browser.screenshot(SCREENSHOTS / f"{name}.png")
        browser.screenshot(SCREENSHOTS / f"{name}-full.png", full_page=True)
        return {**counts, "errors": browser.errors()}
    finally:
        browser.close()


@pytest.fixture(scope="module")
def reports(small_sweep: Path) -> dict[str, Path]:
    base, variant = small_sweep / "almaty-2023", small_sweep / "almaty-no-modular"
    return {"report": write_run_report(base),
            "comparison": write_comparison_report([base, variant], small_sweep)}


def expected_figures(html: Path) -> int:
    return html.read_text().count('class="plotly-graph-div"')


@pytest.mark.parametrize("name", ["report", "comparison"])
def test_every_chart_renders_without_errors(reports, tmp_path, name):
    html = reports[name]
    result = render(html, tmp_path, name)
    assert result["errors"] == []
    assert result["figures"] == expected_figures(html) >= 4
    assert result["drawn"] == result["figures"]
    assert result["svgs"] >= 2 * result["figures"]       # plotly draws a main and an overlay svg per plot
    assert all(n > 0 for n in result["traces"])
    assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000


def test_error_detection_works(tmp_path):
    """The harness itself: a page that throws and logs an error is caught."""
    page = tmp_path / "bad.html"
    page.write_text("<html><body><script>console.error('boom'); null.x;</script></body></html>")
    browser = Chromium(tmp_path / "profile-bad")
    try:
        browser.open(page.as_uri())
        time.sleep(0.3)
        browser.evaluate("1")
        errors = browser.errors()
    finally:
        browser.close()
    assert any("boom" in e for e in errors)
    assert any("TypeError" in e for e in errors)


def page_requests(net_log: Path) -> list[str]:
    """URLs the page asked for, from a Chromium net log.

    Chromium's own background requests (update checks, network time, account lookups) start with
    initiator "not an origin"; a page opened from a file has the opaque initiator "null" and a
    file:// network isolation key. file: loads do not go through the network stack at all.
    """
    log = json.loads(net_log.read_text())
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        if event["type"] == start_job and "url" in params and (
                params.get("initiator") != "not an origin" or "file://" in params.get("network_isolation_key", "")):
            urls.append(params["url"])
    return urls


def load_with_net_log(html: Path, tmp_path: Path) -> tuple[str, list[str]]:
    """Open `html` headless until its scripts ran; returns the DOM after them and the page's requests."""
    net_log = tmp_path / "net.json"
    dom = subprocess.run(
        [BROWSER, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--log-net-log={net_log}",
         "--virtual-time-budget=15000", "--window-size=1400,1800", "--dump-dom", html.as_uri()],
        check=False, capture_output=True, text=True, timeout=90).stdout
    return dom, page_requests(net_log)


def test_net_log_sees_what_a_page_fetches(tmp_path):
    """The harness itself: a page that loads a script from a CDN, an image and a fetch is caught."""
    page = tmp_path / "fetching.html"
    page.write_text('<html><body><img src="http://127.0.0.1:9/x.png">'
                    '<script src="https://cdn.plot.ly/plotly-3.0.0.min.js"></script>'
                    '<script>fetch("https://example.org/world.json").catch(() => {})</script></body></html>')
    _, urls = load_with_net_log(page, tmp_path)
    assert set(urls) >= {"http://127.0.0.1:9/x.png", "https://cdn.plot.ly/plotly-3.0.0.min.js",
                         "https://example.org/world.json"}


@pytest.mark.parametrize("name", ["report", "comparison"])
def test_report_makes_no_network_request(reports, tmp_path, name):
    html = reports[name]
    dom, urls = load_with_net_log(html, tmp_path)
    # the DOM after the scripts ran: every figure was drawn (two main-svg layers per plot)
    assert dom.count('class="main-svg"') >= 2 * expected_figures(html)
    assert [u for u in urls if not re.match(r"(file|data|about|chrome|blob):", u)] == []
    # and nothing in the page (outside the plotly.js bundle) points at the web to fetch
    text = html.read_text()
    outside = re.sub(r"<script type=\"text/javascript\">.*?</script>", "", text, count=1, flags=re.DOTALL)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", outside)
