"""The storage pages find the pods of the claims by the pods' records (explorer/state/records.py
`claims` and `ephemeral_claims`) and count the CSI inline volumes by `inline_drivers`: no pod is
unpacked to fill them, only the pods a page then draws, and they find the same pods as a walk
over every pod."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterator

import pytest

from explorer.demo.cluster import build_demo
from explorer.lib.objects import key_of, name_of, spec_of
from explorer.state.cluster_state import ClusterState
from explorer.viewmodels.objects import storage_words as words_of
from explorer.viewmodels.objects.storage import claim_users, describe_class
from explorer.viewmodels.objects.storage_mounts import claim_users_on_nodes
from explorer.viewmodels.registry import get_view
from explorer.viewmodels.storage.claim_users import ClaimUsers, has_inline_volume
from tests.state.views_of_the_demo import copied


class CountingState(ClusterState):
    """A state holding its pods packed that notes every pod it unpacks (by `get` or `list`)."""

    def __init__(self) -> None:
        super().__init__("demo", share_parts=True, pack=frozenset({"Pod"}))
        self.read: list[tuple[str, str]] = []

    def get(self, kind: str, namespace: str, name: str) -> dict | None:
        if kind == "Pod":
            self.read.append((namespace, name))
        return super().get(kind, namespace, name)

    def list(self, kind: str, namespace: str | None = None) -> Iterator[dict]:
        for obj in super().list(kind, namespace):
            if kind == "Pod":
                self.read.append(key_of(obj))
            yield obj


def with_every_kind_of_volume(state: ClusterState) -> ClusterState:
    """The demo with a pod of two generic ephemeral volumes (one claim made, one not) and CSI
    inline volumes (one driver unsaid), a pod whose name is another's up to a dash, a pod naming
    a claim twice and a pod naming one not scheduled."""
    base = state.get("Pod", "shop", "db-0")
    builder = copy.deepcopy(base)
    builder["metadata"].update(name="builder", uid="builder")
    builder["spec"]["volumes"] = [
        {"name": "scratch", "ephemeral": {"volumeClaimTemplate": {}}},
        {"name": "cache", "ephemeral": {"volumeClaimTemplate": {}}},
        {"name": "secrets", "csi": {"driver": "secrets-store.csi.k8s.io"}},
        {"name": "unsaid", "csi": {}},
    ]
    state.upsert(builder)
    cousin = copy.deepcopy(base)
    cousin["metadata"].update(name="builder-scratch-x", uid="cousin")
    cousin["spec"]["volumes"] = [{"name": "v", "ephemeral": {"volumeClaimTemplate": {}}}]
    state.upsert(cousin)
    twice = copy.deepcopy(base)
    twice["metadata"].update(name="twice", uid="twice")
    twice["spec"]["volumes"] = [
        {"name": "a", "persistentVolumeClaim": {"claimName": "data-db-0"}},
        {"name": "b", "persistentVolumeClaim": {"claimName": "data-db-0"}},
    ]
    state.upsert(twice)
    waiting = copy.deepcopy(base)
    waiting["metadata"].update(name="waiting", uid="waiting")
    waiting["spec"].pop("nodeName", None)
    state.upsert(waiting)
    made = copy.deepcopy(state.get("PersistentVolumeClaim", "shop", "exports"))
    made["metadata"].update(name="builder-scratch", uid="builder-scratch")
    state.upsert(made)
    return state


def counting() -> CountingState:
    state = copied(with_every_kind_of_volume(build_demo(nodes=5)), CountingState())
    state.read.clear()
    return state


@pytest.fixture(scope="module")
def state() -> ClusterState:
    return with_every_kind_of_volume(build_demo(nodes=5))


def users_from_pods(state: ClusterState) -> dict[tuple[str, str], list[dict]]:
    """What the storage page kept before: every pod by the claims it names, by key."""
    found: dict[tuple[str, str], dict[tuple[str, str], dict]] = {}
    for pod in state.list("Pod"):
        for claim, _ in words_of.claims_of(pod):
            found.setdefault((key_of(pod)[0], claim), {})[key_of(pod)] = pod
    return {claim: [pods[k] for k in sorted(pods)] for claim, pods in sorted(found.items())}


def on_nodes_from_pods(state: ClusterState, claim: dict) -> list[tuple[dict, str, str]]:
    """What `claim_users_on_nodes` found before: a walk over the namespace's every pod."""
    namespace, name = key_of(claim)
    found = []
    for pod in state.list("Pod", namespace):
        node = spec_of(pod).get("nodeName") or ""
        for volume in spec_of(pod).get("volumes") or ():
            if node and (volume.get("persistentVolumeClaim") or {}).get("claimName") == name:
                found.append((pod, node, str(volume.get("name") or "")))
                break
    return found


