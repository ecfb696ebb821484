"""The cluster's storage page on the demo's storage stories (a claim of no class, a claim
waiting for its first consumer, an expansion, a Released volume under Retain, a failed
attachment), on hostile names, and on a cluster too big to draw object by object."""

from __future__ import annotations

import copy

import pytest

from explorer.demo import build_demo
from explorer.lib.objects import name_of
from explorer.state.cluster_state import Change, ClusterState
from explorer.viewmodels.objects.storage_words import claims_of
from explorer.viewmodels.registry import get_view
from explorer.viewmodels.storage import flow as storage_flow
from explorer.viewmodels.storage.page import concerns

from ..workload_states import ESCAPED, HOSTILE, every_plotly_text


def build(state: ClusterState) -> dict:
    view = get_view("storage")
    return view.build(state, {"cluster": state.cluster}, view.memo())


@pytest.fixture(scope="module")
def demo() -> ClusterState:
    return build_demo()


@pytest.fixture(scope="module")
def model(demo) -> dict:
    return build(demo)


def volume_of(state: ClusterState, namespace: str, claim: str) -> str:
    return state.volume_for_claim(namespace, claim)["metadata"]["name"]


def rows(model: dict, what: str, name: str) -> list[dict]:
    return [
        r for r in model["attention"]["rows"] if r["what"] == what and r["object"]["text"] == name
    ]


def links_into(model: dict, target: str) -> dict[str, float]:
    return {
        link["source"]: link["value"]
        for link in model["links"].values()
        if link["target"] == target
    }


def links_from(model: dict, source: str) -> dict[str, float]:
    return {
        link["target"]: link["value"]
        for link in model["links"].values()
        if link["source"] == source
    }


def test_every_object_of_the_demo_is_a_box_in_its_column_coloured_by_phase(demo, model) -> None:
    nodes = model["nodes"]
    # the storage stories' and the pending stories' notebook home, its notebook and its backup
    assert model["header"]["counts"] == {"classes": 2, "volumes": 5, "claims": 6, "pods": 5}
    assert links_from(model, "claim:default/notebook-home") == {
        "pod:default/notebook-0": 20.0,
        "pod:default/notebook-backup": 20.0,
    }
    assert model["header"]["detail"] == "objects"
    bound = nodes["claim:shop/data-db-0"]
    assert (bound["column"], bound["phase"], bound["colour"]) == ("claim", "Bound", "#2ca02c")
    assert nodes["class:ceph-rbd"]["text"] == "ceph-rbd (default)"
    assert nodes["pod:shop/db-0"]["column"] == "pod"
    volume = nodes[f"volume:{volume_of(demo, 'shop', 'data-db-0')}"]
    assert len(volume["label"]) == storage_flow.MAX_VOLUME_LABEL and volume["label"][-1] == "…"
    assert volume["text"] in volume["hover"]  # the whole name on hover
    assert nodes["novolume:class:ceph-rbd-retain"]["label"] == "no volume yet (ceph-rbd-retain)"
    # every link joins neighbouring columns, so Plotly's depth is the column
    order = [c["id"] for c in model["columns"]]
    for link in model["links"].values():
        source, target = nodes[link["source"]]["column"], nodes[link["target"]]["column"]
        assert order.index(target) == order.index(source) + 1, link


def test_a_claim_of_no_class_hangs_from_no_class_through_no_volume_sized_as_it_asks(model):
    assert model["nodes"]["claim:shop/scratch"]["phase"] == "Pending"
    assert links_into(model, "claim:shop/scratch") == {"novolume:class:": 5.0}
    assert links_into(model, "novolume:class:") == {"class:": 5.0}
    (row,) = rows(model, "Pending", "shop/scratch")
    assert row["level"] == "problem"
    assert row["words"][0].startswith('It asks for no class (storageClassName "")')


def test_a_claim_waiting_for_its_first_consumer_is_as_designed(model) -> None:
    assert links_into(model, "claim:shop/exports") == {"novolume:class:ceph-rbd-retain": 20.0}
    (row,) = rows(model, "Pending", "shop/exports")
    assert row["level"] == "info"
    assert "waits for the first consumer: no pod uses the claim yet" in row["words"][0]
    assert [r["text"] for r in row["related"]] == ["ceph-rbd-retain"]


