"""Why, in words: why a claim is Pending, what deleting a claim or a volume does, an expansion in
progress or failed, what the access modes allow, what holds an object Terminating, and whether
an attachment failed. Each function gives sentences (plain text) for the storage pages.

The pods of a claim are found by the pods' records (explorer/state/records.py: the claims their
volumes name, generic ephemeral volumes' `<pod>-<volume>` included): only the pods drawn are
unpacked."""

from __future__ import annotations

from decimal import Decimal

from explorer.lib.objects import (
    annotations_of,
    conditions_of,
    key_of,
    meta_of,
    name_of,
    spec_of,
    status_of,
)
from explorer.lib.quantities import parse_quantity
from explorer.lib.selectors import selector_matches
from explorer.state.cluster_state import ClusterState
from explorer.state.records import PodRecord, records

Key = tuple[str, str]

DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class"
SELECTED_NODE = "volume.kubernetes.io/selected-node"
NO_PROVISIONER = "kubernetes.io/no-provisioner"
PVC_PROTECTION = "kubernetes.io/pvc-protection"
PV_PROTECTION = "kubernetes.io/pv-protection"
ACCESS_MODES = {
    "ReadWriteOnce": (
        "RWO",
        "read-write, mounted on one node at a time (pods on that node may share it)",
    ),
    "ReadOnlyMany": ("ROX", "read-only, mounted on many nodes at once"),
    "ReadWriteMany": ("RWX", "read-write, mounted on many nodes at once"),
    "ReadWriteOncePod": (
        "RWOP",
        "read-write by one pod in the whole cluster (the scheduler keeps a second pod Pending)",
    ),
}


def access_modes(modes: list[str]) -> list[str]:
    return [
        f"{mode} ({ACCESS_MODES[mode][0]}): {ACCESS_MODES[mode][1]}."
        if mode in ACCESS_MODES
        else f"{mode}: not an access mode Kubernetes knows."
        for mode in modes
    ]


def default_classes(state: ClusterState) -> list[dict]:
    """The classes marked default, the one a claim without a class is given first: when several
    are, Kubernetes (1.26+) gives the newest (the later name on a tie)."""
    marked = [
        c for c in state.list("StorageClass", "") if annotations_of(c).get(DEFAULT_CLASS) == "true"
    ]
    return sorted(
        marked,
        key=lambda c: (str(meta_of(c).get("creationTimestamp") or ""), name_of(c)),
        reverse=True,
    )


def claims_of(pod: dict) -> list[tuple[str, bool]]:
    """The claims a pod's volumes name, each with whether it is a generic ephemeral volume's (the
    claim `<pod>-<volume>` that the ephemeral volume controller makes for the pod)."""
    found: list[tuple[str, bool]] = []
    for volume in spec_of(pod).get("volumes") or ():
        if not isinstance(volume, dict):
            continue
        named = (volume.get("persistentVolumeClaim") or {}).get("claimName")
        if named:
            found.append((str(named), False))
        elif isinstance(volume.get("ephemeral"), dict):
            found.append((f"{name_of(pod)}-{volume.get('name') or ''}", True))
    return found


def pods_using(state: ClusterState, namespace: str, claim: str) -> list[dict]:
    """The pods whose volumes name the claim, generic ephemeral volumes' included, by name."""
    return _pods(state, namespace, [pod.name for pod in records_using(state, namespace, claim)])


def records_using(state: ClusterState, namespace: str, claim: str) -> list[PodRecord]:
    """The records of the pods whose volumes name the claim, generic ephemeral volumes'
    included, by name: no pod is unpacked."""
    return sorted(
        (
            pod
            for pod in records(state, "Pod", namespace)
            if claim in pod.claims or claim in pod.ephemeral_claims
        ),
        key=_by_name,
    )


