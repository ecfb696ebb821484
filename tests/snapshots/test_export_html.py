"""The one-file export's file itself: its size, what it may load, where cluster strings sit, and
which pages it holds (tests/browser/test_export.py opens it in Chromium)."""

from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser

import orjson
import pytest

from explorer.snapshots.export_html import export_html
from explorer.snapshots.export_pages import holdings

from .exports import CANARY, HOSTILE, HOSTILE_POD, about, hostile_demo

MAX_DEMO_EXPORT = 4_000_000


class Document(HTMLParser):
    """Every tag with its attributes, and the text of every <script> by its type."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script = dict(attrs)
            self.scripts.append((self._script, ""))

    def handle_endtag(self, tag) -> None:
        if tag == "script":
            self._script = None

    def handle_data(self, data) -> None:
        if self._script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def inline_scripts(self) -> list[str]:
        return [text for attrs, text in self.scripts if "type" not in attrs]

    def json_blocks(self) -> dict[str, object]:
        return {
            attrs["id"]: orjson.loads(text)
            for attrs, text in self.scripts
            if attrs.get("type") == "application/json"
        }

    def policy(self) -> dict[str, list[str]]:
        content = next(
            attrs["content"]
            for tag, attrs in self.tags
            if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"
        )
        return {d.split()[0]: d.split()[1:] for d in content.split(";") if d.strip()}


@pytest.fixture(scope="module")
def state():
    return hostile_demo()


@pytest.fixture(scope="module")
def html(state) -> str:
    return export_html(state, about(state)).decode()


@pytest.fixture(scope="module")
def document(html) -> Document:
    return Document(html)


def test_the_demo_export_is_one_file_under_four_megabytes(html):
    assert len(html.encode()) < MAX_DEMO_EXPORT


def test_the_policy_allows_exactly_the_inline_scripts_by_their_hashes_and_nothing_to_load(
    document,
):
    policy = document.policy()
    hashes = {
        "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"
        for text in document.inline_scripts()
    }
    assert (
        len(hashes) == len(document.inline_scripts()) >= 5
    )  # Plotly, connection, kit, pages, router
    assert set(policy["script-src"]) == hashes
    assert policy["default-src"] == ["'none'"]
    assert policy["style-src"] == ["'unsafe-inline'"]  # Plotly's own <style>s; no source to load
    assert policy["form-action"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert next(tag for tag, _ in document.tags if tag in ("meta", "script")) == "meta"


def test_the_file_names_nothing_to_load_and_holds_no_code_that_connects(document, html):
    assert not [tag for tag, _ in document.tags if tag in ("link", "img", "iframe", "object")]
    assert not [attrs for _, attrs in document.tags if "src" in attrs or "srcset" in attrs]
    hrefs = [attrs["href"] for _, attrs in document.tags if attrs.get("href") is not None]
    assert hrefs and all(href.startswith("#") for href in hrefs)
    app_scripts = "\n".join(document.inline_scripts()[1:])  # all but Plotly
    for word in ("WebSocket", "fetch(", "XMLHttpRequest", "EventSource", "sendBeacon"):
        assert word not in app_scripts


def test_no_cluster_string_can_end_its_json_block_and_each_reads_back_whole(document, html):
    assert HOSTILE not in html
    assert "\u2028" not in html and "\u2029" not in html
    blocks = document.json_blocks()
    index = {(view, orjson.dumps(params)): block for view, params, block in blocks["export-index"]}
    key = ("pod", orjson.dumps({"cluster": "demo", "namespace": "shop", "name": HOSTILE_POD}))
    model = blocks[index[key]]
    assert model["header"]["labels"]["note"] == HOSTILE
    assert HOSTILE in orjson.dumps(blocks).decode()  # escaped in the file, whole once read


def test_a_secret_canary_appears_nowhere_in_the_export(html):
    assert CANARY not in html
    assert base64.b64encode(CANARY.encode()).decode() not in html


def test_the_demo_export_holds_every_page_of_the_demo(state, document):
    index = document.json_blocks()["export-index"]
    views = {(view, params.get("name") or params.get("node", "")) for view, params, _ in index}
    for pod in state.list("Pod"):
        assert ("pod", pod["metadata"]["name"]) in views
    for node in state.list("Node"):
        for view in ("node", "cgroup-tree", "service-chains"):
            assert (view, node["metadata"]["name"]) in views
    assert {("object", "payment"), ("object", "web"), ("overview", ""), ("storage", "")} <= views
    detail = document.json_blocks()["export-about"]["detail"]
    assert f"3 of 3 nodes, {state.count('Pod')} of {state.count('Pod')} pods" in detail


def test_without_a_budget_an_export_holds_the_pages_every_export_holds_and_says_so(state):
    held = holdings(state, "demo", [], budget=0)
    assert [m.view for m in held.models] == [
        "overview",
        "hierarchy",
        "events",
        "scheduling-history",
        "network-index",
        "storage",
    ]
    assert held.held == {"pinned": 0, "nodes": 0, "pods": 0, "objects": 0}
    assert held.of["pods"] == state.count("Pod")


def test_pinned_pages_come_first_and_pods_the_worst_first(state):
    pins = [{"kind": "Secret", "namespace": "shop", "name": "payment", "note": ""}]
    held = holdings(state, "demo", pins, budget=100_000)
    views = [(m.view, m.params.get("name")) for m in held.models]
    always = len(holdings(state, "demo", [], budget=0).models)  # the pages every export holds
    assert views[always] == ("object", "payment")
    pods = [name for view, name in views if view == "pod"]
    assert pods and 0 < held.held["pods"] < held.of["pods"]
    # the evicted reindex pod (Failed) first, then the Pending pods by namespace and name: the
    # demo's pending stories in default (the restore stuck on its failed attachment among them),
    # then the shop's trainer no node can run
    assert pods[0].startswith("reindex-")
    assert pods[1:9] == [
        "canary-web",
        "custom-scheduled",
        "import-batch",
        "notebook-backup",
        "report-render",
        "restore",
        "train-llm",
        "train-llm-waits",
    ]
    assert pods[9].startswith("trainer-")