def test_a_released_volume_ends_in_its_column_and_says_it_never_binds_again(demo, model):
    released = [k for k, n in model["nodes"].items() if n["phase"] == "Released"]
    assert len(released) == 1 and released[0].startswith("volume:pvc-")
    assert links_from(model, released[0]) == {}
    assert links_into(model, released[0]) == {"class:ceph-rbd-retain": 50.0}
    (row,) = rows(model, "Released", released[0].removeprefix("volume:"))
    assert row["level"] == "notice" and row["kind"] == "volume"
    assert "It will never bind again by itself" in row["words"][0]


def test_the_growing_claim_is_sized_by_its_volume_and_its_expansion_listed(demo, model):
    volume = volume_of(demo, "shop", "data-db-1")
    assert links_into(model, "claim:shop/data-db-1") == {f"volume:{volume}": 20.0}
    assert links_from(model, "claim:shop/data-db-1") == {"pod:shop/db-1": 20.0}
    hover = model["nodes"]["claim:shop/data-db-1"]["hover"]
    assert "asks for: 20Gi" in hover and "capacity: 10Gi" in hover
    (row,) = rows(model, "expanding", "shop/data-db-1")
    assert row["level"] == "info"
    assert "Expansion in progress: asks for 20Gi, has 10Gi." in row["words"]
    assert [r["text"] for r in row["related"]] == [volume, "db-1"]


def test_the_failed_attachment_names_the_pod_that_waits_for_it(demo, model) -> None:
    assert model["nodes"]["pod:default/restore"]["phase"] == "Pending"
    assert links_into(model, "pod:default/restore") == {"claim:default/restore-data": 10.0}
    (row,) = [r for r in model["attention"]["rows"] if r["what"] == "attach failed"]
    assert row["level"] == "problem" and row["object"]["link"]["kind"] == "VolumeAttachment"
    assert "Connection timed out" in row["words"][0]
    assert row["words"][1].startswith("On node demo-worker, restore cannot start until")
    volume = volume_of(demo, "default", "restore-data")
    assert [r["text"] for r in row["related"]] == [volume, "demo-worker", "restore"]


def test_problems_come_first_and_are_counted(model) -> None:
    levels = [r["level"] for r in model["attention"]["rows"]]
    assert levels == sorted(levels, key=("problem", "notice", "info").index)
    assert model["header"]["attention"] == {"problem": 2, "notice": 1, "info": 2}


def test_every_box_leads_to_its_objects_page(model) -> None:
    nodes = model["nodes"]
    assert nodes["claim:shop/exports"]["link"] == {
        "page": "object",
        "kind": "PersistentVolumeClaim",
        "namespace": "shop",
        "name": "exports",
    }
    assert nodes["pod:shop/db-0"]["link"] == {"page": "pod", "namespace": "shop", "name": "db-0"}
    assert nodes["class:"]["link"] is None  # "no class" is nothing's page


def test_hostile_names_and_labels_are_escaped_for_plotly_and_plain_for_the_page() -> None:
    state = build_demo()
    claim = copy.deepcopy(state.get("PersistentVolumeClaim", "shop", "exports"))
    claim["metadata"].update(name=HOSTILE, uid="hostile", labels={"note": HOSTILE})
    claim["spec"]["storageClassName"] = HOSTILE
    state.upsert(claim)
    model = build(state)
    box = model["nodes"][f"claim:shop/{HOSTILE}"]
    assert box["label"] == f"shop/{ESCAPED}"
    assert box["text"] == f"shop/{HOSTILE}"
    assert f"<b>shop/{ESCAPED}</b>" in box["hover"] and f"class: {ESCAPED}" in box["hover"]
    for text in every_plotly_text(model):
        assert "<img" not in text, text
    (row,) = rows(model, "Pending", f"shop/{HOSTILE}")
    assert any(f"There is no StorageClass {HOSTILE}" in s for s in row["words"])  # plain text


def claim(namespace: str, name: str, size: str, volume: str = "") -> dict:
    spec = {"storageClassName": "fast", "resources": {"requests": {"storage": size}}}
    if volume:
        spec["volumeName"] = volume
    return {
        "kind": "PersistentVolumeClaim",
        "metadata": {"namespace": namespace, "name": name, "uid": f"{namespace}-{name}"},
        "spec": spec,
        "status": {"phase": "Bound" if volume else "Pending", "capacity": {"storage": size}},
    }