def claim_index(state: ClusterState) -> dict[Key, set[str]]:
    """(namespace, claim) -> the names of the pods whose volumes name it, generic ephemeral
    volumes' included, from every pod's record."""
    index: dict[Key, set[str]] = {}
    for pod in records(state, "Pod"):
        for claim in (*pod.claims, *pod.ephemeral_claims):
            index.setdefault((pod.namespace, claim), set()).add(pod.name)
    return index


def user_names(index: dict[Key, set[str]], namespace: str, claim: str) -> list[str]:
    """The names of the pods whose volumes name the claim (`index`: `claim_index`), sorted."""
    return sorted(index.get((namespace, claim), ()))


def _by_name(pod: PodRecord) -> str:
    return pod.name


def _pods(state: ClusterState, namespace: str, names: list[str]) -> list[dict]:
    return [pod for name in names if (pod := state.get("Pod", namespace, name)) is not None]


def _size(text: object) -> Decimal | None:
    try:
        return parse_quantity(str(text)) if text is not None else None
    except (ValueError, ArithmeticError):
        return None


def _requested(claim: dict) -> str | None:
    return ((spec_of(claim).get("resources") or {}).get("requests") or {}).get("storage")


def why_pending(state: ClusterState, claim: dict) -> list[str]:
    """Why a claim is not Bound, from its class, its pods and the volumes that could bind it."""
    if status_of(claim).get("phase") != "Pending":
        return []
    namespace, name = key_of(claim)
    spec = spec_of(claim)
    said: list[str] = []
    wanted = spec.get("volumeName")
    if wanted:
        volume = state.get("PersistentVolume", "", wanted)
        if volume is None:
            return [f"It asks for the volume {wanted}, which does not exist."]
        ref = spec_of(volume).get("claimRef") or {}
        if ref.get("name") and (ref.get("namespace"), ref.get("name")) != (namespace, name):
            return [f"It asks for the volume {wanted}, bound to {ref['namespace']}/{ref['name']}."]
    class_name = spec.get("storageClassName")
    storage_class = None
    if class_name is None:
        defaults = default_classes(state)
        if not defaults:
            said.append(
                "It names no StorageClass and the cluster has no default class: nothing will "
                "provision a volume for it. A PersistentVolume without a class can bind it, or, "
                "once a default class is set, the claim is given that class (Kubernetes 1.28+)."
            )
        else:
            storage_class = defaults[0]
            said.append(
                f"It names no StorageClass; the default class {name_of(storage_class)} "
                "will be given to it."
            )
    elif class_name == "":
        said.append(
            'It asks for no class (storageClassName ""): only a PersistentVolume without a '
            "class can bind it, and nothing provisions one."
        )
    else:
        storage_class = state.get("StorageClass", "", class_name)
        if storage_class is None:
            said.append(
                f"There is no StorageClass {class_name}: nothing will provision a volume for it; "
                f"only a PersistentVolume of class {class_name} can bind it."
            )
    if storage_class is not None:
        said += _class_words(state, claim, storage_class)
    said += _no_match(state, claim)
    return said


def _class_words(state: ClusterState, claim: dict, storage_class: dict) -> list[str]:
    namespace, name = key_of(claim)
    provisioner = str(storage_class.get("provisioner") or "")
    said: list[str] = []
    if storage_class.get("volumeBindingMode") == "WaitForFirstConsumer":
        node = annotations_of(claim).get(SELECTED_NODE)
        users = records_using(state, namespace, name)
        if node:
            said.append(
                f"Its class {name_of(storage_class)} waits for the first consumer; the scheduler "
                f"picked node {node} for it, and the provisioner {provisioner} is to create the "
                "volume where that node can reach it."
            )
        elif users:
            pods = ", ".join(p.name for p in users)
            said.append(
                f"Its class {name_of(storage_class)} waits for the first consumer: the pod "
                f"{pods} uses it, and the volume is made once the scheduler places that pod."
            )
        else:
            said.append(
                f"Its class {name_of(storage_class)} waits for the first consumer: no pod uses "
                "the claim yet, so no volume is made (waiting for first consumer to be created "
                "before binding)."
            )
    if provisioner == NO_PROVISIONER:
        said.append(
            f"Its class {name_of(storage_class)} has no provisioner: only a PersistentVolume "
            "made by hand (a local volume) can bind it."
        )
    elif provisioner and not _provisioner_known(state, provisioner):
        said.append(
            f"The provisioner {provisioner} is missing: no CSIDriver and no node's CSINode "
            "names it, so nothing will make the volume."
        )
    return said


