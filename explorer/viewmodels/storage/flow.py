"""The cluster's storage as a Sankey: StorageClasses → PersistentVolumes → PersistentVolumeClaims
→ the pods that mount them (or wait for them), every link sized by capacity and every box
coloured by phase.

Columns, left to right: `class`, `volume`, `claim`, `pod`. Every link joins two neighbouring
columns, so Plotly's columns (a box's depth) are these: a claim with no volume yet flows from its
class through a "no volume yet" box of that class; a volume or claim of no class hangs from the
"no class" box; a claim a pod names that does not exist hangs from "claim not held". A Released
volume ends in its column (its claim is gone). A generic ephemeral volume is the claim its pod's
controller made (`<pod>-<volume>`), drawn like any other. CSI inline volumes have no claim and no
size: they are counted in the notes, not drawn.

Sizes: a bound claim's link is its volume's capacity (the claim's own capacity if the volume is
not held), an unbound claim's its requested size, a claim → pod link the claim's size; each link
of unknown size (a claim not held, one asking for nothing) drawn as a small share of the largest,
so that its boxes stay visible.

Level of detail: every object while the boxes fit MAX_BOXES; else volumes folded by class and
phase, claims by namespace and phase, pods by namespace and state — and, when the namespaces are
too many even so, the biggest MAX_NAMESPACES kept and the rest folded into one "other
namespaces". The header says which level was drawn.

`flow(state, users)` gives `{"detail", "detail_note", "counts", "columns", "legend", "nodes",
"links", "notes"}`: nodes are box id → {label (escaped), text (plain), hover (escaped), facts
(plain), colour, column, phase, link}; links are id → {source, target, value (GiB), hover,
colour}.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypedDict

from explorer.lib.objects import annotations_of, key_of, meta_of, name_of, spec_of, status_of
from explorer.lib.quantities import format_bytes, parse_quantity
from explorer.state.cluster_state import ClusterState

from ..links import Link, object_link, workloads_link
from ..objects import storage_words as words_of
from ..plotly_text import described, plotly_text
from ..pod_summary import STATE_COLOURS, summarise

MAX_BOXES = 300
MAX_NAMESPACES = 40
MAX_LABEL = 40  # characters of an object's label (a group's is never cut)
MAX_VOLUME_LABEL = 20  # a provisioned volume is pvc-<uid>: its first characters tell it apart
MIN_SHARE = 0.01  # of the largest link: the width of a link of unknown size
GIB = Decimal(1024**3)
OTHER = "…"  # the namespaces folded into one
COLUMNS = (
    ("class", "StorageClass"),
    ("volume", "PersistentVolume"),
    ("claim", "PersistentVolumeClaim"),
    ("pod", "pod"),
)
PHASE_COLOURS = {
    "Bound": "#2ca02c",
    "Available": "#4c78a8",
    "Pending": "#f2c12e",
    "Released": "#9d755d",
    "Failed": "#d62728",
    "Lost": "#d62728",
    "Terminating": "#9467bd",
}
CLASS_COLOUR = "#8c96a6"
NO_CLASS_COLOUR = "#c9ced6"
MISSING_COLOUR = "#d62728"
LEGEND = (
    ("Bound", PHASE_COLOURS["Bound"]),
    ("Available", PHASE_COLOURS["Available"]),
    ("Pending", PHASE_COLOURS["Pending"]),
    ("Released", PHASE_COLOURS["Released"]),
    ("Failed or Lost", PHASE_COLOURS["Failed"]),
    ("Terminating", PHASE_COLOURS["Terminating"]),
    ("a StorageClass", CLASS_COLOUR),
    ("no class, no volume yet", NO_CLASS_COLOUR),
)
OBJECTS, NAMESPACES = "objects", "namespaces"


class Box(TypedDict):
    label: str
    text: str
    hover: str
    facts: list[str]
    colour: str
    column: str
    phase: str
    link: Link | None


class Flow(TypedDict):
    source: str
    target: str
    value: float
    hover: str
    colour: str


@dataclass
class _Box:
    """A box while it is drawn: one object, or a group of them at the coarser level."""

    column: str
    phase: str
    title: str
    link: Link | None
    rows: list[tuple[str, object]] = field(default_factory=list)
    count: int = 0
    size: Decimal = Decimal(0)
    colour: str = ""
    names: list[str] = field(default_factory=list)


@dataclass
class _Graph:
    boxes: dict[str, _Box] = field(default_factory=dict)
    links: dict[tuple[str, str], Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    counts: Counter = field(default_factory=Counter)
    pods: set[tuple[str, str]] = field(default_factory=set)

    def has(self, key: str) -> bool:
        return key in self.boxes

    def link(self, source: str, target: str, size: Decimal) -> None:
        self.links[(source, target)] += size


def size_of(text: object) -> Decimal | None:
    try:
        return parse_quantity(str(text)) if text not in (None, "") else None
    except (ValueError, ArithmeticError):
        return None


def phase_of(obj: dict) -> str:
    if meta_of(obj).get("deletionTimestamp"):
        return "Terminating"
    return str(status_of(obj).get("phase") or "Pending")


def requested(claim: dict) -> str:
    return str(((spec_of(claim).get("resources") or {}).get("requests") or {}).get("storage") or "")


def claim_size(claim: dict, volume: dict | None) -> Decimal:
    """What a claim holds: its volume's capacity, else its own, else what it asks for."""
    for text in (
        (spec_of(volume).get("capacity") or {}).get("storage") if volume else None,
        (status_of(claim).get("capacity") or {}).get("storage"),
        requested(claim),
    ):
        found = size_of(text)
        if found is not None:
            return found
    return Decimal(0)


