"""`manage.py analyze scheduling`: kube-scheduler's cycle for one pod (or every pod that waits
for a node) on the objects of a snapshot bundle or of what kubectl printed, through the same
evaluation as the pod page (`viewmodels/workloads/scheduling.py`).

JSON: `{"pod", "message" (the scheduler's message as the explorer reproduces it, null when the
pod fits somewhere or the outcome is open), "version", "certain", "nodes": [{"node",
"feasible" (true, false, or null when open), "plugins": [{"plugin", "passed" (null: not
evaluated), "reason"}], "score"}], "profile": {"name", "configured", "words"}}` — the plugins
up to the first that rejected the node, as the scheduler runs them; `score` the weighted total
of a feasible node, else null; `profile` the scheduling profile used: of `config` (a
KubeSchedulerConfiguration file, `--config`) when given, else of the configuration a node agent
read into a bundle, else the default one. Without a pod, `{"pods": [that, …]}` for every pod
that waits for a node, evaluated on one view of the cluster (`pending_reports`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from explorer.collectors.scheduling.equivalence import equivalence_key
from explorer.collectors.scheduling.evaluate import Evaluation
from explorer.collectors.scheduling.scores import Scoring
from explorer.lib.gc_pause import gc_paused
from explorer.lib.objects import name_of, namespace_of, namespaced_name, spec_of, status_of
from explorer.snapshots.bundle import decode_bundle
from explorer.snapshots.kubectl_output import objects_in
from explorer.snapshots.object_files import LoadError
from explorer.state.cluster_state import ClusterState
from explorer.viewmodels.workloads.scheduler_config import ConfigRead, read_in
from explorer.viewmodels.workloads.scheduling import (
    Cycle,
    cluster_version,
    cluster_view,
    run_cycle,
)

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
INT64 = 2**63 - 1
MAX_PODS = 50  # pending pods reported when no pod is named


def json_safe(value: Any) -> Any:
    """The document with every integer JSON cannot carry as a 64-bit number (a score from an
    absurd weight or allocatable in a hand-made file) written as its decimal string."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value if -INT64 - 1 <= value <= INT64 else str(value)
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    return value


def load_state(blobs: Sequence[bytes | str]) -> ClusterState:
    """One state from a bundle, or from every object of the kubectl outputs given."""
    state: ClusterState | None = None
    for index, blob in enumerate(blobs):
        source = f"file {index + 1}"
        data = blob.encode() if isinstance(blob, str) else blob
        if data.startswith(ZSTD_MAGIC) or data.lstrip()[:12].startswith(b'{"version"'):
            if len(blobs) > 1:
                raise LoadError("a snapshot bundle is read alone, without other files")
            return decode_bundle(data, source).state
        try:
            text = data.decode()
        except UnicodeDecodeError:
            raise LoadError(f"{source}: neither a bundle nor UTF-8 text") from None
        state = state if state is not None else ClusterState("analyzed")
        for obj in objects_in(text, source):
            state.upsert(obj, obj["kind"])
    if state is None:
        raise LoadError("no file given")
    return state


def _verdicts(found: Evaluation, scoring: Scoring | None, only: str | None) -> list[dict]:
    nodes = []
    for outcome in found.nodes:
        if only is not None and outcome.node != only:
            continue
        if outcome.left_out_by:
            plugins = [
                {"plugin": p, "passed": False, "reason": outcome.reasons[0]}
                for p in outcome.left_out_by
            ]
        else:
            plugins = [
                {
                    "plugin": v.plugin,
                    "passed": v.passed,
                    "reason": "; ".join(v.reasons) if v.reasons else None,
                }
                for v in outcome.verdicts
            ]
        score = scoring.of(outcome.node) if scoring else None
        nodes.append(
            {
                "node": outcome.node,
                "feasible": outcome.feasible,
                "plugins": plugins,
                "score": score.total if score else None,
            }
        )
    return nodes


def pod_report(
    state: ClusterState,
    pod: dict,
    node: str | None = None,
    *,
    config: ConfigRead | None = None,
    cycle: Cycle | None = None,
) -> tuple[dict, str]:
    cycle = cycle or run_cycle(state, pod, config=config)
    found, scoring, left_out = cycle.found, cycle.scoring, cycle.left_out
    nodes = _verdicts(found, scoring, node)
    if node is not None and not nodes:
        raise LoadError(f"no node {node!r} in the file")
    document: dict[str, Any] = {
        "pod": f"{namespace_of(pod)}/{name_of(pod)}",
        "message": found.message,
        "version": str(cycle.version),
        "certain": found.certain,
        "left_out": left_out,
        "nodes": nodes,
        "profile": {
            "name": cycle.chosen.profile.scheduler_name,
            "configured": cycle.chosen.profile.configured,
            "words": cycle.chosen.words,
        },
    }
    if scoring is not None:
        document["best"] = list(scoring.best)
    return json_safe(document), _text(document, cycle.version_from, scoring)


