"""An object's state in a few words, as a `kubectl get` line would say it: what a list of related
objects shows beside each link."""

from __future__ import annotations

from collections.abc import Callable

from explorer.lib.objects import condition, spec_of, status_of

from ..pod_summary import summarise


def brief(obj: dict | None) -> str:
    if obj is None:
        return "not held"
    say = _BRIEFS.get(str(obj.get("kind") or ""))
    return say(obj) if say else ""


def _pod(pod: dict) -> str:
    summary = summarise(pod)
    state = f"{summary.state} ({summary.reason})" if summary.reason else summary.state
    return f"{state}, ready {summary.readiness}"


def _replicas(obj: dict) -> str:
    spec, status = spec_of(obj), status_of(obj)
    return f"{status.get('readyReplicas') or 0}/{spec.get('replicas', 1)} ready"


def _daemon_set(obj: dict) -> str:
    status = status_of(obj)
    return f"{status.get('numberReady') or 0}/{status.get('desiredNumberScheduled') or 0} ready"


def _job(job: dict) -> str:
    status = status_of(job)
    for kind in ("Complete", "Failed", "Suspended"):
        if (condition(job, kind) or {}).get("status") == "True":
            return kind.lower()
    return f"{status.get('active') or 0} running, {status.get('succeeded') or 0} succeeded"


def _phase(obj: dict) -> str:
    return str(status_of(obj).get("phase") or "")


def _node(node: dict) -> str:
    ready = (condition(node, "Ready") or {}).get("status")
    return "Ready" if ready == "True" else "not Ready"


_BRIEFS: dict[str, Callable[[dict], str]] = {
    "Pod": _pod,
    "Deployment": _replicas,
    "ReplicaSet": _replicas,
    "StatefulSet": _replicas,
    "DaemonSet": _daemon_set,
    "Job": _job,
    "PersistentVolumeClaim": _phase,
    "PersistentVolume": _phase,
    "Namespace": _phase,
    "Node": _node,
}
