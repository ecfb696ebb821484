"""The etcd pages in Chromium, against an app whose demo lives in a real etcd (`serve` with
EXPLORER_DEMO: the demo's etcd is the app's own): the key space drawn as a treemap with no console
error, the live write rate drawn, a key with a hostile name and labels shown as text, and the
links from a pod's page to its key and back."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from urllib.parse import quote

import orjson
import pytest

from tests.web.etcd_demo import ETCDCTL, etcd_installed

from .app import PASSWORD, LiveApp, start_app
from .conftest import PageProblems, log_in

HOSTILE = "</script><script>alert(1)</script>"
HOSTILE_NAME = "<img src=x onerror=alert(2)>"


@pytest.fixture(scope="module")
def etcd_app(tmp_path_factory, artifacts) -> Iterator[LiveApp]:
    if not etcd_installed():
        pytest.skip("etcd and etcdctl not installed (Debian's etcd-server and etcd-client)")
    workdir = tmp_path_factory.mktemp("etcd-app")
    settings = {"EXPLORER_DEMO": "1", "EXPLORER_DEMO_ETCD": "1", "EXPLORER_DEMO_CHURN_SECONDS": "1"}
    app = start_app(workdir, workdir / "no-kubeconfig", artifacts / "etcd-app.log", settings)
    yield app
    app.stop()


def _etcd_endpoint(app: LiveApp) -> str:
    found = re.search(r"The demo's etcd: (http://127\.0\.0\.1:\d+)", app.log.read_text())
    assert found, "the app's demo says no etcd endpoint"
    return found.group(1)


def _etcdctl(app: LiveApp, *args: str, input: bytes | None = None) -> None:
    subprocess.run(
        [ETCDCTL, f"--endpoints={_etcd_endpoint(app)}", *args],
        input=input,
        check=True,
        capture_output=True,
        timeout=30,
        env={**os.environ, "ETCDCTL_API": "3"},
    )


@pytest.fixture
def etcd_page(browser, etcd_app):
    context = browser.new_context(base_url=etcd_app.url, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.problems = PageProblems(page)
    log_in(page, PASSWORD)
    yield page
    context.close()


def _no_problems(page) -> None:
    problems = page.problems
    assert problems.console_errors == [], problems.console_errors
    assert problems.exceptions == [], problems.exceptions
    assert problems.dialogs == [], problems.dialogs
    assert problems.failed_requests == [], problems.failed_requests


def test_the_key_space_is_drawn_with_what_dominates_and_the_write_rate_live(etcd_page, artifacts):
    page = etcd_page
    page.goto("/etcd/")
    page.wait_for_selector("#etcd-space[data-drawn]")
    page.wait_for_selector("#etcd-rate[data-drawn]")

    assert page.locator("#etcd-space g.slice").count() > 20
    assert re.match(r"\w+ are \d+ % of the [\d,]+ keys", page.text_content("#etcd-dominant"))
    assert "the demo's own etcd" in page.text_content("#etcd-origin")
    assert "aescbc" in page.text_content("#etcd-encryption")
    page.screenshot(path=artifacts / "etcd-overview.png", full_page=True)
    page.check("#etcd-size-bytes")
    page.wait_for_selector("#etcd-space[data-size-by=bytes]")
    assert "of the bytes stored" in page.text_content("#etcd-dominant")
    page.screenshot(path=artifacts / "etcd-overview-bytes.png")
    _no_problems(page)


def test_a_hostile_key_and_its_labels_stay_text(etcd_page, etcd_app, artifacts):
    page = etcd_page
    key = f"/registry/configmaps/default/{HOSTILE_NAME}"
    value = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": HOSTILE_NAME, "namespace": "default", "labels": {"x": HOSTILE}},
        "data": {"note": HOSTILE},
    }
    _etcdctl(etcd_app, "put", key, input=orjson.dumps(value))
    try:
        page.goto(f"/etcd/key?key={quote(key, safe='')}")
        page.wait_for_function(
            "text => document.getElementById('key-yaml').textContent.includes(text)", arg=HOSTILE
        )
        assert page.text_content("#key-name") == key
        page.screenshot(path=artifacts / "etcd-hostile-key.png", full_page=True)
        page.goto("/etcd/")
        page.wait_for_selector("#etcd-space[data-drawn]")
    finally:
        _etcdctl(etcd_app, "del", key)

    assert page.locator("img[src='x']").count() == 0
    assert page.evaluate("() => document.querySelectorAll('[onerror]').length") == 0
    _no_problems(page)


def test_a_pods_page_links_to_its_key_and_the_key_page_back(etcd_page, artifacts):
    page = etcd_page
    page.goto("/workloads/")
    pods = orjson.loads(page.evaluate("() => fetch('/api/etcd/overview').then(r => r.text())"))
    key = next(
        sector["link"]["key"]
        for sector in pods["space"]["sectors"].values()
        if sector.get("link", {}).get("key", "").startswith("/registry/pods/shop/")
    )
    namespace, name = key.split("/")[3:5]
    page.goto(f"/pods/{namespace}/{name}")
    page.wait_for_selector("#etcd-object-key")
    assert page.text_content("#etcd-object-key") == key
    page.click("#etcd-object-key")
    page.wait_for_url("**/etcd/key?**")
    page.wait_for_selector("#key-timeline[data-drawn]")
    assert "kind: Pod" in page.text_content("#key-yaml")
    page.screenshot(path=artifacts / "etcd-pod-key.png", full_page=True)
    page.click("#key-object-link")
    page.wait_for_url(f"**/pods/{namespace}/{name}**")
    _no_problems(page)