def _provisioner_known(state: ClusterState, provisioner: str) -> bool:
    if provisioner.startswith("kubernetes.io/"):
        return True  # in-tree: kube-controller-manager provisions it (or CSI migration does)
    if state.get("CSIDriver", "", provisioner) is not None:
        return True
    return any(
        d.get("name") == provisioner
        for n in state.list("CSINode", "")
        for d in spec_of(n).get("drivers") or ()
    )


def _no_match(state: ClusterState, claim: dict) -> list[str]:
    """Why no Available volume matches it: by class, access mode, size, selector or mode."""
    spec = spec_of(claim)
    if spec.get("volumeName"):
        return []
    wanted_class = spec.get("storageClassName") or ""
    wanted_size = _size(_requested(claim))
    modes = set(spec.get("accessModes") or ())
    selector = spec.get("selector")
    volume_mode = spec.get("volumeMode") or "Filesystem"
    reasons: dict[str, int] = {}
    available = 0
    for volume in state.list("PersistentVolume", ""):
        if status_of(volume).get("phase") != "Available" or spec_of(volume).get("claimRef"):
            continue
        available += 1
        reason = _mismatch(volume, wanted_class, wanted_size, modes, selector, volume_mode)
        if reason:
            reasons[reason] = reasons.get(reason, 0) + 1
    if not available:
        return (
            ["No PersistentVolume is Available to bind it."]
            if not _provisions(state, claim)
            else []
        )
    if not reasons:
        return []
    told = "; ".join(f"{count} {reason}" for reason, count in sorted(reasons.items()))
    return [f"No Available PersistentVolume matches it: {told}."]


def _provisions(state: ClusterState, claim: dict) -> bool:
    class_name = spec_of(claim).get("storageClassName")
    storage_class = state.get("StorageClass", "", class_name) if class_name else None
    if class_name is None:
        defaults = default_classes(state)
        storage_class = defaults[0] if defaults else None
    return storage_class is not None and storage_class.get("provisioner") != NO_PROVISIONER


def _mismatch(
    volume: dict,
    wanted_class: str,
    wanted_size: Decimal | None,
    modes: set[str],
    selector: dict | None,
    volume_mode: str,
) -> str:
    spec = spec_of(volume)
    if (spec.get("storageClassName") or "") != wanted_class:
        return "of another class"
    if not modes <= set(spec.get("accessModes") or ()):
        return f"without the access mode {', '.join(sorted(modes))}"
    size = _size((spec.get("capacity") or {}).get("storage"))
    if wanted_size is not None and (size is None or size < wanted_size):
        return "too small"
    labels = meta_of(volume).get("labels") or {}
    if selector and not selector_matches(selector, labels, empty_selects_all=True):
        return "not chosen by its selector"
    if (spec.get("volumeMode") or "Filesystem") != volume_mode:
        return f"not in volume mode {volume_mode}"
    return ""


def lost(state: ClusterState, claim: dict) -> list[str]:
    """A claim whose volume went away under it."""
    if status_of(claim).get("phase") != "Lost":
        return []
    wanted = spec_of(claim).get("volumeName") or "?"
    held = state.get("PersistentVolume", "", wanted) is not None
    return [
        f"Lost: the volume {wanted} it was bound to "
        + ("no longer names it" if held else "no longer exists")
        + ". Pods using it cannot start; the data may be gone. Recreate the volume with the "
        "same name, or delete the claim."
    ]


