"""The load tests' site: the project's API server serving a small demo with churn (its own
process, as bench/load_mixed.py runs it at scale) and the app as `make run` serves it
(`manage.py serve`, tests/browser/app.py) watching it, with a logged-in user's session."""

from __future__ import annotations

import http.cookiejar
import subprocess
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from explorer.runtime.demo_cluster import DEMO_CONTEXT, write_kubeconfig

from ..browser.app import LiveApp, start_app
from ..processes import serve_api

# 12 nodes x 10 pods (~170 pods); 20 readiness flips a second and the demo's own churn (scale,
# restarts, rollouts, CronJob runs) every second.
DEMO = ("--demo", "--nodes", "12", "--pods-per-node", "10")
CHURN = ("--churn-rate", "20", "--churn-interval", "1")


@dataclass
class Site:
    api_url: str
    app: LiveApp
    session: str  # the session cookie of a logged-in user
    cluster: str = DEMO_CONTEXT

    @property
    def url(self) -> str:
        return self.app.url


@pytest.fixture(scope="package")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    workdir = tmp_path_factory.mktemp("load")
    with (workdir / "apiserver.log").open("w") as api_log:
        api, api_url = serve_api(*DEMO, *CHURN, stderr=api_log)
    kubeconfig = write_kubeconfig(api_url)
    try:
        app = start_app(workdir, kubeconfig, workdir / "app.log")
        try:
            yield Site(api_url, app, _session(app))
        finally:
            app.stop()
    finally:
        api.terminate()
        try:
            api.wait(10)
        except subprocess.TimeoutExpired:
            api.kill()
            api.wait()
        kubeconfig.unlink(missing_ok=True)


def _session(app: LiveApp) -> str:
    """Log in through a one-time link, as a person does; the session cookie."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(app.login_link(), timeout=30) as answer:
        answer.read()
    return next(cookie.value for cookie in jar if cookie.name == "sessionid")


def server_errors(log: Path) -> list[str]:
    """Lines of the app's log that tell of an error (a traceback, a logged error)."""
    text = log.read_text(errors="replace")
    return [line for line in text.splitlines() if "Traceback" in line or " ERROR " in line]
