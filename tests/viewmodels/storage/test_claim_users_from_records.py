"""The storage pages find the pods of the claims by the pods' records (explorer/state/records.py
`claims`), generic ephemeral volumes' pods by name, and read the CSI inline volumes once per
record: the same pods as a walk over every pod finds."""

from __future__ import annotations

import copy
from collections import Counter

import pytest

from explorer.demo.cluster import build_demo
from explorer.lib.objects import key_of, name_of
from explorer.state.cluster_state import ClusterState
from explorer.viewmodels.objects import storage_words as words_of
from explorer.viewmodels.objects.storage import claim_users
from explorer.viewmodels.storage.claim_users import ClaimUsers, has_inline_volume


def with_every_kind_of_volume(state: ClusterState) -> ClusterState:
    """The demo with a pod of two generic ephemeral volumes (one claim made, one not) and a CSI
    inline volume, a pod whose name is another's up to a dash, and a pod naming a claim twice."""
    base = state.get("Pod", "shop", "db-0")
    builder = copy.deepcopy(base)
    builder["metadata"].update(name="builder", uid="builder")
    builder["spec"]["volumes"] = [
        {"name": "scratch", "ephemeral": {"volumeClaimTemplate": {}}},
        {"name": "cache", "ephemeral": {"volumeClaimTemplate": {}}},
        {"name": "secrets", "csi": {"driver": "secrets-store.csi.k8s.io"}},
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
    made = copy.deepcopy(state.get("PersistentVolumeClaim", "shop", "exports"))
    made["metadata"].update(name="builder-scratch", uid="builder-scratch")
    state.upsert(made)
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


def test_claim_users_from_records_equal_those_from_the_pods(state) -> None:
    expected = users_from_pods(state)
    assert ("shop", "builder-cache") in expected and ("shop", "builder-scratch-x-v") in expected
    kept = ClaimUsers().fill(state)
    assert kept.users() == expected
    assert kept.inline_drivers() == Counter(
        {"secrets-store.csi.k8s.io": sum(has_inline_volume(p) for p in state.list("Pod"))}
    )
    index = claim_users(state)  # the objects pages': names, ephemeral ones found by name
    for (namespace, claim), pods in expected.items():
        assert words_of.pods_using(state, namespace, claim) == pods, claim
        names = words_of.user_names(state, index, namespace, claim)
        assert names == [name_of(p) for p in pods], claim
    assert words_of.pods_using(state, "shop", "builder-nothing") == []


def test_a_build_again_reads_only_the_pods_whose_records_changed(state) -> None:
    state = with_every_kind_of_volume(build_demo(nodes=5))
    kept = ClaimUsers().fill(state)
    read: list[tuple[str, str]] = []
    get = state.get

    def counted(kind: str, namespace: str, name: str) -> dict | None:
        read.append((namespace, name))
        return get(kind, namespace, name)

    state.get = counted  # type: ignore[method-assign]
    kept.fill(state)
    assert read == []
    changed = copy.deepcopy(get("Pod", "shop", "builder"))
    changed["spec"]["volumes"] = changed["spec"]["volumes"][:1]
    state.upsert(changed)
    kept.fill(state)
    assert read == [("shop", "builder")]
    del state.get
    assert kept.users() == users_from_pods(state)
    assert kept.inline_drivers() == Counter()
