"""The compare page in Chromium: the template rendered by Django with the model of two moments
around a rollout, an endpoint gone and a limit resized (one label an injection attempt), served
with the app's security headers; the list, the nodes' changes, the overview and the Sankey are
drawn with each mark's colour, and the hostile label stays text."""

from __future__ import annotations

import copy
import mimetypes
from urllib.parse import urlparse

import orjson
import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory

from explorer.demo import build_demo
from explorer.viewmodels.compare import MARK_COLOURS, build
from explorer.web.security import SECURITY_HEADERS
from tests.snapshots.known_changes import (
    NOW,
    make_noise,
    refresh_facts,
    remove_endpoint,
    resize_memory,
    roll_out,
    snapshot,
)

from .app import REPO
from .conftest import PageProblems

ORIGIN = "http://compare.test"
HOSTILE = "<img src=x onerror=alert(1)>"
RESIZED_POD = "web-5f67cf96b5-5kcmw"
NEW_IMAGE = "registry.example/api:2.0"

MARKER_LINES = """id => {
  const trace = document.getElementById(id).data[0];
  const line = trace.node ? trace.node.line : trace.marker.line;
  const ids = trace.ids || [];
  return {ids: ids, colours: line.color};
}"""


@pytest.fixture(scope="module")
def compared() -> tuple[str, dict]:
    a = build_demo(now=NOW)
    b = snapshot(a)
    make_noise(b)
    rollout = roll_out(b, "shop", "api", "api", NEW_IMAGE)
    remove_endpoint(b, "shop", "web", "10.244.1.4")
    resize_memory(b, "shop", RESIZED_POD, "web", "384Mi")
    namespace = copy.deepcopy(b.get("Namespace", "", "shop"))
    namespace["metadata"]["labels"]["note"] = HOSTILE
    b.upsert(namespace)
    refresh_facts(b)
    model = build(a, b, {"node": "demo-worker", "service": "shop/api"})
    request = RequestFactory().get("/compare/")
    request.user = AnonymousUser()
    html = render_to_string(
        "compare.html",
        {
            "model_json": orjson.dumps(model).decode(),
            "a_title": "snapshot before",
            "b_title": "snapshot after",
            "link_cluster": "demo",
        },
        request=request,
    )
    return html, rollout


@pytest.fixture
def compare_page(browser, compared):
    html = compared[0]
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(15_000)

    def serve(route) -> None:
        path = urlparse(route.request.url).path
        if path == "/compare/":
            body, kind = html.encode(), "text/html; charset=utf-8"
        elif path.startswith("/static/") and (REPO / path.lstrip("/")).is_file():
            body = (REPO / path.lstrip("/")).read_bytes()
            kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
        else:
            route.fulfill(status=404, body=b"")
            return
        route.fulfill(status=200, body=body, headers={"Content-Type": kind, **SECURITY_HEADERS})

    context.route(f"{ORIGIN}/**", serve)
    page = context.new_page()
    page.problems = PageProblems(page)
    page.goto(f"{ORIGIN}/compare/")
    page.wait_for_function(
        "() => ['compare-overview', 'compare-chains'].every("
        "id => document.getElementById(id).dataset.drawn)"
    )
    yield page
    context.close()


def test_the_compare_page_lists_the_changes_and_draws_both_figures_marked(
    compare_page, compared, artifacts
) -> None:
    page = compare_page
    rollout = compared[1]
    page.screenshot(path=artifacts / "compare.png", full_page=True)
    assert "3 added, 2 removed, 7 changed" in page.locator("#compare-counts").text_content()
    deployment = page.locator("section.compare-kind[data-kind=Deployment]")
    assert "spec.template.spec.containers[name=api].image: " in deployment.text_content()
    assert f"→ {NEW_IMAGE}" in deployment.text_content()
    new_pod = page.locator("section.compare-kind[data-kind=Pod] li.compare-added a").first
    assert new_pod.get_attribute("href") == f"/pods/shop/{rollout['new_pods'][0]}?cluster=demo"
    assert page.locator("section.compare-kind[data-kind=Pod] li.compare-removed a").count() == 0
    worker = page.locator("section.compare-node[data-node=demo-worker]").text_content()
    assert "shop/web:http (tcp): endpoint 10.244.1.4:8080 removed" in worker
    assert "memory limit 256Mi (268435456 bytes) → 384Mi (402653184 bytes)" in worker

    overview = page.evaluate(MARKER_LINES, "compare-overview")
    outline = dict(zip(overview["ids"], overview["colours"], strict=True))
    assert outline[f"pod/shop/{rollout['new_pods'][0]}"] == MARK_COLOURS["added"]
    assert outline[f"pod/shop/{rollout['old_pods'][0]}"] == MARK_COLOURS["removed"]
    assert outline[f"pod/shop/{RESIZED_POD}"] == MARK_COLOURS["changed"]
    sankey = page.evaluate(MARKER_LINES, "compare-chains")
    assert MARK_COLOURS["added"] in sankey["colours"]
    assert MARK_COLOURS["removed"] in sankey["colours"]
    assert page.locator("#compare-chain-controls select[name=node]").input_value() == "demo-worker"
    assert page.problems.console_errors == [] and page.problems.exceptions == []
    assert page.problems.failed_requests == []


def test_a_hostile_label_in_the_diff_shows_as_text_and_runs_nothing(compare_page) -> None:
    page = compare_page
    namespace = page.locator("section.compare-kind[data-kind=Namespace]").text_content()
    assert f"metadata.labels.note: (absent) → {HOSTILE}" in namespace
    assert page.locator("img[src='x']").count() == 0
    assert page.evaluate("() => document.querySelectorAll('[onerror]').length") == 0
    assert page.problems.dialogs == []
