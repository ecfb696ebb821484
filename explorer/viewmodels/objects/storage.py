"""The storage pages — PersistentVolumeClaim, PersistentVolume, StorageClass and the CSI objects:
the chain from a claim to its volume, the volume's class and the class's driver, where the volume
is attached, the pods that mount it, and on their nodes the mounts expected vs found and the
bytes used (storage_mounts.py)."""

from __future__ import annotations

from explorer.collectors.storage import names
from explorer.lib.objects import annotations_of, key_of, name_of, spec_of, status_of
from explorer.state.cluster_state import ClusterState

from . import storage_words as words_of
from .briefs import brief
from .sections import Cell, Described, Section, only_links, section, to, to_named
from .storage_mounts import on_the_node

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
        ("class", _class_cell(state, spec.get("storageClassName"))),
    ]
    volume = state.volume_for_claim(namespace, name)
    words = [
        *words_of.terminating(state, claim),
        *words_of.why_pending(state, claim),
        *words_of.lost(state, claim),
        *words_of.attach_failures(state, volume),
        *words_of.expansion(state, claim),
        *words_of.on_delete_claim(state, claim),
        *words_of.access_modes(list(spec.get("accessModes") or ())),
    ]
    return Described(
        facts,
        [
            *_words(words),
            _chain(state, claim, volume),
            _mounted_by(state, namespace, name),
            *on_the_node(state, claim, volume),
        ],
    )


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
    words = [
        *words_of.terminating(state, volume),
        *words_of.attach_failures(state, volume),
        *words_of.on_delete_volume(volume),
        *words_of.access_modes(list(spec.get("accessModes") or ())),
    ]
    sections = [*_words(words), _chain(state, claim, volume)]
    if ref.get("name"):
        sections.append(_mounted_by(state, ref.get("namespace") or "", ref["name"]))
    if claim is not None:
        sections += on_the_node(state, claim, volume)
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
    users: dict[tuple[str, str], set[str]] | None = None
    for claim in state.list("PersistentVolumeClaim"):
        if spec_of(claim).get("storageClassName") != name:
            continue
        namespace, claim_name = key_of(claim)
        volume = state.volume_for_claim(namespace, claim_name)
        users = claim_users(state) if users is None else users
        pods = _users(users, namespace, claim_name)
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
    volumes = _volumes_section(
        state,
        [
            v
            for v in state.list("PersistentVolume", "")
            if spec_of(v).get("storageClassName") == name
        ],
        "no volume of this class",
    )
    words = []
    if storage_class.get("volumeBindingMode") == "WaitForFirstConsumer":
        words.append(
            "WaitForFirstConsumer: a claim of this class stays Pending until a pod uses it; the "
            "scheduler picks the pod's node first, then the volume is made where that node can "
            "reach it."
        )
    return Described(facts, [*_words(words), claims, volumes])


def describe_csi_driver(state: ClusterState, driver: dict) -> Described:
    name = name_of(driver)
    classes = [to(c) for c in state.list("StorageClass", "") if c.get("provisioner") == name]
    registered = [
        (n, d)
        for n in state.list("CSINode", "")
        for d in spec_of(n).get("drivers") or ()
        if d.get("name") == name
    ]
    attach = spec_of(driver).get("attachRequired", True)
    facts: list[tuple[str, Cell]] = [
        ("attach required", "yes" if attach else "no: no VolumeAttachment is made"),
        ("storage classes", only_links(classes) or "none"),
        ("registered on nodes", only_links([to(n) for n, _ in registered]) or "none"),
    ]
    nodes = section(
        "csi-nodes",
        "Nodes where its node plugin registered",
        ["CSINode", "node ID", "attach limit", "attached"],
        [_csi_node_row(state, csi_node, entry) for csi_node, entry in registered],
        empty="registered on no node: its node plugin runs nowhere",
    )
    volumes = _volumes_section(
        state,
        [v for v in state.list("PersistentVolume", "") if _csi(v).get("driver") == name],
        "no volume of this driver",
    )
    return Described(facts, [nodes, volumes])


def describe_csi_node(state: ClusterState, csi_node: dict) -> Described:
    name = name_of(csi_node)
    entries = list(spec_of(csi_node).get("drivers") or ())
    drivers = [to_named("CSIDriver", "", str(d.get("name") or "")) for d in entries]
    rows = [_csi_node_row(state, csi_node, entry, driver_column=True) for entry in entries]
    attachments = [
        a for a in state.list("VolumeAttachment", "") if spec_of(a).get("nodeName") == name
    ]
    return Described(
        [("node", to_named("Node", "", name)), ("drivers", only_links(drivers) or "none")],
        [
            section(
                "drivers",
                "Drivers on this node",
                ["driver", "node ID", "attach limit", "attached"],
                rows,
                empty="no CSI driver registered on this node",
            ),
            _volumes_section(
                state,
                [
                    v
                    for a in attachments
                    if (v := state.get("PersistentVolume", "", _attached_volume(a))) is not None
                ],
                "no volume attached to this node",
                key="attached-volumes",
                title="Volumes attached to this node",
            ),
        ],
    )


