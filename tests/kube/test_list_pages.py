"""A list's pages against the project's own API server: each next page is asked for while the
one in hand is parsed (its continue token read from the page's head), and the list still holds
exactly what the server holds, whatever the head says."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import msgspec
import orjson
import pytest

from explorer.apiserver import ApiServer, ApiStore
from explorer.demo import build_demo
from explorer.kube import reflector
from explorer.kube.reflector import Reflector, _continue_of
from explorer.lib.resources import BY_KIND
from explorer.state.store import ClusterStates

from .recording_sink import RecordingSink
from .served import connect, small_cluster
from .served import store_refs as served_refs
from .test_watch import FAST

PAGE = replace(FAST, page_size=4)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Any, Any]]:
    store = ApiStore(small_cluster(configmaps=30))
    server = ApiServer(store, port=0)
    server.start()
    yield store, connect(tmp_path, server.url)
    server.stop()


class Fetching(Reflector):
    """A reflector that notes which thread fetched each page, and what the head of each said."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fetched_on: list[str] = []
        self.heads: list[tuple[str | None, str | None]] = []
        self.asked: list[object] = []  # the continue token of each page asked for

    def _get_body(self, query: dict[str, str | int]) -> bytes:
        self.asked.append(query.get("continue"))
        body = super()._get_body(query)
        self.fetched_on.append(threading.current_thread().name)
        token = orjson.loads(body)["metadata"].get("continue")
        self.heads.append((_continue_of(body), token))
        return body


def listed(store: Any, cluster: Any) -> tuple[Fetching, RecordingSink]:
    sink = RecordingSink()
    fetching = Fetching(
        cluster.api_client, cluster.name, BY_KIND["ConfigMap"], sink, threading.Event(), PAGE
    )
    fetching._list()
    return fetching, sink


def test_each_next_page_is_fetched_beside_the_parse_and_the_list_is_whole(served) -> None:
    store, cluster = served
    fetching, sink = listed(store, cluster)
    pages = len(fetching.fetched_on)
    assert pages == 8  # 30 ConfigMaps, 4 a page
    assert fetching.fetched_on[0] == threading.current_thread().name
    assert all(name.endswith("(next page)") for name in fetching.fetched_on[1:])
    assert [head for head, _ in fetching.heads] == [token for _, token in fetching.heads]
    assert sink.refs() == served_refs(store, ("ConfigMap",))
    assert sink.replaces["ConfigMap"] == 1


def test_the_sink_is_shown_each_page_as_it_is_read(served) -> None:
    """So the state can make a page compact before the next is parsed (ClusterState.share_page)."""
    fetching, sink = listed(*served)
    assert sink.pages["ConfigMap"] == len(fetching.fetched_on) == 8


def test_a_head_that_does_not_say_its_token_makes_the_list_page_by_page(
    served, monkeypatch
) -> None:
    store, cluster = served
    monkeypatch.setattr(reflector, "_continue_of", lambda body: None)
    fetching, sink = listed(store, cluster)
    assert set(fetching.fetched_on) == {threading.current_thread().name}
    assert sink.refs() == served_refs(store, ("ConfigMap",))


def test_a_head_that_misleads_is_caught_by_the_parsed_page(served, monkeypatch) -> None:
    """The page fetched on a wrong token is dropped and the right one asked for."""
    store, cluster = served
    monkeypatch.setattr(reflector, "_continue_of", lambda body: "bm90IGEgdG9rZW4")
    fetching, sink = listed(store, cluster)
    wrong = fetching.asked.count("bm90IGEgdG9rZW4")
    assert wrong == 8  # after each page, the last too: each answered, then dropped
    assert len(fetching.asked) - wrong == 8  # and each page asked for again, rightly
    assert sink.refs() == served_refs(store, ("ConfigMap",))


@pytest.mark.parametrize(
    ("body", "token"),
    [
        (
            b'{"kind":"PodList","metadata":{"continue":"abc","resourceVersion":"7"},"items":[]}',
            "abc",
        ),
        (b'{"kind":"PodList","metadata":{"resourceVersion":"7"},"items":[{"a":1}]}', None),
        (b'{"kind":"PodList","items":[],"metadata":{"continue":"abc"}}', None),
        (b'{"kind":"PodList","metadata":{"continue":"ab', None),
        (b'{"metadata": {"continue": "x y"} ,\n "items": []}', "x y"),
        (b"[]", None),
    ],
)
def test_the_token_is_read_from_the_head_only_when_metadata_comes_first(body, token) -> None:
    assert _continue_of(body) == token


def test_a_sink_that_takes_json_is_handed_each_pods_json_and_holds_the_served_pods(
    tmp_path: Path,
) -> None:
    """The list of a kind the state reads from JSON (explorer/state/listed_json.py) reaches
    it unparsed, page by page, and ends as the pods the server holds."""
    server = ApiServer(ApiStore(build_demo(nodes=3)), port=0)
    server.start()
    try:
        cluster = connect(tmp_path, server.url)
        handed: list[type] = []

        class Noting(ClusterStates):
            def page(self, cluster: str, kind: str, objects: list[Any]) -> None:
                handed.extend(obj.__class__ for obj in objects)
                super().page(cluster, kind, objects)

        states = Noting([cluster.name])
        Reflector(
            cluster.api_client, cluster.name, BY_KIND["Pod"], states, threading.Event(), PAGE
        )._list()
        served_pods = list(server.store.state.list("Pod"))
        assert handed and set(handed) == {msgspec.Raw}
        with states.read(cluster.name) as state:
            held = {
                (p["metadata"]["namespace"], p["metadata"]["name"]): p for p in state.list("Pod")
            }
        assert len(held) == len(served_pods) > 20
        for pod in served_pods:
            mine = held[(pod["metadata"]["namespace"], pod["metadata"]["name"])]
            assert mine["metadata"]["resourceVersion"] == pod["metadata"]["resourceVersion"]
            assert (mine["kind"], mine["apiVersion"]) == ("Pod", "v1")
    finally:
        server.stop()
