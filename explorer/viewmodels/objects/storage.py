"""The storage pages — PersistentVolumeClaim, PersistentVolume, StorageClass and the CSI objects:
the chain from a claim to its volume, the volume's class and the class's driver, where the volume
is attached, and the pods that mount it."""

from __future__ import annotations

from explorer.lib.objects import annotations_of, key_of, name_of, spec_of, status_of
from explorer.state.cluster_state import ClusterState

from .briefs import brief
from .sections import Cell, Described, Section, only_links, section, to, to_named

DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class"
VOLUME_SOURCES = (
    "csi",
    "hostPath",
    "local",
    "nfs",
    "iscsi",
    "awsElasticBlockStore",
    "gcePersistentDisk",
)


def describe_claim(state: ClusterState, claim: dict) -> Described:
    namespace, name = key_of(claim)
    spec, status = spec_of(claim), status_of(claim)
    facts: list[tuple[str, Cell]] = [
        ("phase", str(status.get("phase") or "?")),
        ("asks for", _asks(spec)),
        ("class", to_named("StorageClass", "", spec.get("storageClassName") or "") or "none"),
    ]
    volume = state.volume_for_claim(namespace, name)
    return Described(facts, [_chain(state, claim, volume), _mounted_by(state, namespace, name)])


def describe_volume(state: ClusterState, volume: dict) -> Described:
    spec = spec_of(volume)
    ref = spec.get("claimRef") or {}
    claim = state.get("PersistentVolumeClaim", ref.get("namespace") or "", ref.get("name") or "")
    facts: list[tuple[str, Cell]] = [
        ("phase", str(status_of(volume).get("phase") or "?")),
        ("capacity", str((spec.get("capacity") or {}).get("storage", "?"))),
        ("reclaim policy", str(spec.get("persistentVolumeReclaimPolicy") or "?")),
        ("source", _source(spec)),
        (
            "claimed by",
            to_named("PersistentVolumeClaim", ref.get("namespace") or "", ref.get("name") or "")
            or "nobody: Available",
        ),
    ]
    sections = [_chain(state, claim, volume)]
    if ref.get("name"):
        sections.append(_mounted_by(state, ref.get("namespace") or "", ref["name"]))
    return Described(facts, sections)


def describe_class(state: ClusterState, storage_class: dict) -> Described:
    name = name_of(storage_class)
    facts: list[tuple[str, Cell]] = [
        ("provisioner", _driver(state, str(storage_class.get("provisioner") or "?"))),
        ("binding", str(storage_class.get("volumeBindingMode") or "Immediate")),
        ("reclaim policy", str(storage_class.get("reclaimPolicy") or "Delete")),
        ("expansion", "allowed" if storage_class.get("allowVolumeExpansion") else "not allowed"),
        (
            "default class",
            "yes" if annotations_of(storage_class).get(DEFAULT_CLASS) == "true" else "no",
        ),
    ]
    rows: list[list[Cell]] = []
    for claim in state.list("PersistentVolumeClaim"):
        if spec_of(claim).get("storageClassName") != name:
            continue
        namespace, claim_name = key_of(claim)
        volume = state.volume_for_claim(namespace, claim_name)
        pods = [to(p) for p in pods_mounting(state, namespace, claim_name)]
        rows.append(
            [
                to(claim, text=f"{namespace}/{claim_name}"),
                brief(claim),
                to(volume) or "none",
                only_links(pods),
            ]
        )
    claims = section(
        "claims",
        "Claims of this class",
        ["claim", "phase", "volume", "mounted by"],
        rows,
        empty="no claim names this class",
    )
    return Described(facts, [claims])


def describe_csi_driver(state: ClusterState, driver: dict) -> Described:
    name = name_of(driver)
    classes = [to(c) for c in state.list("StorageClass", "") if c.get("provisioner") == name]
    nodes = [
        to_named("Node", "", name_of(n))
        for n in state.list("CSINode", "")
        if any(d.get("name") == name for d in spec_of(n).get("drivers") or ())
    ]
    facts: list[tuple[str, Cell]] = [
        ("attach required", "yes" if spec_of(driver).get("attachRequired", True) else "no"),
        ("storage classes", only_links(classes) or "none"),
        ("registered on nodes", only_links(nodes) or "none"),
    ]
    return Described(facts, [])


