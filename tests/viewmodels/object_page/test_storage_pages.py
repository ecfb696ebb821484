"""The storage pages: the chain from any end and the words, on states made of the names real
clusters showed (shared/fixtures/real/storage/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from explorer.state.cluster_state import ClusterState

from .test_object_page import page, section, texts

REAL = Path("/tmp/shared/fixtures/real/storage")

# The kind cluster of kind-csi-hostpath-pv-pvc-pod-volumeattachment-describe.txt.
KIND_NODE = "csi-prow-worker"
KIND_DRIVER = "hostpath.csi.k8s.io"
KIND_HANDLE = "42bdc1e0-624e-11ea-beee-42d40678b2d1"
KIND_PV = "pvc-ad827273-8d08-430b-9d5a-e60e05a2bc3e"
KIND_POD_UID = "34bbb561-d240-4483-a56c-efcc6504518c"
KIND_ATTACHMENT = "csi-5f182b564c52cd52e04e148a1feef00d470155e051924893d3aee8c3b26b8471"


def obj(kind: str, name: str, namespace: str = "", **fields: Any) -> dict:
    meta = fields.pop("metadata", {})
    return {"kind": kind, "metadata": {"name": name, "namespace": namespace, **meta}, **fields}


def kind_cluster(**changes: Any) -> ClusterState:
    state = ClusterState("kind")
    state.upsert(obj("Node", KIND_NODE, status={"nodeInfo": {"kubeletVersion": "v1.17.0"}}))
    state.upsert(
        obj("StorageClass", "csi-hostpath-sc", provisioner=KIND_DRIVER, reclaimPolicy="Delete")
    )
    state.upsert(obj("CSIDriver", KIND_DRIVER, spec={"attachRequired": True}))
    state.upsert(
        obj("CSINode", KIND_NODE, spec={"drivers": [{"name": KIND_DRIVER, "nodeID": KIND_NODE}]})
    )
    state.upsert(
        obj(
            "PersistentVolumeClaim",
            "csi-pvc",
            "default",
            spec={
                "accessModes": ["ReadWriteOnce"],
                "resources": {"requests": {"storage": "1Gi"}},
                "storageClassName": "csi-hostpath-sc",
                "volumeName": KIND_PV,
            },
            status={"phase": "Bound", "capacity": {"storage": "1Gi"}},
        )
    )
    state.upsert(
        obj(
            "PersistentVolume",
            KIND_PV,
            spec={
                "accessModes": ["ReadWriteOnce"],
                "capacity": {"storage": "1Gi"},
                "claimRef": {"namespace": "default", "name": "csi-pvc"},
                "csi": {"driver": KIND_DRIVER, "volumeHandle": KIND_HANDLE},
                "persistentVolumeReclaimPolicy": changes.get("reclaim", "Delete"),
                "storageClassName": "csi-hostpath-sc",
            },
            status={"phase": changes.get("volume_phase", "Bound")},
        )
    )
    state.upsert(
        obj(
            "Pod",
            "my-csi-app",
            "default",
            metadata={"uid": KIND_POD_UID},
            spec={
                "nodeName": KIND_NODE,
                "volumes": [
                    {"name": "my-csi-volume", "persistentVolumeClaim": {"claimName": "csi-pvc"}}
                ],
            },
            status={"phase": "Running"},
        )
    )
    state.upsert(
        obj(
            "VolumeAttachment",
            changes.get("attachment", KIND_ATTACHMENT),
            spec={
                "attacher": KIND_DRIVER,
                "nodeName": KIND_NODE,
                "source": {"persistentVolumeName": KIND_PV},
            },
            status=changes.get("attachment_status", {"attached": True}),
        )
    )
    return state


def words(model: dict) -> list[str]:
    found = [s for s in model["sections"] if s["id"] == "why"]
    return [row[0] for row in found[0]["rows"]] if found else []


def steps(model: dict) -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in texts(section(model, "chain")["rows"])]


def test_the_attachment_page_leads_back_to_the_claim_and_the_pod_that_mounts_it() -> None:
    model = page(kind_cluster(), "VolumeAttachment", "", KIND_ATTACHMENT)
    assert steps(model) == [
        ("class", "csi-hostpath-sc"),
        ("volume", KIND_PV),
        ("claim", "default/csi-pvc"),
        ("pod", "my-csi-app"),
        ("driver", KIND_DRIVER),
        ("CSINode", KIND_NODE),
        ("attachment", KIND_ATTACHMENT),
    ]
    assert any("Named as the attach/detach controller names it" in s for s in words(model))


def test_an_attachment_named_otherwise_is_said_not_to_be_the_controllers() -> None:
    state = kind_cluster(attachment="default-magic-aws-stor-sgzld")
    model = page(state, "VolumeAttachment", "", "default-magic-aws-stor-sgzld")
    said = " ".join(words(model))
    assert f"Not the name the attach/detach controller gives ({KIND_ATTACHMENT})" in said


def test_a_failed_attachment_says_its_error_on_its_page_and_in_the_chain() -> None:
    failed = {
        "attached": False,
        "attachError": {"message": "rpc error: code = Internal", "time": "2026-01-01T00:00:00Z"},
    }
    state = kind_cluster(attachment_status=failed)
    model = page(state, "VolumeAttachment", "", KIND_ATTACHMENT)
    assert "Attaching failed at 2026-01-01T00:00:00Z: rpc error: code = Internal" in words(model)
    claim = page(state, "PersistentVolumeClaim", "default", "csi-pvc")
    chain = texts(section(claim, "chain")["rows"])
    assert chain[-1][2] == "attach failed: rpc error: code = Internal"


def test_the_claim_page_shows_where_kubelet_mounts_it_on_the_node() -> None:
    model = page(kind_cluster(), "PersistentVolumeClaim", "default", "csi-pvc")
    rows = texts(section(model, "on-the-node")["rows"])
    mount = f"/var/lib/kubelet/pods/{KIND_POD_UID}/volumes/kubernetes.io~csi/{KIND_PV}/mount"
    unknown = "not known: no mount table"
    assert rows[0] == ["my-csi-app", KIND_NODE, "pod mount", unknown, "", mount]
    note = section(model, "on-the-node")["note"]
    assert note.endswith(f"No mount table of {KIND_NODE}: no collection has read it yet.")
    assert (
        f"{mount}/hello-world"
        in (REAL / "kind-csi-hostpath-pv-pvc-pod-volumeattachment-describe.txt").read_text()
    )
    assert rows[1][5] == f"/var/lib/kubelet/plugins/kubernetes.io/csi/pv/{KIND_PV}/globalmount"
    assert rows[2] == ["", KIND_NODE, "attachment", "attached", "", KIND_ATTACHMENT]


def test_the_driver_page_lists_its_nodes_and_the_volumes_down_to_their_pods() -> None:
    model = page(kind_cluster(), "CSIDriver", "", KIND_DRIVER)
    assert texts(section(model, "csi-nodes")["rows"]) == [[KIND_NODE, KIND_NODE, "none said", "1"]]
    assert texts(section(model, "volumes")["rows"]) == [
        [KIND_PV, "Bound", "1Gi", "default/csi-pvc", "my-csi-app", KIND_NODE]
    ]


def test_the_csi_node_page_gives_the_driver_node_id_and_attach_limit_of_a_real_csinode() -> None:
    raw = (REAL / "aks-azuredisk-csinode-allocatable-nodegetinfo.txt").read_text()
    document = raw.split("\n\n")[0].replace("metadata:\n...\n", "")
    csi_node = yaml.safe_load(document)
    csi_node["metadata"] = {"name": "aks-nodepool1-75219208-0"}
    state = ClusterState("aks")
    state.upsert(csi_node)
    model = page(state, "CSINode", "", "aks-nodepool1-75219208-0")
    assert texts(section(model, "drivers")["rows"]) == [
        ["disk.csi.azure.com", "aks-nodepool1-75219208-0", "8", "0"]
    ]


def test_a_claim_naming_no_class_in_a_cluster_without_a_default_is_pending_for_that() -> None:
    state = ClusterState("c")
    claim = obj(
        "PersistentVolumeClaim",
        "orphan",
        "app",
        spec={"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "5Gi"}}},
        status={"phase": "Pending"},
    )
    state.upsert(claim)
    said = words(page(state, "PersistentVolumeClaim", "app", "orphan"))
    assert said[0].startswith("It names no StorageClass and the cluster has no default class")
    assert "No PersistentVolume is Available to bind it." in said


def test_a_claim_of_a_class_that_does_not_exist_says_so() -> None:
    state = ClusterState("c")
    state.upsert(
        obj(
            "PersistentVolumeClaim",
            "c",
            "app",
            spec={"storageClassName": "fast", "accessModes": ["ReadWriteOnce"]},
            status={"phase": "Pending"},
        )
    )
    said = words(page(state, "PersistentVolumeClaim", "app", "c"))
    assert said[0].startswith("There is no StorageClass fast: nothing will provision")


def aks_waiting(**annotations: str) -> ClusterState:
    """The AKS claim of aks-azuredisk-pending-pvc-waitforfirstconsumer-describe.txt."""
    state = ClusterState("aks")
    state.upsert(
        obj(
            "StorageClass",
            "default",
            metadata={"annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
            provisioner="disk.csi.azure.com",
            volumeBindingMode="WaitForFirstConsumer",
            allowVolumeExpansion=True,
        )
    )
    state.upsert(obj("CSIDriver", "disk.csi.azure.com", spec={}))
    state.upsert(
        obj(
            "PersistentVolumeClaim",
            "my-azuredisk",
            "default",
            metadata={"annotations": annotations},
            spec={"storageClassName": "default", "accessModes": ["ReadWriteOnce"]},
            status={"phase": "Pending"},
        )
    )
    return state


def test_a_wait_for_first_consumer_claim_without_a_pod_waits_for_one() -> None:
    said = words(page(aks_waiting(), "PersistentVolumeClaim", "default", "my-azuredisk"))
    assert said[0] == (
        "Its class default waits for the first consumer: no pod uses the claim yet, so no volume "
        "is made (waiting for first consumer to be created before binding)."
    )


def test_a_wait_for_first_consumer_claim_names_the_node_the_scheduler_picked() -> None:
    node = "aks-nodepool1-29436964-vmss000002"
    state = aks_waiting(**{"volume.kubernetes.io/selected-node": node})
    said = words(page(state, "PersistentVolumeClaim", "default", "my-azuredisk"))
    assert f"the scheduler picked node {node} for it" in said[0]
    assert "disk.csi.azure.com" in said[0]


def test_a_class_whose_provisioner_is_registered_nowhere_says_it_is_missing() -> None:
    state = aks_waiting()
    state.delete("CSIDriver", "", "disk.csi.azure.com")
    said = words(page(state, "PersistentVolumeClaim", "default", "my-azuredisk"))
    assert said[1].startswith("The provisioner disk.csi.azure.com is missing")


def test_no_available_volume_matches_by_class_mode_size_or_selector() -> None:
    state = ClusterState("c")
    state.upsert(obj("StorageClass", "local", provisioner="kubernetes.io/no-provisioner"))

    def volume(name: str, size: str, modes: list[str], cls: str = "local", labels=None) -> None:
        spec = {"capacity": {"storage": size}, "accessModes": modes, "storageClassName": cls}
        meta = {"labels": labels or {}}
        state.upsert(
            obj("PersistentVolume", name, metadata=meta, spec=spec, status={"phase": "Available"})
        )

    volume("small", "1Gi", ["ReadWriteMany"], labels={"tier": "db"})
    volume("one-node", "50Gi", ["ReadWriteOnce"], labels={"tier": "db"})
    volume("elsewhere", "50Gi", ["ReadWriteMany"], cls="other")
    volume("web", "50Gi", ["ReadWriteMany"], labels={"tier": "web"})
    state.upsert(
        obj(
            "PersistentVolumeClaim",
            "shared",
            "app",
            spec={
                "storageClassName": "local",
                "accessModes": ["ReadWriteMany"],
                "resources": {"requests": {"storage": "10Gi"}},
                "selector": {"matchLabels": {"tier": "db"}},
            },
            status={"phase": "Pending"},
        )
    )
    said = words(page(state, "PersistentVolumeClaim", "app", "shared"))
    assert "Its class local has no provisioner" in said[0]
    assert said[1] == (
        "No Available PersistentVolume matches it: 1 not chosen by its selector; 1 of another "
        "class; 1 too small; 1 without the access mode ReadWriteMany."
    )


def test_a_released_volume_under_retain_will_never_bind_again() -> None:
    state = kind_cluster(reclaim="Retain", volume_phase="Released")
    state.delete("PersistentVolumeClaim", "default", "csi-pvc")
    said = words(page(state, "PersistentVolume", "", KIND_PV))
    assert said[0].startswith("Released: its claim default/csi-pvc was deleted. It will never bind")


def test_a_bound_claim_says_what_deleting_it_does_to_its_volume() -> None:
    retain = words(
        page(kind_cluster(reclaim="Retain"), "PersistentVolumeClaim", "default", "csi-pvc")
    )
    delete = words(page(kind_cluster(), "PersistentVolumeClaim", "default", "csi-pvc"))
    assert any("Retain: the volume stays, Released, with its data" in s for s in retain)
    assert any("Delete: the volume and the storage behind it are deleted" in s for s in delete)


def test_an_expansion_in_progress_says_requested_against_capacity_and_its_conditions() -> None:
    state = aks_waiting()
    claim = state.get("PersistentVolumeClaim", "default", "my-azuredisk")
    grown = {
        **claim,
        "spec": {**claim["spec"], "resources": {"requests": {"storage": "20Gi"}}},
        "status": {
            "phase": "Bound",
            "capacity": {"storage": "10Gi"},
            "conditions": [{"type": "FileSystemResizePending", "status": "True"}],
            "allocatedResourceStatuses": {"storage": "NodeResizePending"},
        },
    }
    state.upsert(grown)
    said = words(page(state, "PersistentVolumeClaim", "default", "my-azuredisk"))
    assert "Expansion in progress: asks for 20Gi, has 10Gi." in said
    assert (
        "FileSystemResizePending: waiting for a pod to mount it so the node grows the filesystem."
        in said
    )
    assert (
        "storage: NodeResizePending: the node is to grow the filesystem once a pod mounts it."
        in said
    )


def test_access_modes_are_explained_read_write_once_pod_included() -> None:
    state = aks_waiting()
    claim = state.get("PersistentVolumeClaim", "default", "my-azuredisk")
    state.upsert({**claim, "spec": {**claim["spec"], "accessModes": ["ReadWriteOncePod"]}})
    said = words(page(state, "PersistentVolumeClaim", "default", "my-azuredisk"))
    assert said[-1].startswith(
        "ReadWriteOncePod (RWOP): read-write by one pod in the whole cluster"
    )


def test_a_terminating_claim_names_the_pod_that_still_holds_it() -> None:
    state = kind_cluster()
    claim = state.get("PersistentVolumeClaim", "default", "csi-pvc")
    meta = {
        **claim["metadata"],
        "deletionTimestamp": "2026-01-01T00:00:00Z",
        "finalizers": ["kubernetes.io/pvc-protection"],
    }
    state.upsert({**claim, "metadata": meta})
    said = words(page(state, "PersistentVolumeClaim", "default", "csi-pvc"))
    assert (
        said[0] == "Terminating since 2026-01-01T00:00:00Z, held by kubernetes.io/pvc-protection."
    )
    assert (
        said[1] == "kubernetes.io/pvc-protection keeps it while pods use it: my-csi-app (Running)."
    )


def test_a_terminating_volume_names_its_claim_and_its_attachments() -> None:
    state = kind_cluster()
    volume = state.get("PersistentVolume", "", KIND_PV)
    meta = {
        **volume["metadata"],
        "deletionTimestamp": "2026-01-01T00:00:00Z",
        "finalizers": ["kubernetes.io/pv-protection", "external-attacher/hostpath-csi-k8s-io"],
    }
    state.upsert({**volume, "metadata": meta})
    said = words(page(state, "PersistentVolume", "", KIND_PV))
    assert (
        "kubernetes.io/pv-protection keeps it while it is bound to the claim default/csi-pvc, "
        "which pods still use: my-csi-app (Running)." in said
    )
    assert (
        f"external-attacher/hostpath-csi-k8s-io waits for its attachments to go: {KIND_ATTACHMENT}."
        in said
    )


def terminating_claim(state: ClusterState) -> None:
    claim = state.get("PersistentVolumeClaim", "default", "csi-pvc")
    meta = {
        **claim["metadata"],
        "deletionTimestamp": "2026-01-01T00:00:00Z",
        "finalizers": ["kubernetes.io/pvc-protection"],
    }
    state.upsert({**claim, "metadata": meta})


def test_a_completed_pod_still_holds_a_terminating_claim_until_it_is_deleted() -> None:
    state = kind_cluster()
    pod = state.get("Pod", "default", "my-csi-app")
    state.upsert({**pod, "status": {"phase": "Succeeded"}})
    terminating_claim(state)
    said = words(page(state, "PersistentVolumeClaim", "default", "csi-pvc"))
    assert said[1] == (
        "kubernetes.io/pvc-protection keeps it while pods use it: my-csi-app (Succeeded)."
    )
    assert said[2] == (
        "A completed pod still holds it until the pod itself is deleted: my-csi-app."
    )


def test_a_pod_not_yet_scheduled_does_not_hold_a_terminating_claim() -> None:
    state = kind_cluster()
    pod = state.get("Pod", "default", "my-csi-app")
    state.upsert({**pod, "spec": {**pod["spec"], "nodeName": ""}, "status": {"phase": "Pending"}})
    terminating_claim(state)
    said = words(page(state, "PersistentVolumeClaim", "default", "csi-pvc"))
    assert not any("keeps it while pods use it" in s for s in said)
    assert "Not scheduled, so not holding it (kubelet will not start them): my-csi-app." in said


def test_a_generic_ephemeral_volumes_claim_is_held_by_its_pod_until_kubelet_is_done() -> None:
    state = ClusterState("c")
    state.upsert(
        obj(
            "PersistentVolumeClaim",
            "builder-scratch",
            "ci",
            metadata={
                "deletionTimestamp": "2026-01-01T00:00:00Z",
                "finalizers": ["kubernetes.io/pvc-protection"],
            },
            spec={"accessModes": ["ReadWriteOnce"]},
            status={"phase": "Bound"},
        )
    )
    pod = obj(
        "Pod",
        "builder",
        "ci",
        spec={"nodeName": "n1", "volumes": [{"name": "scratch", "ephemeral": {}}]},
        status={"phase": "Running"},
    )
    state.upsert(pod)
    model = page(state, "PersistentVolumeClaim", "ci", "builder-scratch")
    assert "kubernetes.io/pvc-protection keeps it while pods use it: builder (Running)." in words(
        model
    )
    assert texts(section(model, "mounted-by")["rows"])[0][0] == "builder"
    gone = {**pod["metadata"], "deletionTimestamp": "x", "deletionGracePeriodSeconds": 0}
    state.upsert({**pod, "metadata": gone})
    said = words(page(state, "PersistentVolumeClaim", "ci", "builder-scratch"))
    assert not any("keeps it while pods use it" in s for s in said)


def test_every_access_mode_is_explained_by_its_short_name() -> None:
    state = aks_waiting()
    claim = state.get("PersistentVolumeClaim", "default", "my-azuredisk")
    modes = ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod", "Sideways"]
    state.upsert({**claim, "spec": {**claim["spec"], "accessModes": modes}})
    said = words(page(state, "PersistentVolumeClaim", "default", "my-azuredisk"))[-5:]
    assert [s.split(":")[0] for s in said] == [
        "ReadWriteOnce (RWO)",
        "ReadOnlyMany (ROX)",
        "ReadWriteMany (RWX)",
        "ReadWriteOncePod (RWOP)",
        "Sideways",
    ]
    assert "one node at a time" in said[0] and "many nodes" in said[2]
    assert said[4] == "Sideways: not an access mode Kubernetes knows."


def test_a_claim_without_a_class_is_given_the_newest_of_two_default_classes() -> None:
    state = aks_waiting()
    newer = obj(
        "StorageClass",
        "premium",
        metadata={
            "annotations": {"storageclass.kubernetes.io/is-default-class": "true"},
            "creationTimestamp": "2026-02-01T00:00:00Z",
        },
        provisioner="disk.csi.azure.com",
    )
    state.upsert(newer)
    claim = state.get("PersistentVolumeClaim", "default", "my-azuredisk")
    spec = {k: v for k, v in claim["spec"].items() if k != "storageClassName"}
    state.upsert({**claim, "spec": spec})
    said = words(page(state, "PersistentVolumeClaim", "default", "my-azuredisk"))
    assert said[0] == ("It names no StorageClass; the default class premium will be given to it.")


def test_a_lost_claim_says_its_volume_is_gone() -> None:
    state = kind_cluster()
    claim = state.get("PersistentVolumeClaim", "default", "csi-pvc")
    state.upsert({**claim, "status": {"phase": "Lost"}})
    state.delete("PersistentVolume", "", KIND_PV)
    said = words(page(state, "PersistentVolumeClaim", "default", "csi-pvc"))
    assert said[0].startswith(f"Lost: the volume {KIND_PV} it was bound to no longer exists.")