def shown_size(size: Decimal) -> str:
    return format_bytes(int(size)) if size else "unknown"


def flow(state: ClusterState, users: dict[tuple[str, str], list[dict]], inline: Counter) -> dict:
    """The Sankey's model; `users`: every pod by the claims it names, `inline`: CSI inline
    volumes by driver (claim_users.py)."""
    fine = _boxes_wanted(state, users)
    level = OBJECTS if fine <= MAX_BOXES else NAMESPACES
    keep = _kept_namespaces(state) if level == NAMESPACES else None
    graph = _Graph()
    _draw(state, users, graph, level, keep)
    nodes = {key: _finished(key, box, level) for key, box in graph.boxes.items()}
    graph.counts["pods"] = len(graph.pods)
    return {
        "detail": level,
        "detail_note": _detail_note(level, fine, keep),
        "counts": {what: graph.counts[what] for what in ("classes", "volumes", "claims", "pods")},
        "columns": [{"id": key, "header": plotly_text(header)} for key, header in COLUMNS],
        "legend": [{"what": what, "colour": colour} for what, colour in LEGEND],
        "nodes": nodes,
        "links": _links(graph, nodes),
        "notes": _notes(inline),
    }


def _boxes_wanted(state: ClusterState, users: dict) -> int:
    pods = {key_of(p) for held in users.values() for p in held}
    volumes = sum(1 for _ in state.list("PersistentVolume", ""))
    claims = sum(1 for _ in state.list("PersistentVolumeClaim"))
    classes = sum(1 for _ in state.list("StorageClass", ""))
    return classes + 2 + volumes + claims + len(pods)


def _kept_namespaces(state: ClusterState) -> set[str]:
    """The MAX_NAMESPACES namespaces holding the most storage (by claimed size, then claims)."""
    held: Counter = Counter()
    count: Counter = Counter()
    for claim in state.list("PersistentVolumeClaim"):
        namespace = key_of(claim)[0]
        held[namespace] += claim_size(claim, None)
        count[namespace] += 1
    ranked = sorted(held, key=lambda ns: (-held[ns], -count[ns], ns))
    return set(ranked[:MAX_NAMESPACES])


