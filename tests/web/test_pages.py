"""The overview page and the header: readable, escaped, and with scripts only from files."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.django_db

HOSTILE = "<img src=x onerror=alert(1)>"


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict] = []
        self.inline_handlers: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.inline_handlers += [name for name in attributes if name.startswith("on")]
        if tag == "script":
            self.scripts.append({"src": attributes.get("src"), "body": ""})
            self._in_script = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1]["body"] += data


def _parse(html: bytes) -> _Scripts:
    parser = _Scripts()
    parser.feed(html.decode())
    return parser


def test_overview_says_what_it_shows_and_waits_for_the_watcher_when_no_cluster_is_known(
    logged_in, watched
):
    html = logged_in.get("/").content.decode()
    assert "Every node of the cluster with the pods scheduled on it" in html
    assert "Waiting for the watcher" in html
    assert '<div id="overview" class="figure" data-cluster="">' in html
    assert '<span id="connection-state"' in html
    assert '<span id="not-visible">none</span>' in html


def test_overview_loads_plotly_and_the_live_scripts_from_files_and_has_no_inline_script(
    logged_in,
):
    page = _parse(logged_in.get("/").content)
    assert [s["src"] for s in page.scripts] == [
        "/static/js/find.js",  # the header's search box: "/" focuses it
        "/static/vendor/plotly-explorer.min.js",
        "/static/js/live.js",
        "/static/js/kit.js",  # the page scripts' DOM and Plotly kit
        "/static/js/overview.js",
        "/static/js/progress.js",
    ]
    assert all(not s["body"].strip() for s in page.scripts)
    assert page.inline_handlers == []


def test_header_names_the_only_cluster_without_a_switcher(logged_in, watched):
    watched.add("demo", not_visible=("Secret",))
    html = logged_in.get("/").content.decode()
    assert '<strong id="cluster-name">demo</strong>' in html
    assert '<span id="connection-state" data-state="live" title="">live</span>' in html
    assert 'data-cluster="demo"' in html
    assert 'id="cluster-switcher"' not in html
    assert '<span id="not-visible">Secret</span>' in html
    assert "Waiting for the watcher" not in html


def test_header_offers_a_switcher_when_there_are_several_clusters(logged_in, watched):
    watched.add("prod")
    watched.add("staging", status="error")
    html = logged_in.get("/?cluster=staging").content.decode()
    assert '<select id="cluster-switcher" name="cluster">' in html
    assert '<option value="prod">prod</option>' in html
    assert '<option value="staging" selected>staging</option>' in html
    assert 'data-cluster="staging"' in html


def test_cluster_names_from_a_kubeconfig_are_escaped_everywhere(logged_in, watched):
    watched.add(HOSTILE, not_visible=(HOSTILE,))
    watched.add("b")
    html = logged_in.get("/").content.decode()
    assert HOSTILE not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert _parse(html.encode()).inline_handlers == []


def test_clusters_endpoint_lists_names_and_statuses(logged_in, watched):
    watched.add("demo", not_visible=("Secret",))
    assert logged_in.get("/api/clusters").json() == {
        "clusters": [{"name": "demo", "status": "live", "reason": "", "not_visible": ["Secret"]}]
    }


def test_clusters_endpoint_is_empty_before_the_watcher_runs(logged_in, watched):
    assert logged_in.get("/api/clusters").json() == {"clusters": []}
