"""States the workload view tests share: the demo, the real kubectl fixtures, hostile strings."""

from __future__ import annotations

import copy
import uuid
from pathlib import Path

from explorer.demo import build_demo
from explorer.snapshots.object_files import load_files
from explorer.state.cluster_state import ClusterState

HOSTILE = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


def real_state(real_fixtures: Path) -> ClusterState:
    folder = real_fixtures / "kubectl"
    return load_files(sorted(p for p in folder.iterdir() if p.suffix in (".json", ".yaml")))


def add_hostile_pod(state: ClusterState) -> dict:
    """A copy of a running shop pod whose name, labels, image and owner are injection attempts."""
    template = state.get(
        "Pod",
        "shop",
        next(
            p["metadata"]["name"]
            for p in state.list("Pod", "shop")
            if p["metadata"]["name"].startswith("web-")
        ),
    )
    pod = copy.deepcopy(template)
    meta = pod["metadata"]
    meta.update(name="evil", uid=str(uuid.uuid4()), labels={"note": HOSTILE})
    meta["ownerReferences"] = [
        {"kind": "ReplicaSet", "name": HOSTILE, "uid": "nope", "controller": True}
    ]
    pod["spec"]["containers"][0]["image"] = HOSTILE
    pod["spec"]["containers"][0]["name"] = HOSTILE
    pod["status"]["containerStatuses"][0]["name"] = HOSTILE
    state.upsert(pod, "Pod")
    return pod


def every_plotly_text(model: dict) -> list[str]:
    """Labels, tick labels and hover texts anywhere in a model: what Plotly reads as markup."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("label", "tick", "hover") and isinstance(item, str):
                    found.append(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(model)
    return found


def many_pods_state(
    pods: int, owners: int = 60, namespaces: int = 6, fail_every: int = 0
) -> ClusterState:
    """The demo plus `pods` copies of a shop web pod, owned by `owners` StatefulSets across
    `namespaces` namespaces; every `fail_every`th one Pending (0: none), without building a demo
    of that size."""
    state = build_demo()
    template = next(
        p for p in state.list("Pod", "shop") if p["metadata"]["name"].startswith("web-")
    )
    for index in range(pods):
        pod = copy.deepcopy(template)
        owner = f"set-{index % owners}"
        pod["metadata"].update(
            namespace=f"ns-{index % namespaces}", name=f"p-{index:05d}", uid=str(uuid.uuid4())
        )
        pod["metadata"]["ownerReferences"] = [
            {"kind": "StatefulSet", "name": owner, "uid": owner, "controller": True}
        ]
        if fail_every and index % fail_every == 0:
            pod["status"]["phase"] = "Pending"
        state.upsert(pod, "Pod")
    return state