def test_claim_users_from_records_equal_those_from_the_pods(state) -> None:
    expected = users_from_pods(state)
    assert ("shop", "builder-cache") in expected and ("shop", "builder-scratch-x-v") in expected
    kept = ClaimUsers().fill(state)
    assert kept.users() == expected
    assert kept.inline_drivers() == Counter(
        {"secrets-store.csi.k8s.io": sum(has_inline_volume(p) for p in state.list("Pod")), "?": 1}
    )
    index = claim_users(state)  # the objects pages': names, generic ephemeral volumes' too
    for (namespace, claim), pods in expected.items():
        assert words_of.pods_using(state, namespace, claim) == pods, claim
        names = words_of.user_names(index, namespace, claim)
        assert names == [name_of(p) for p in pods], claim
    assert words_of.pods_using(state, "shop", "builder-nothing") == []
    assert words_of.user_names(index, "shop", "builder-nothing") == []
    for claim in state.list("PersistentVolumeClaim"):
        assert claim_users_on_nodes(state, claim) == on_nodes_from_pods(state, claim)
    assert [name_of(p) for p, _, _ in claim_users_on_nodes(state, data_db_0(state))] == [
        "db-0",
        "twice",
    ]


def data_db_0(state: ClusterState) -> dict:
    return state.get("PersistentVolumeClaim", "shop", "data-db-0")


def test_filling_claim_users_and_finding_a_claims_pods_unpack_no_pod() -> None:
    state = counting()
    expected = users_from_pods(state)
    state.read.clear()
    kept = ClaimUsers().fill(state)
    index = claim_users(state)
    found = {claim: words_of.records_using(state, *claim) for claim in expected}
    assert state.read == []
    assert {claim: [p.name for p in pods] for claim, pods in found.items()} == {
        claim: [name_of(p) for p in pods] for claim, pods in expected.items()
    }
    assert all(words_of.user_names(index, *claim) for claim in expected)
    describe_class(
        state, state.get("StorageClass", "", spec_of(data_db_0(state))["storageClassName"])
    )
    assert state.read == []  # a class's claims' pods are links, by name
    assert kept.users() == expected
    drawn = sorted({key_of(p) for pods in expected.values() for p in pods})
    assert sorted(state.read) == drawn  # each pod naming a claim, once, to be drawn
    state.read.clear()
    assert (
        words_of.pods_using(state, "shop", "builder-cache") == expected[("shop", "builder-cache")]
    )
    assert state.read == [("shop", "builder")]


def test_a_claims_pods_on_nodes_and_holders_unpack_only_those_drawn() -> None:
    state = counting()
    claim = data_db_0(state)
    expected = on_nodes_from_pods(state, claim)
    state.read.clear()
    assert claim_users_on_nodes(state, claim) == expected
    assert state.read == [("shop", "db-0"), ("shop", "twice")]  # not "waiting", not scheduled
    state.read.clear()
    assert [name_of(p) for p in words_of.holding_pods(state, claim)] == ["db-0", "twice"]
    assert state.read == [("shop", "db-0"), ("shop", "twice")]


def test_the_storage_page_unpacks_only_the_pods_naming_a_claim() -> None:
    state = counting()
    users = {key_of(p) for pods in users_from_pods(state).values() for p in pods}
    state.read.clear()
    view = get_view("storage")
    view.build(state, {"cluster": state.cluster}, view.memo())
    assert state.read and set(state.read) <= users


def test_a_build_again_unpacks_no_pod_and_follows_the_changed_records() -> None:
    state = counting()
    kept = ClaimUsers().fill(state)
    changed = copy.deepcopy(state.get("Pod", "shop", "builder"))
    changed["spec"]["volumes"] = changed["spec"]["volumes"][:1]
    state.upsert(changed)
    state.read.clear()
    kept.fill(state)
    assert state.read == []
    assert kept.users() == users_from_pods(state)
    assert kept.inline_drivers() == Counter()
