"""A deleted object's page, from the change log: when it went, what it was, its last owner."""

from __future__ import annotations

import re

from explorer.demo import build_demo
from explorer.state.change_log import Retention
from explorer.state.store import ClusterStates
from explorer.viewmodels.objects.page import ObjectMemo, object_view

WHEN = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def watched() -> ClusterStates:
    states = ClusterStates(retention=Retention())
    states.add("demo", build_demo())
    return states


def delete(states: ClusterStates, kind: str, namespace: str, name: str) -> dict:
    with states.read("demo") as state:
        obj = state.get(kind, namespace, name)
    states.event("demo", kind, {"type": "DELETED", "object": obj})
    return obj


def view(states: ClusterStates, kind: str, namespace: str, name: str, memo=None) -> dict:
    params = {"cluster": "demo", "kind": kind, "namespace": namespace, "name": name}
    with states.read("demo") as state:
        return object_view(state, params, memo)


def test_a_deleted_config_map_says_when_it_went_and_shows_what_it_was() -> None:
    states = watched()
    delete(states, "ConfigMap", "shop", "web-config")
    model = view(states, "ConfigMap", "shop", "web-config")
    assert (model["found"], model["known"]) == (False, True)
    assert model["deleted"]["deleted"] is True and WHEN.fullmatch(model["deleted"]["at"])
    assert "name: web-config" in model["yaml"]["text"]
    assert model["sections"] == []  # what it links to is told of the living only


def test_a_deleted_pod_links_to_its_last_owner() -> None:
    states = watched()
    with states.read("demo") as state:
        pod = next(p for p in state.list("Pod", "shop") if p["metadata"]["name"].startswith("api-"))
    name = pod["metadata"]["name"]
    delete(states, "Pod", "shop", name)
    model = view(states, "Pod", "shop", name)
    owner = model["owners"][0]
    assert (owner["kind"], owner["controller"], owner["link"]["page"]) == (
        "ReplicaSet",
        True,
        "object",
    )
    assert owner["name"] == pod["metadata"]["ownerReferences"][0]["name"]
    assert model["header"]["page"] is None  # its own page is gone with it


def test_the_change_log_is_asked_once_while_the_object_stays_away() -> None:
    states = watched()
    delete(states, "ConfigMap", "shop", "web-config")
    memo = ObjectMemo()
    with states.read("demo") as state:
        log = state.change_log
    asked = []
    real = log.last_of
    log.last_of = lambda ref: asked.append(ref) or real(ref)
    first = view(states, "ConfigMap", "shop", "web-config", memo)
    again = view(states, "ConfigMap", "shop", "web-config", memo)
    assert first == again and len(asked) == 1
