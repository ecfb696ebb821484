"""Following a container's log never stalls the server: stopping, leaving and re-following in
two tabs while /healthz keeps answering, and `serve` stops on SIGTERM with follows open."""

from __future__ import annotations

import signal
import threading
import time
import urllib.request

from .app import start_app

POD_PAGE = "/pods/shop/db-0"
WORST_HEALTH_WAIT = 5.0  # seconds; generous for shared CI machines


class HealthPoller:
    """Asks /healthz every 0.2 s on a thread; keeps the slowest answer and any failure."""

    def __init__(self, url: str) -> None:
        self.url = url + "/healthz"
        self.worst = 0.0
        self.failures: list[str] = []
        self.answers = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> HealthPoller:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=WORST_HEALTH_WAIT + 5)

    def _poll(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                with urllib.request.urlopen(self.url, timeout=WORST_HEALTH_WAIT * 2) as answer:  # noqa: S310
                    answer.read()
                self.answers += 1
            except OSError as error:
                self.failures.append(repr(error))
            self.worst = max(self.worst, time.monotonic() - started)
            self._stop.wait(0.2)


def _follow(page) -> None:
    page.goto(POD_PAGE)
    page.wait_for_selector("#log-container option", state="attached")
    page.click("#log-follow")
    page.wait_for_function("() => document.getElementById('pod-log').textContent.length > 0")


def test_following_stopping_and_leaving_logs_in_two_tabs_never_stalls_the_server(
    logged_in_page, context, live_app
) -> None:
    first, second = logged_in_page, context.new_page()
    with HealthPoller(live_app.url) as health:
        _follow(first)
        _follow(second)
        time.sleep(1)  # the logs are idle now: their readers wait on the API server
        first.click("#log-stop")
        second.goto("/workloads/")  # leaving the page ends its follow
        _follow(first)  # following again after a stop
        _follow(second)  # coming back
        first.click("#log-follow")  # following what the tab already follows
        first.wait_for_function("() => document.getElementById('pod-log').textContent.length > 0")
        second.close()
        time.sleep(1)
    assert health.failures == []
    assert health.answers > 5
    assert health.worst < WORST_HEALTH_WAIT
    assert first.problems.exceptions == []


def test_serve_stops_on_sigterm_with_logs_being_followed(browser, demo, tmp_path) -> None:
    app = start_app(tmp_path, demo.kubeconfig, tmp_path / "app.log")
    try:
        context = browser.new_context(base_url=app.url)
        following, stopped = context.new_page(), context.new_page()
        following.goto(app.login_link())
        _follow(following)
        _follow(stopped)
        time.sleep(1)  # both logs idle
        stopped.click("#log-stop")
        stopped.wait_for_timeout(500)
        app.process.send_signal(signal.SIGTERM)
        app.process.wait(timeout=20)
        context.close()
    finally:
        app.stop()