def _detail_note(level: str, fine: int, keep: set[str] | None) -> str:
    if level == OBJECTS:
        return ""
    folded = (
        f" The {MAX_NAMESPACES} namespaces holding the most storage are drawn apart; the others "
        f"are one box, “other namespaces”."
        if keep is not None and len(keep) >= MAX_NAMESPACES
        else ""
    )
    return (
        f"{fine} objects are too many boxes to read: volumes are grouped by class and phase, "
        f"claims by namespace and phase, pods by namespace and state.{folded} Hover over a "
        "group for what it holds; the list below names every object that needs attention."
    )


def _class_key(name: str | None) -> str:
    return f"class:{name or ''}"


def _draw(
    state: ClusterState,
    users: dict[tuple[str, str], list[dict]],
    graph: _Graph,
    level: str,
    keep: set[str] | None,
) -> None:
    fine = level == OBJECTS

    def namespace(ns: str) -> str:
        return ns if keep is None or ns in keep else OTHER

    for storage_class in state.list("StorageClass", ""):
        _class_box(graph, storage_class)
        graph.counts["classes"] += 1

    for volume in state.list("PersistentVolume", ""):
        spec = spec_of(volume)
        cls = _class_key(spec.get("storageClassName"))
        _ensure_class(graph, cls)
        phase = phase_of(volume)
        size = size_of((spec.get("capacity") or {}).get("storage")) or Decimal(0)
        key = f"volume:{name_of(volume)}" if fine else f"volumes:{cls}:{phase}"
        if not graph.has(key):
            graph.boxes[key] = _volume_box(volume, phase, fine, cls)
        _count(graph.boxes[key], name_of(volume), size)
        graph.link(cls, key, size)
        graph.counts["volumes"] += 1

    seen: set[tuple[str, str]] = set()
    for claim in state.list("PersistentVolumeClaim"):
        ns, name = key_of(claim)
        seen.add((ns, name))
        volume = state.volume_for_claim(ns, name)
        phase = phase_of(claim)
        size = claim_size(claim, volume)
        key = f"claim:{ns}/{name}" if fine else f"claims:{namespace(ns)}:{phase}"
        if not graph.has(key):
            graph.boxes[key] = _claim_box(claim, phase, fine, namespace(ns))
        _count(graph.boxes[key], f"{ns}/{name}", size)
        graph.counts["claims"] += 1
        if volume is not None and status_of(volume).get("phase") == "Bound":
            spec = spec_of(volume)
            source = (
                f"volume:{name_of(volume)}"
                if fine
                else f"volumes:{_class_key(spec.get('storageClassName'))}:{phase_of(volume)}"
            )
            graph.link(source, key, size)
        else:
            cls = _class_key(spec_of(claim).get("storageClassName"))
            _ensure_class(graph, cls)
            waiting = f"novolume:{cls}"
            if not graph.has(waiting):
                graph.boxes[waiting] = _no_volume_box(cls)
            _count(graph.boxes[waiting], f"{ns}/{name}", size)
            graph.link(cls, waiting, size)
            graph.link(waiting, key, size)
        _pods(graph, users.get((ns, name), ()), key, size, fine, namespace)

    for (ns, name), pods in users.items():
        if (ns, name) in seen:
            continue
        key = f"missing:{ns}/{name}" if fine else f"missing:{namespace(ns)}"
        if not graph.has(key):
            graph.boxes[key] = _missing_box(namespace(ns), name, fine)
        _count(graph.boxes[key], f"{ns}/{name}", Decimal(0))
        if not graph.has("class:?"):
            graph.boxes["class:?"] = _unknown_class_box()
            graph.boxes["novolume:class:?"] = _no_volume_box("class:?")
        graph.link("class:?", "novolume:class:?", Decimal(0))
        graph.link("novolume:class:?", key, Decimal(0))
        _pods(graph, pods, key, Decimal(0), fine, namespace)


def _pods(graph: _Graph, pods, source: str, size: Decimal, fine: bool, namespace) -> None:
    for pod in pods:
        ns, name = key_of(pod)
        summary = summarise(pod)
        key = f"pod:{ns}/{name}" if fine else f"pods:{namespace(ns)}:{summary.state}"
        if not graph.has(key):
            graph.boxes[key] = _pod_box(pod, summary, fine, namespace(ns))
        if (ns, name) not in graph.pods:  # a pod of several claims is counted once
            graph.pods.add((ns, name))
            _count(graph.boxes[key], f"{ns}/{name}", Decimal(0))
        graph.link(source, key, size)