def describe_attachment(state: ClusterState, attachment: dict) -> Described:
    spec = spec_of(attachment)
    volume_name = _attached_volume(attachment)
    node = spec.get("nodeName") or ""
    volume = state.get("PersistentVolume", "", volume_name) if volume_name else None
    facts: list[tuple[str, Cell]] = [
        ("volume", to_named("PersistentVolume", "", volume_name) or "inline"),
        ("node", to_named("Node", "", node)),
        ("attacher", to_named("CSIDriver", "", spec.get("attacher") or "")),
        ("attached", "yes" if status_of(attachment).get("attached") else "no"),
    ]
    words = words_of.attachment_words(attachment)
    csi = _csi(volume)
    if csi.get("volumeHandle"):
        controllers = names.attachment_name(csi["volumeHandle"], str(csi.get("driver")), node)
        if controllers == name_of(attachment):
            words.append(
                "Named as the attach/detach controller names it: csi- and the sha256 of the "
                "volume handle, the driver and the node."
            )
        else:
            words.append(
                f"Not the name the attach/detach controller gives ({controllers}): made by "
                "something else, or the volume's handle has changed."
            )
    ref = spec_of(volume).get("claimRef") or {}
    claim = state.get("PersistentVolumeClaim", ref.get("namespace") or "", ref.get("name") or "")
    return Described(facts, [*_words(words), _chain(state, claim, volume)])


def claim_cell(volume: dict) -> Cell:
    """A link to the claim a volume's claimRef names, as namespace/name ("" for none)."""
    ref = spec_of(volume).get("claimRef") or {}
    return to_named(
        "PersistentVolumeClaim",
        ref.get("namespace") or "",
        ref.get("name") or "",
        text=f"{ref.get('namespace')}/{ref.get('name')}",
    )


def claim_users(state: ClusterState) -> dict[tuple[str, str], set[str]]:
    """Every pod's name by the claims it names, generic ephemeral volumes' included
    (`storage_words.claim_index`, from the pods' records): one pass over them for a page of many
    claims, no pod unpacked."""
    return words_of.claim_index(state)


def _users(users: dict[tuple[str, str], set[str]], namespace: str, claim: str) -> list[Cell]:
    """Links to the pods that mount the claim, by name."""
    return [
        to_named("Pod", namespace, name) for name in words_of.user_names(users, namespace, claim)
    ]


def _chain(state: ClusterState, claim: dict | None, volume: dict | None) -> Section:
    """Class → volume ↔ claim → pods → driver → CSINodes → attachments, read from either end."""
    rows: list[list[Cell]] = []
    spec = spec_of(volume) if volume else {}
    class_name = spec.get("storageClassName") or spec_of(claim).get("storageClassName") or ""
    if class_name:
        storage_class = state.get("StorageClass", "", class_name)
        rows.append(
            [
                "class",
                to_named("StorageClass", "", class_name),
                "" if storage_class else "not held",
                _driver(state, str((storage_class or {}).get("provisioner") or "")),
            ]
        )
    if volume is not None:
        what = (
            f"{(spec.get('capacity') or {}).get('storage', '?')}, "
            f"reclaim {spec.get('persistentVolumeReclaimPolicy', '?')}, {_source(spec)}"
        )
        rows.append(["volume", to(volume), brief(volume), what])
    elif claim is not None:
        rows.append(["volume", "none yet", "", "no PersistentVolume is bound to the claim"])
    if claim is not None:
        asks = f"asks for {_asks(spec_of(claim))}"
        rows.append(
            ["claim", to(claim, text=f"{key_of(claim)[0]}/{name_of(claim)}"), brief(claim), asks]
        )
        for pod in words_of.pods_using(state, *key_of(claim)):
            node = spec_of(pod).get("nodeName") or ""
            waiting = status_of(pod).get("phase") == "Pending"
            rows.append(
                [
                    "pod waiting for it" if waiting else "pod",
                    to(pod),
                    brief(pod),
                    to_named("Node", "", node) or "not scheduled",
                ]
            )
    driver = str(_csi(volume).get("driver") or "")
    attachments = _attachments(state, volume)
    if driver:
        held = state.get("CSIDriver", "", driver)
        attach = spec_of(held).get("attachRequired", True) if held else None
        rows.append(
            [
                "driver",
                to_named("CSIDriver", "", driver),
                "not held" if held is None else "",
                {True: "attach required", False: "no attach"}.get(attach, "")
                if attach is not None
                else "",
            ]
        )
        nodes = sorted({spec_of(a).get("nodeName") or "" for a in attachments} - {""})
        for node in nodes:
            csi_node = state.get("CSINode", "", node)
            entry = next(
                (d for d in spec_of(csi_node).get("drivers") or () if d.get("name") == driver),
                None,
            )
            if csi_node is None or entry is None:
                rows.append(["CSINode", to_named("CSINode", "", node), "driver not registered", ""])
                continue
            _, node_id, limit, attached = _csi_node_row(state, csi_node, entry)
            of = f"{attached} of {limit} attached" if limit.isdigit() else f"{attached} attached"
            rows.append(["CSINode", to(csi_node), f"node ID {node_id}", of])
    for attachment in attachments:
        node = spec_of(attachment).get("nodeName") or ""
        rows.append(
            ["attachment", to(attachment), _attached_text(attachment), to_named("Node", "", node)]
        )
    return section(
        "chain",
        "Class → volume ↔ claim → pods → driver → node → attachment",
        ["step", "object", "state", "what"],
        rows,
        empty="nothing held",
    )


