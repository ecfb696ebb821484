"""A snapshot to export that a hostile cluster made: the demo with a pod whose label, annotation,
owner and event carry an injection attempt (and U+2028, U+2029, `<!--`), and a Secret whose
values are a canary; and the `ExportAbout` of its export, pinned to that pod."""

from __future__ import annotations

import base64
import copy
from datetime import UTC, datetime

from explorer.demo import build_demo
from explorer.snapshots.export_html import ExportAbout
from explorer.state.cluster_state import ClusterState

HOSTILE = "</script><script>alert(1)</script>"
HOSTILE_NOTE = HOSTILE + "\u2028\u2029<!--"
HOSTILE_POD = "hostile-probe"
CANARY = "canary-3f1e9b7d-never-shown"
TAKEN_AT = datetime(2026, 1, 2, 3, 12, tzinfo=UTC)


def hostile_demo() -> ClusterState:
    state = build_demo(now=TAKEN_AT)
    running = next(p for p in state.list("Pod", "shop") if p["status"].get("phase") == "Running")
    pod = copy.deepcopy(running)
    meta = pod["metadata"]
    meta.update(name=HOSTILE_POD, uid="uid-hostile-probe")
    meta["labels"] = {"app": HOSTILE_POD, "note": HOSTILE}
    meta["annotations"] = {"description": HOSTILE_NOTE}
    meta["ownerReferences"] = [
        {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "name": HOSTILE,
            "uid": "no-such-owner",
            "controller": True,
        }
    ]
    state.upsert(pod)
    state.upsert(_event_about(pod))
    state.upsert(_secret())
    return state


def about(state: ClusterState) -> ExportAbout:
    return ExportAbout(
        title=f"Checkout outage {HOSTILE}",
        cluster=state.cluster,
        taken_at=TAKEN_AT.strftime("%Y-%m-%dT%H:%M:%SZ"),
        notes_html="<p>The web tier stopped answering at <strong>03:10</strong>.</p>",
        pins=[
            {"kind": "Pod", "namespace": "shop", "name": HOSTILE_POD, "note": HOSTILE},
            {"kind": "Secret", "namespace": "shop", "name": "payment", "note": "rotated"},
        ],
    )


def _event_about(pod: dict) -> dict:
    when = TAKEN_AT.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": f"{HOSTILE_POD}.probe", "namespace": "shop", "uid": "uid-probe-event"},
        "involvedObject": {"kind": "Pod", "namespace": "shop", "name": HOSTILE_POD},
        "reason": HOSTILE,
        "message": HOSTILE_NOTE,
        "type": "Warning",
        "count": 3,
        "firstTimestamp": when,
        "lastTimestamp": when,
    }


def _secret() -> dict:
    encoded = base64.b64encode(CANARY.encode()).decode()
    applied = f'{{"apiVersion":"v1","kind":"Secret","stringData":{{"password":"{CANARY}"}}}}'
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": "payment",
            "namespace": "shop",
            "uid": "uid-payment",
            "annotations": {"kubectl.kubernetes.io/last-applied-configuration": applied},
        },
        "type": "Opaque",
        "data": {"password": encoded},
        "stringData": {"password": CANARY},
    }