def big_cluster(namespaces: int, claims_each: int) -> ClusterState:
    state = ClusterState("big")
    state.upsert({"kind": "StorageClass", "metadata": {"name": "fast"}, "provisioner": "x"})
    for n in range(namespaces):
        ns = f"team-{n:03}"
        for c in range(claims_each):
            name, volume = f"data-{c}", f"pv-{n}-{c}"
            state.upsert(claim(ns, name, f"{n + 1}Gi", volume))
            state.upsert(
                {
                    "kind": "PersistentVolume",
                    "metadata": {"name": volume},
                    "spec": {
                        "storageClassName": "fast",
                        "capacity": {"storage": f"{n + 1}Gi"},
                        "claimRef": {"namespace": ns, "name": name},
                    },
                    "status": {"phase": "Bound"},
                }
            )
            state.upsert(
                {
                    "kind": "Pod",
                    "metadata": {"namespace": ns, "name": f"app-{c}", "uid": f"{ns}-{c}"},
                    "spec": {
                        "nodeName": "n1",
                        "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": name}}],
                    },
                    "status": {"phase": "Running"},
                }
            )
        state.upsert(claim(ns, "waiting", "1Gi"))
    return state


def test_a_big_cluster_is_grouped_per_namespace_and_says_so() -> None:
    model = build(big_cluster(namespaces=20, claims_each=10))
    header = model["header"]
    assert header["detail"] == "namespaces"
    assert "claims by namespace and phase" in header["detail_note"]
    assert header["counts"] == {"classes": 1, "volumes": 200, "claims": 220, "pods": 200}
    nodes = model["nodes"]
    assert len(nodes) < storage_flow.MAX_BOXES
    group = nodes["claims:team-004:Bound"]
    assert group["text"] == "Bound claims in team-004"
    assert "how many: 10" in group["hover"] and "total size: 50Gi" in group["hover"]
    assert links_from(model, "claims:team-004:Bound") == {"pods:team-004:Running": 50.0}
    assert links_into(model, "claims:team-004:Pending") == {"novolume:class:fast": 1.0}
    assert group["link"] == {
        "page": "object",
        "kind": "Namespace",
        "namespace": "",
        "name": "team-004",
    }


def test_beyond_so_many_namespaces_the_smallest_are_folded_into_one() -> None:
    model = build(big_cluster(namespaces=storage_flow.MAX_NAMESPACES + 10, claims_each=3))
    nodes = model["nodes"]
    kept = {k.split(":")[1] for k in nodes if k.startswith("claims:")}
    assert len(kept) == storage_flow.MAX_NAMESPACES + 1 and storage_flow.OTHER in kept
    assert "team-000" not in kept and "team-049" in kept  # the biggest kept
    other = nodes[f"claims:{storage_flow.OTHER}:Bound"]
    assert other["text"] == "Bound claims in other namespaces" and "how many: 30" in other["hover"]
    total_in = sum(
        link["value"] for link in model["links"].values() if link["source"] == "class:fast"
    )
    total_claimed = sum(
        link["value"] for link in model["links"].values() if link["target"].startswith("claims:")
    )
    assert total_in == pytest.approx(total_claimed)


def test_a_pod_without_claims_does_not_redraw_the_page_but_one_with_a_claim_does(demo) -> None:
    plain = next(p for p in demo.list("Pod") if not claims_of(p))
    mounting = demo.get("Pod", "shop", "db-0")
    assert not concerns({}, Change("MODIFIED", "Pod", "shop", "x", plain, plain))
    assert concerns({}, Change("DELETED", "Pod", "shop", "db-0", mounting, None))
    assert concerns({}, Change("MODIFIED", "StorageClass", "", "x", {}, None))