def on_delete_claim(state: ClusterState, claim: dict) -> list[str]:
    namespace, name = key_of(claim)
    volume = state.volume_for_claim(namespace, name)
    if volume is None:
        return []  # nothing is bound: deleting it touches nothing else
    return [f"Deleting it releases the volume {name_of(volume)}. " + _reclaim(volume)]


def on_delete_volume(volume: dict) -> list[str]:
    spec = spec_of(volume)
    phase = status_of(volume).get("phase")
    ref = spec.get("claimRef") or {}
    said: list[str] = []
    if phase == "Released":
        said.append(
            f"Released: its claim {ref.get('namespace')}/{ref.get('name')} was deleted. "
            "It will never bind again by itself: its claimRef still names the old claim's uid, "
            "until someone removes the claimRef (the data is kept) or deletes the volume."
        )
    elif phase == "Failed":
        message = str(status_of(volume).get("message") or "no message")
        said.append(f"Failed: reclaiming it did not work ({message}).")
    elif ref.get("name"):
        said.append(
            f"When its claim {ref.get('namespace')}/{ref.get('name')} is deleted: "
            + _reclaim(volume)
        )
    return said


def _reclaim(volume: dict) -> str:
    policy = spec_of(volume).get("persistentVolumeReclaimPolicy") or "Delete"
    if policy == "Retain":
        return (
            "Its reclaim policy is Retain: the volume stays, Released, with its data, and binds "
            "to no new claim until an administrator frees it."
        )
    if policy == "Recycle":
        return "Its reclaim policy is Recycle (deprecated): its files are erased and it is reused."
    return "Its reclaim policy is Delete: the volume and the storage behind it are deleted."


RESIZE_STATUS = {
    "ControllerResizeInProgress": "the storage is being grown by the CSI driver's controller",
    "ControllerResizeInfeasible": "the CSI driver's controller refused the new size",
    "ControllerResizeFailed": "the CSI driver's controller failed to grow the storage",
    "NodeResizePending": "the node is to grow the filesystem once a pod mounts it",
    "NodeResizeInProgress": "the node is growing the filesystem",
    "NodeResizeInfeasible": "the node refused to grow the filesystem",
    "NodeResizeFailed": "the node failed to grow the filesystem",
}
RESIZE_CONDITIONS = {
    "Resizing": "the storage is being grown",
    "FileSystemResizePending": "waiting for a pod to mount it so the node grows the filesystem",
    "ControllerResizeError": "growing the storage failed",
    "NodeResizeError": "growing the filesystem on the node failed",
}


def expansion(state: ClusterState, claim: dict) -> list[str]:
    requested, capacity = _requested(claim), (status_of(claim).get("capacity") or {}).get("storage")
    want, have = _size(requested), _size(capacity)
    said: list[str] = []
    if want is not None and have is not None and want > have:
        said.append(f"Expansion in progress: asks for {requested}, has {capacity}.")
        class_name = spec_of(claim).get("storageClassName") or ""
        storage_class = state.get("StorageClass", "", class_name) if class_name else None
        if storage_class is not None and not storage_class.get("allowVolumeExpansion"):
            said.append(f"Its class {class_name} does not allow expansion.")
    for condition in conditions_of(claim):
        kind = condition.get("type")
        if kind in RESIZE_CONDITIONS and condition.get("status") == "True":
            message = str(condition.get("message") or "").rstrip(".")
            said.append(
                f"{kind}: {RESIZE_CONDITIONS[kind]}" + (f" ({message})." if message else ".")
            )
    statuses = status_of(claim).get("allocatedResourceStatuses") or {}
    for resource, state_name in sorted(statuses.items()):
        if state_name in RESIZE_STATUS:
            said.append(f"{resource}: {state_name}: {RESIZE_STATUS[state_name]}.")
    return said