def _count(box: _Box, name: str, size: Decimal) -> None:
    box.count += 1
    box.size += size
    if len(box.names) < 5 or box.count == 1:
        box.names.append(name)


def _ensure_class(graph: _Graph, key: str) -> None:
    if key not in graph.boxes:
        name = key.removeprefix("class:")
        if name:
            graph.boxes[key] = _Box(
                "class",
                "not held",
                name,
                object_link("StorageClass", "", name),
                [("StorageClass", "not held: no such class")],
                colour=MISSING_COLOUR,
            )
        else:
            graph.boxes[key] = _Box(
                "class",
                "no class",
                "no class",
                None,
                [("what", 'storageClassName "" or none: only volumes of no class bind them')],
                colour=NO_CLASS_COLOUR,
            )


def _class_box(graph: _Graph, storage_class: dict) -> None:
    name = name_of(storage_class)
    default = annotations_of(storage_class).get(words_of.DEFAULT_CLASS) == "true"
    graph.boxes[_class_key(name)] = _Box(
        "class",
        "class",
        name + (" (default)" if default else ""),
        object_link("StorageClass", "", name),
        [
            ("provisioner", storage_class.get("provisioner") or "?"),
            ("binding", storage_class.get("volumeBindingMode") or "Immediate"),
            ("reclaim policy", storage_class.get("reclaimPolicy") or "Delete"),
            ("expansion", "allowed" if storage_class.get("allowVolumeExpansion") else "no"),
        ],
        colour=CLASS_COLOUR,
    )


def _unknown_class_box() -> _Box:
    return _Box(
        "class",
        "not held",
        "claim not held",
        None,
        [("what", "pods name these claims, which do not exist: the pods stay Pending")],
        colour=MISSING_COLOUR,
    )


def _no_volume_box(cls: str) -> _Box:
    name = cls.removeprefix("class:")
    of = {"": " (no class)", "?": " (claim not held)"}.get(name, f" ({name})")
    return _Box(
        "volume",
        "Pending",
        f"no volume yet{of}",
        object_link("StorageClass", "", name) if name not in ("", "?") else None,
        [("what", "claims no PersistentVolume is bound to")],
        colour=NO_CLASS_COLOUR,
    )


def _volume_box(volume: dict, phase: str, fine: bool, cls: str) -> _Box:
    spec = spec_of(volume)
    colour = PHASE_COLOURS.get(phase, CLASS_COLOUR)
    class_name = cls.removeprefix("class:") or "no class"
    if not fine:
        link = object_link("StorageClass", "", class_name) if spec.get("storageClassName") else None
        return _Box("volume", phase, f"{phase} volumes of {class_name}", link, colour=colour)
    ref = spec.get("claimRef") or {}
    claim = f"{ref.get('namespace')}/{ref.get('name')}" if ref.get("name") else "none"
    return _Box(
        "volume",
        phase,
        name_of(volume),
        object_link("PersistentVolume", "", name_of(volume)),
        [
            ("phase", phase),
            ("class", class_name),
            ("reclaim policy", spec.get("persistentVolumeReclaimPolicy") or "?"),
            ("access modes", ", ".join(spec.get("accessModes") or ()) or "none"),
            ("claim", claim),
        ],
        colour=colour,
    )


def _claim_box(claim: dict, phase: str, fine: bool, namespace: str) -> _Box:
    colour = PHASE_COLOURS.get(phase, CLASS_COLOUR)
    if not fine:
        where = "other namespaces" if namespace == OTHER else namespace
        link = object_link("Namespace", "", namespace) if namespace != OTHER else None
        return _Box("claim", phase, f"{phase} claims in {where}", link, colour=colour)
    ns, name = key_of(claim)
    spec = spec_of(claim)
    cls = spec.get("storageClassName")
    return _Box(
        "claim",
        phase,
        f"{ns}/{name}",
        object_link("PersistentVolumeClaim", ns, name),
        [
            ("phase", phase),
            ("asks for", requested(claim) or "?"),
            ("capacity", (status_of(claim).get("capacity") or {}).get("storage") or "none yet"),
            ("class", cls if cls else "none"),
            ("access modes", ", ".join(spec.get("accessModes") or ()) or "none"),
            ("volume", spec.get("volumeName") or "none yet"),
        ],
        colour=colour,
    )