def test_a_terminating_claim_and_a_claim_no_one_made_are_listed_with_their_pods(demo) -> None:
    state = build_demo()
    held = copy.deepcopy(state.get("PersistentVolumeClaim", "shop", "data-db-0"))
    held["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    state.upsert(held)
    pod = copy.deepcopy(state.get("Pod", "shop", "db-0"))
    pod["metadata"].update(name="orphan", uid="orphan")
    pod["spec"]["volumes"] = [{"name": "d", "persistentVolumeClaim": {"claimName": "gone"}}]
    state.upsert(pod)
    model = build(state)
    (row,) = rows(model, "Terminating", "shop/data-db-0")
    assert (
        "kubernetes.io/pvc-protection keeps it while pods use it: db-0 (Running)." in row["words"]
    )
    assert [r["text"] for r in row["related"]] == ["db-0"]
    assert model["nodes"]["claim:shop/data-db-0"]["phase"] == "Terminating"
    (missing,) = rows(model, "claim not held", "shop/gone")
    assert missing["level"] == "problem"
    assert missing["words"][0].startswith("The pod orphan names the claim gone, which does not")
    # no size: drawn as 1% of the largest link (50Gi)
    assert links_into(model, "pod:shop/orphan") == {"missing:shop/gone": 0.5}


def test_ephemeral_volumes_flow_to_their_pod_and_csi_inline_ones_are_counted() -> None:
    state = build_demo()
    pod = copy.deepcopy(state.get("Pod", "shop", "db-0"))
    pod["metadata"].update(name="builder", uid="builder")
    pod["spec"]["volumes"] = [
        {"name": "scratch", "ephemeral": {"volumeClaimTemplate": {}}},
        {"name": "cache", "ephemeral": {"volumeClaimTemplate": {}}},
        {"name": "secrets", "csi": {"driver": "secrets-store.csi.k8s.io"}},
    ]
    state.upsert(pod)
    made = copy.deepcopy(state.get("PersistentVolumeClaim", "shop", "exports"))
    made["metadata"].update(name="builder-scratch", uid="builder-scratch")
    state.upsert(made)
    model = build(state)
    assert links_into(model, "pod:shop/builder") == {
        "claim:shop/builder-scratch": 20.0,
        "missing:shop/builder-cache": 0.5,
    }
    (row,) = rows(model, "claim not made yet", "shop/builder-cache")
    assert row["level"] == "notice"
    assert row["words"][0].startswith("The claim of builder's generic ephemeral volume")
    assert model["notes"] == [
        "1 CSI inline volume of secrets-store.csi.k8s.io (no claim, no size): not drawn."
    ]


def test_an_update_follows_pod_changes_and_draws_what_a_build_draws() -> None:
    state = build_demo()
    view = get_view("storage")
    params = {"cluster": state.cluster}
    memo = view.memo()
    view.build(state, params, memo)
    changes = [state.delete("Pod", "shop", "db-0")]  # the pod of a claim gone
    newcomer = copy.deepcopy(state.get("PersistentVolumeClaim", "shop", "exports"))
    pod = copy.deepcopy(next(p for p in state.list("Pod") if not claims_of(p)))
    pod["metadata"].update(name="newcomer", uid="newcomer", namespace="shop")
    pod["spec"]["volumes"] = [
        {"name": "d", "persistentVolumeClaim": {"claimName": name_of(newcomer)}},
        {"name": "secrets", "csi": {"driver": "secrets-store.csi.k8s.io"}},
    ]
    changes.append(state.upsert(pod))  # a pod naming a claim, and a CSI inline volume, comes
    user = next(p for p in state.list("Pod") if claims_of(p))
    dropped = copy.deepcopy(user)
    dropped["spec"]["volumes"] = []
    changes.append(state.upsert(dropped))  # a pod no longer names its claim
    changed = [c for c in changes if c is not None and concerns(params, c)]
    assert len(changed) == 3

    updated = view.update(state, params, memo, changed)

    assert updated == view.build(state, params, view.memo())
    assert links_into(updated, "pod:shop/newcomer") == {f"claim:shop/{name_of(newcomer)}": 20.0}
    assert updated["notes"] == [
        "1 CSI inline volume of secrets-store.csi.k8s.io (no claim, no size): not drawn."
    ]


def test_a_pod_with_a_csi_inline_volume_redraws_the_page() -> None:
    pod = {"metadata": {"name": "p"}, "spec": {"volumes": [{"name": "s", "csi": {"driver": "d"}}]}}
    assert concerns({}, Change("ADDED", "Pod", "shop", "p", pod, None))


def test_a_build_with_the_memo_kept_reads_the_pods_afresh() -> None:
    """The publisher builds with the memo it kept when it could not follow the changes one by
    one (too many, or a relist): that build must not draw the pods the memo held before."""
    state = build_demo()
    view = get_view("storage")
    params = {"cluster": state.cluster}
    memo = view.memo()
    view.build(state, params, memo)
    state.delete("Pod", "shop", "db-0")  # a change the memo is not told of

    rebuilt = view.build(state, params, memo)

    assert rebuilt == view.build(state, params, view.memo())
    assert "pod:shop/db-0" not in rebuilt["nodes"]
