"""Why a demo pod does not fit: the FailedScheduling message of kube-scheduler's cycle as
`explorer.collectors.scheduling` runs it (the same evaluation the pod page and `manage.py
analyze scheduling` show), for the demo's release."""

from __future__ import annotations

from explorer.collectors.scheduling.evaluate import evaluate, view_of
from explorer.collectors.scheduling.filters import ClusterView

from .nodes import KUBERNETES_VERSION


def cluster_view(nodes: list[dict], bound: list[dict], **storage: list[dict] | None) -> ClusterView:
    """The scheduler's view of the demo: its nodes, the pods bound to them and, when built, its
    `namespaces`, `claims`, `volumes`, `csi_nodes` and `pdbs` — made once for every pending pod."""
    return view_of(nodes, bound, KUBERNETES_VERSION, **storage)


def failed_scheduling_message(pod: dict, view: ClusterView) -> str | None:
    """The scheduler's message, or None when some node fits (or the outcome is open)."""
    return evaluate(pod, view).message