def describe_csi_node(state: ClusterState, csi_node: dict) -> Described:
    name = name_of(csi_node)
    drivers = [
        to_named("CSIDriver", "", str(d.get("name") or ""))
        for d in spec_of(csi_node).get("drivers") or ()
    ]
    return Described(
        [("node", to_named("Node", "", name)), ("drivers", only_links(drivers) or "none")], []
    )


def describe_attachment(state: ClusterState, attachment: dict) -> Described:
    spec = spec_of(attachment)
    volume = (spec.get("source") or {}).get("persistentVolumeName") or ""
    facts: list[tuple[str, Cell]] = [
        ("volume", to_named("PersistentVolume", "", volume) or "inline"),
        ("node", to_named("Node", "", spec.get("nodeName") or "")),
        ("attacher", to_named("CSIDriver", "", spec.get("attacher") or "")),
        ("attached", "yes" if status_of(attachment).get("attached") else "no"),
    ]
    return Described(facts, [])


def pods_mounting(state: ClusterState, namespace: str, claim: str) -> list[dict]:
    return [
        pod
        for pod in state.list("Pod", namespace)
        if any(
            (volume.get("persistentVolumeClaim") or {}).get("claimName") == claim
            for volume in spec_of(pod).get("volumes") or ()
        )
    ]


def _chain(state: ClusterState, claim: dict | None, volume: dict | None) -> Section:
    rows: list[list[Cell]] = []
    if claim is not None:
        spec = spec_of(claim)
        asks = f"asks for {_asks(spec)}"
        rows.append(
            ["claim", to(claim, text=f"{key_of(claim)[0]}/{name_of(claim)}"), brief(claim), asks]
        )
    if volume is not None:
        spec = spec_of(volume)
        what = (
            f"{(spec.get('capacity') or {}).get('storage', '?')}, "
            f"reclaim {spec.get('persistentVolumeReclaimPolicy', '?')}, {_source(spec)}"
        )
        rows.append(["volume", to(volume), brief(volume), what])
        class_name = spec.get("storageClassName") or ""
        storage_class = state.get("StorageClass", "", class_name) if class_name else None
        if class_name:
            rows.append(
                [
                    "class",
                    to_named("StorageClass", "", class_name),
                    "" if storage_class else "not held",
                    _driver(state, str((storage_class or {}).get("provisioner") or "")),
                ]
            )
        for attachment in state.list("VolumeAttachment", ""):
            source = spec_of(attachment).get("source") or {}
            if source.get("persistentVolumeName") == name_of(volume):
                node = spec_of(attachment).get("nodeName") or ""
                attached = "attached" if status_of(attachment).get("attached") else "not attached"
                rows.append(["attachment", to(attachment), attached, to_named("Node", "", node)])
    elif claim is not None:
        rows.append(["volume", "none yet", "", "no PersistentVolume is bound to the claim"])
    return section(
        "chain",
        "Claim → volume → class → node",
        ["step", "object", "state", "what"],
        rows,
        empty="nothing held",
    )


def _mounted_by(state: ClusterState, namespace: str, claim: str) -> Section:
    rows: list[list[Cell]] = [
        [
            to(pod),
            brief(pod),
            to_named("Node", "", spec_of(pod).get("nodeName") or "") or "not scheduled",
        ]
        for pod in pods_mounting(state, namespace, claim)
    ]
    return section(
        "mounted-by", "Pods that mount it", ["pod", "state", "node"], rows, empty="no pod mounts it"
    )


def _driver(state: ClusterState, provisioner: str) -> Cell:
    if not provisioner:
        return ""
    if state.get("CSIDriver", "", provisioner) is not None:
        return to_named("CSIDriver", "", provisioner)
    return provisioner


def _source(spec: dict) -> str:
    kind = next((k for k in VOLUME_SOURCES if k in spec), "")
    if kind == "csi":
        return f"CSI {spec['csi'].get('driver', '?')}"
    return kind or "unknown source"


def _asks(claim_spec: dict) -> str:
    storage = ((claim_spec.get("resources") or {}).get("requests") or {}).get("storage") or "?"
    return f"{storage}, {', '.join(claim_spec.get('accessModes') or ())}"


DESCRIBERS = {
    "PersistentVolumeClaim": describe_claim,
    "PersistentVolume": describe_volume,
    "StorageClass": describe_class,
    "CSIDriver": describe_csi_driver,
    "CSINode": describe_csi_node,
    "VolumeAttachment": describe_attachment,
}