def terminating(state: ClusterState, obj: dict) -> list[str]:
    """What holds a claim or volume that is being deleted."""
    meta = meta_of(obj)
    since = meta.get("deletionTimestamp")
    if not since:
        return []
    finalizers = list(meta.get("finalizers") or ())
    said = [f"Terminating since {since}, held by {', '.join(finalizers) or 'nothing'}."]
    if obj.get("kind") == "PersistentVolumeClaim" and PVC_PROTECTION in finalizers:
        said += _claim_holders(state, obj)
    if obj.get("kind") == "PersistentVolume" and PV_PROTECTION in finalizers:
        ref = spec_of(obj).get("claimRef") or {}
        claim = state.get(
            "PersistentVolumeClaim", ref.get("namespace") or "", ref.get("name") or ""
        )
        if claim is not None and status_of(obj).get("phase") == "Bound":
            holders = holding_pods(state, claim)
            using = f", which pods still use: {_pod_list(holders)}" if holders else ""
            said.append(
                f"{PV_PROTECTION} keeps it while it is bound to the claim "
                f"{ref.get('namespace')}/{ref.get('name')}{using}."
            )
    for finalizer in finalizers:
        if finalizer.startswith("external-attacher/"):
            attached = [
                name_of(a)
                for a in state.list("VolumeAttachment", "")
                if (spec_of(a).get("source") or {}).get("persistentVolumeName") == name_of(obj)
            ]
            if attached:
                said.append(f"{finalizer} waits for its attachments to go: {', '.join(attached)}.")
    return said


_DONE = ("Succeeded", "Failed")


def holding_pods(state: ClusterState, claim: dict) -> list[dict]:
    """The pods that keep a claim from going, as the PVC protection controller counts them: a
    pod that names it once it is scheduled — a completed one too, until the pod is deleted —; a
    generic ephemeral volume's pod until kubelet is done with it."""
    namespace, name = key_of(claim)
    holders = []
    for found in records_using(state, namespace, name):
        if not found.node:
            continue  # kubelet never starts a pod whose claim is being deleted
        pod = state.get("Pod", namespace, found.name)
        if pod is None or (name in found.ephemeral_claims and _shut_down(pod)):
            continue
        holders.append(pod)
    return holders


def _shut_down(pod: dict) -> bool:
    meta = meta_of(pod)
    return bool(meta.get("deletionTimestamp")) and meta.get("deletionGracePeriodSeconds") == 0


def _pod_list(pods: list[dict]) -> str:
    return ", ".join(f"{name_of(p)} ({status_of(p).get('phase') or '?'})" for p in pods)


def _claim_holders(state: ClusterState, claim: dict) -> list[str]:
    holders = holding_pods(state, claim)
    said = []
    if holders:
        said.append(f"{PVC_PROTECTION} keeps it while pods use it: {_pod_list(holders)}.")
        done = [name_of(p) for p in holders if status_of(p).get("phase") in _DONE]
        if done:
            said.append(
                f"A completed pod still holds it until the pod itself is deleted: "
                f"{', '.join(done)}."
            )
    waiting = [p.name for p in records_using(state, *key_of(claim)) if not p.node]
    if waiting:
        said.append(
            f"Not scheduled, so not holding it (kubelet will not start them): {', '.join(waiting)}."
        )
    return said


def attachment_words(attachment: dict) -> list[str]:
    status = status_of(attachment)
    said: list[str] = []
    for key, what in (("attachError", "Attaching"), ("detachError", "Detaching")):
        error = status.get(key) or {}
        if error.get("message"):
            said.append(f"{what} failed at {error.get('time') or '?'}: {error['message']}")
    if not status.get("attached") and not said:
        said.append("Not attached yet: the external attacher has not reported success.")
    return said


def attach_failures(state: ClusterState, volume: dict | None) -> list[str]:
    """A claim's or volume's attachments that failed, node by node."""
    if volume is None:
        return []
    said = []
    for attachment in state.list("VolumeAttachment", ""):
        source = spec_of(attachment).get("source") or {}
        error = (status_of(attachment).get("attachError") or {}).get("message")
        if source.get("persistentVolumeName") == name_of(volume) and error:
            node = spec_of(attachment).get("nodeName") or "?"
            said.append(f"It cannot be attached to node {node}: {error}")
    return said