def _attachments(state: ClusterState, volume: dict | None) -> list[dict]:
    if volume is None:
        return []
    return [a for a in state.list("VolumeAttachment", "") if _attached_volume(a) == name_of(volume)]


def _attached_volume(attachment: dict) -> str:
    return str((spec_of(attachment).get("source") or {}).get("persistentVolumeName") or "")


def _attached_text(attachment: dict) -> str:
    status = status_of(attachment)
    error = (status.get("attachError") or {}).get("message")
    if error:
        return f"attach failed: {error}"
    return "attached" if status.get("attached") else "not attached"


def _csi(volume: dict | None) -> dict:
    csi = spec_of(volume).get("csi") if volume else None
    return csi if isinstance(csi, dict) else {}


def _csi_node_row(
    state: ClusterState, csi_node: dict, entry: dict, driver_column: bool = False
) -> list[Cell]:
    """A driver on a node: its node ID, attach limit, and how many of its volumes are attached."""
    node, driver = name_of(csi_node), str(entry.get("name") or "")
    count = (entry.get("allocatable") or {}).get("count")
    attached = sum(
        1
        for a in state.list("VolumeAttachment", "")
        if spec_of(a).get("nodeName") == node
        and spec_of(a).get("attacher") == driver
        and status_of(a).get("attached")
    )
    first = to_named("CSIDriver", "", driver) if driver_column else to(csi_node)
    return [
        first,
        str(entry.get("nodeID") or "?"),
        str(count) if count is not None else "none said",
        str(attached),
    ]


def _volumes_section(
    state: ClusterState,
    volumes: list[dict],
    empty: str,
    key: str = "volumes",
    title: str = "Volumes",
) -> Section:
    rows: list[list[Cell]] = []
    users: dict[tuple[str, str], set[str]] | None = None  # read once, if a volume is bound
    attachments: dict[str, list[dict]] = {}
    for attachment in state.list("VolumeAttachment", ""):
        attachments.setdefault(_attached_volume(attachment), []).append(attachment)
    for volume in volumes:
        ref = spec_of(volume).get("claimRef") or {}
        claim = claim_cell(volume)
        pods: list[Cell] = []
        if ref.get("name") and status_of(volume).get("phase") == "Bound":
            users = claim_users(state) if users is None else users
            pods = _users(users, ref.get("namespace") or "", ref["name"])
        attached = [
            to_named("Node", "", spec_of(a).get("nodeName") or "")
            for a in attachments.get(name_of(volume), ())
        ]
        rows.append(
            [
                to(volume),
                brief(volume),
                str((spec_of(volume).get("capacity") or {}).get("storage", "?")),
                claim or "none",
                only_links(pods),
                only_links(attached),
            ]
        )
    return section(
        key,
        title,
        ["volume", "phase", "capacity", "claim", "mounted by", "attached to"],
        rows,
        empty=empty,
    )


def _words(sentences: list[str]) -> list[Section]:
    """The sentences as a section of their own, first on the page (none: no section)."""
    if not sentences:
        return []
    return [section("why", "In words", ["what it means"], [[s] for s in sentences])]


def _mounted_by(state: ClusterState, namespace: str, claim: str) -> Section:
    rows: list[list[Cell]] = [
        [
            to(pod),
            brief(pod),
            to_named("Node", "", spec_of(pod).get("nodeName") or "") or "not scheduled",
        ]
        for pod in words_of.pods_using(state, namespace, claim)
    ]
    return section(
        "mounted-by", "Pods that mount it", ["pod", "state", "node"], rows, empty="no pod mounts it"
    )


def _class_cell(state: ClusterState, class_name: str | None) -> Cell:
    if class_name is None:
        defaults = words_of.default_classes(state)
        return f"none named (default: {name_of(defaults[0])})" if defaults else "none named"
    return to_named("StorageClass", "", class_name) or 'none ("")'


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