def waiting_pods(state: ClusterState) -> list[dict]:
    """The pods that wait for a node."""
    return [
        p
        for p in state.list("Pod")
        if not spec_of(p).get("nodeName") and status_of(p).get("phase", "Pending") == "Pending"
    ]


def pending_cycles(
    state: ClusterState, pods: Sequence[dict], config: ConfigRead | None = None
) -> list[Cycle]:
    """The cycle of each of `pods` (none bound to a node), on one view of the cluster: what
    "why Pending" costs for every pending pod. Pods one controller made alike
    (`equivalence_key`) share one evaluation, under their own names."""
    with gc_paused():  # as long as the view of every bound pod is held (workloads/scheduling.py)
        version = cluster_version(state)[0]
        view, _ = cluster_view(state, version)
        read = config if config is not None else read_in(state)
        shared: dict[tuple, Cycle] = {}
        cycles = []
        for pod in pods:
            key = equivalence_key(pod)
            done = shared.get(key) if key is not None else None
            if done is None:
                done = run_cycle(state, pod, config=read, view=view)
                if key is not None:
                    shared[key] = done
            else:
                done = replace(done, found=replace(done.found, pod=namespaced_name(pod)))
            cycles.append(done)
        del view  # freed before the collector returns, which would otherwise scan it once
    return cycles


def _text(document: dict, version_from: str, scoring: Scoring | None) -> str:
    lines = [f"pod {document['pod']}, as kube-scheduler {document['version']} ({version_from})"]
    lines.append(document["profile"]["words"])
    if document["message"] is not None:
        lines.append(document["message"])
    elif any(n["feasible"] for n in document["nodes"]) or document.get("best"):
        lines.append("it fits: " + ", ".join(n["node"] for n in document["nodes"] if n["feasible"]))
    else:
        lines.append("open: a plugin the explorer cannot evaluate decides it")
    if document["left_out"]:
        lines.append(f"{document['left_out']} nodes not evaluated (the evaluation's bound)")
    for node in document["nodes"]:
        verdict = {True: "fits", False: "rejected", None: "open"}[node["feasible"]]
        score = f", score {node['score']}" if node["score"] is not None else ""
        lines.append(f"  node {node['node']}: {verdict}{score}")
        for plugin in node["plugins"]:
            passed = {True: "passed", False: "failed", None: "not evaluated"}[plugin["passed"]]
            reason = f"  {plugin['reason']}" if plugin["reason"] else ""
            lines.append(f"    {plugin['plugin']:<32} {passed}{reason}")
    if scoring is not None and scoring.scored:
        lines.append("best-scoring (the scheduler picks one at random): " + ", ".join(scoring.best))
        if scoring.limited:
            lines.append(
                f"  the scheduler scores only the first {scoring.nodes_to_find} feasible nodes "
                "it finds (percentageOfNodesToScore): every feasible node is scored here"
            )
    return "\n".join(lines) + "\n"


def scheduling_report(
    blobs: Sequence[bytes | str],
    pod: str = "",
    node: str | None = None,
    config: ConfigRead | None = None,
) -> tuple[dict, str]:
    """(the JSON document, the text) for NAMESPACE/POD, or for every pod waiting for a node
    (the first MAX_PODS); `config`: a configuration file read, instead of what the file holds."""
    state = load_state(blobs)
    if pod:
        namespace, _, name = pod.partition("/")
        found = state.get("Pod", namespace, name)
        if found is None:
            raise LoadError(f"no pod {pod!r} in the file")
        return pod_report(state, found, node, config=config)
    waiting = waiting_pods(state)[:MAX_PODS]
    cycles = pending_cycles(state, waiting, config)
    reports = [pod_report(state, p, node, cycle=c) for p, c in zip(waiting, cycles, strict=True)]
    text = "".join(r[1] for r in reports) or "no pod waits for a node\n"
    return {"pods": [r[0] for r in reports]}, text