def _missing_box(namespace: str, name: str, fine: bool) -> _Box:
    if not fine:
        where = "other namespaces" if namespace == OTHER else namespace
        return _Box("claim", "not held", f"claims not held in {where}", None, colour=MISSING_COLOUR)
    return _Box(
        "claim",
        "not held",
        f"{namespace}/{name} (not held)",
        object_link("PersistentVolumeClaim", namespace, name),
        [("what", "a pod names this claim, which does not exist")],
        colour=MISSING_COLOUR,
    )


def _pod_box(pod: dict, summary, fine: bool, namespace: str) -> _Box:
    colour = STATE_COLOURS.get(summary.state, CLASS_COLOUR)
    if not fine:
        where = "other namespaces" if namespace == OTHER else namespace
        link = workloads_link(namespace) if namespace != OTHER else None
        return _Box("pod", summary.state, f"{summary.state} pods in {where}", link, colour=colour)
    ns, name = key_of(pod)
    waiting = summary.phase == "Pending"
    return _Box(
        "pod",
        summary.state,
        name,
        object_link("Pod", ns, name),
        [
            ("namespace", ns),
            ("state", summary.state + (f" ({summary.reason})" if summary.reason else "")),
            ("node", summary.node or "not scheduled"),
            ("its claims", "waiting for them" if waiting else "mounted"),
        ],
        colour=colour,
    )


def _label(key: str, box: _Box) -> str:
    if not box.rows:  # a group: its words are ours
        return box.title
    return _short(box.title, MAX_VOLUME_LABEL if key.startswith("volume:") else MAX_LABEL)


def _short(name: str, most: int) -> str:
    """A long name cut for its box; the hover has it whole."""
    return name if len(name) <= most else name[: most - 1] + "…"


def _finished(key: str, box: _Box, level: str) -> Box:
    rows = list(box.rows)
    if level == NAMESPACES and not rows:
        more = f", and {box.count - len(box.names)} more" if box.count > len(box.names) else ""
        rows = [("how many", box.count), ("among them", ", ".join(box.names) + more)]
    if key.startswith("novolume:"):
        rows.append(("claims", box.count))
    if box.size and box.column != "class":
        rows.append(("size" if box.count == 1 else "total size", shown_size(box.size)))
    title = box.title
    return {
        "label": plotly_text(_label(key, box)),
        "text": title,
        **described(title, rows),
        "colour": box.colour,
        "column": box.column,
        "phase": box.phase,
        "link": box.link,
    }  # type: ignore[typeddict-item]


def _links(graph: _Graph, nodes: dict[str, Box]) -> dict[str, Flow]:
    largest = max(graph.links.values(), default=Decimal(0))
    floor = largest * Decimal(str(MIN_SHARE)) if largest else Decimal(1)
    made: dict[str, Flow] = {}
    for (source, target), size in graph.links.items():
        value = size or floor
        target_box = nodes[target]
        made[f"{source}>{target}"] = {
            "source": source,
            "target": target,
            "value": float(value / GIB),
            "hover": described(
                f"{nodes[source]['text']} → {target_box['text']}",
                [("size", shown_size(size))],
            )["hover"],  # type: ignore[typeddict-item]
            "colour": _translucent(target_box["colour"]),
        }
    return made


def _translucent(colour: str) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, 0.35)"


def _notes(inline: Counter) -> list[str]:
    return [
        f"{count} CSI inline volume{'s' if count > 1 else ''} of {driver} "
        "(no claim, no size): not drawn."
        for driver, count in sorted(inline.items())
    ]
