"""The pages of the controllers that run pods — Deployment, ReplicaSet, StatefulSet, DaemonSet,
Job, CronJob: how many of their pods are where they should be, their pods, and what makes each
kind what it is: a Deployment's rollout history (a ReplicaSet per revision of its pod template,
the pods of each), a StatefulSet's volume claims per ordinal, a CronJob's Jobs."""

from __future__ import annotations

import re

from explorer.lib.objects import (
    annotations_of,
    condition,
    containers_of,
    key_of,
    meta_of,
    name_of,
    spec_of,
    status_of,
    template_spec_of,
    uid_of,
)
from explorer.lib.timestamps import utc_second
from explorer.state.cluster_state import ClusterState

from .briefs import brief
from .cannot_create import cannot_create
from .sections import Cell, Described, Section, only_links, pairs, section, to, to_named

REVISION = "deployment.kubernetes.io/revision"
CHANGE_CAUSE = "kubernetes.io/change-cause"
_ORDINAL = re.compile(r"-(\d+)$")


def owned(state: ClusterState, owner: dict, kind: str) -> list[dict]:
    return [child for child in state.children(uid_of(owner)) if child.get("kind") == kind]


def describe_deployment(state: ClusterState, deployment: dict) -> Described:
    spec, status = spec_of(deployment), status_of(deployment)
    strategy = spec.get("strategy") or {}
    facts: list[tuple[str, Cell]] = [
        ("replicas", _counts(spec.get("replicas", 1), status, "updated", "ready", "available")),
        ("strategy", _strategy(strategy)),
        ("revision", annotations_of(deployment).get(REVISION, "?")),
        *_conditions(deployment, "Progressing", "Available"),
    ]
    replica_sets = sorted(owned(state, deployment, "ReplicaSet"), key=_revision, reverse=True)
    current = annotations_of(deployment).get(REVISION)
    history: list[list[Cell]] = [
        [
            str(_revision(rs) or "?"),
            to(rs),
            "current" if annotations_of(rs).get(REVISION) == current else "",
            brief(rs),
            _images(rs),
            utc_second(meta_of(rs).get("creationTimestamp") or ""),
            annotations_of(rs).get(CHANGE_CAUSE, ""),
        ]
        for rs in replica_sets
    ]
    limit = spec.get("revisionHistoryLimit", 10)
    rollout = section(
        "rollout",
        "Rollout history",
        ["revision", "ReplicaSet", "now", "pods", "images", "created", "change cause"],
        history,
        note=(
            "A ReplicaSet per revision of the pod template, the newest first; the Deployment "
            f"keeps {limit} old ones (revisionHistoryLimit), which kubectl rollout undo can go "
            "back to."
        ),
        empty="no ReplicaSet held",
    )
    pods = [(pod, rs) for rs in replica_sets for pod in owned(state, rs, "Pod")]
    blocked, why = cannot_create(state, deployment)
    return Described(facts + blocked, [*why, rollout, _pods_table(pods, "ReplicaSet")])


def describe_replica_set(state: ClusterState, replica_set: dict) -> Described:
    spec, status = spec_of(replica_set), status_of(replica_set)
    facts: list[tuple[str, Cell]] = [
        ("replicas", _counts(spec.get("replicas", 1), status, "ready", "available")),
        ("revision", annotations_of(replica_set).get(REVISION, "none (not a Deployment's)")),
        ("images", _images(replica_set)),
    ]
    blocked, why = cannot_create(state, replica_set)
    pods = _pods_table([(p, None) for p in owned(state, replica_set, "Pod")])
    return Described(facts + blocked, [*why, pods])


def describe_stateful_set(state: ClusterState, stateful_set: dict) -> Described:
    namespace, name = key_of(stateful_set)
    spec, status = spec_of(stateful_set), status_of(stateful_set)
    service = spec.get("serviceName") or ""
    facts: list[tuple[str, Cell]] = [
        ("replicas", _counts(spec.get("replicas", 1), status, "ready", "current", "updated")),
        ("governing Service", to_named("Service", namespace, service) or "none"),
        ("update strategy", str((spec.get("updateStrategy") or {}).get("type") or "RollingUpdate")),
        (
            "revisions",
            f"current {status.get('currentRevision', '?')}, "
            f"update {status.get('updateRevision', '?')}",
        ),
    ]
    pods = sorted(owned(state, stateful_set, "Pod"), key=_ordinal)
    claims: list[list[Cell]] = []
    for template in spec.get("volumeClaimTemplates") or ():
        template_name = name_of(template)
        for ordinal in range(int(spec.get("replicas", 1) or 0)):
            claim_name = f"{template_name}-{name}-{ordinal}"
            claim = state.get("PersistentVolumeClaim", namespace, claim_name)
            volume = state.volume_for_claim(namespace, claim_name)
            claims.append(
                [
                    str(ordinal),
                    to(claim) or f"{claim_name} (not created)",
                    brief(claim) if claim else "",
                    to(volume) or "none",
                    to_named("Pod", namespace, f"{name}-{ordinal}"),
                ]
            )
    volume_claims = section(
        "claims",
        "Volume claims, one per pod",
        ["ordinal", "claim", "phase", "volume", "pod"],
        claims,
        note="Each pod gets its own claim from each volumeClaimTemplate, kept when the pod goes.",
        empty="no volumeClaimTemplates",
    )
    blocked, why = cannot_create(state, stateful_set)
    return Described(facts + blocked, [*why, _pods_table([(p, None) for p in pods]), volume_claims])


def describe_daemon_set(state: ClusterState, daemon_set: dict) -> Described:
    status = status_of(daemon_set)
    facts: list[tuple[str, Cell]] = [
        (
            "pods",
            f"{status.get('numberReady', 0)} ready of {status.get('desiredNumberScheduled', 0)} "
            f"wanted, {status.get('updatedNumberScheduled', 0)} up to date, "
            f"{status.get('numberMisscheduled', 0)} where they should not be",
        ),
        ("node selector", pairs(template_spec_of(daemon_set).get("nodeSelector")) or "none"),
    ]
    pods = sorted(owned(state, daemon_set, "Pod"), key=lambda p: spec_of(p).get("nodeName") or "")
    return Described(facts, [_pods_table([(p, None) for p in pods])])


def describe_job(state: ClusterState, job: dict) -> Described:
    spec, status = spec_of(job), status_of(job)
    facts: list[tuple[str, Cell]] = [
        ("state", brief(job)),
        (
            "completions",
            f"{status.get('succeeded', 0)} of {spec.get('completions', 1)}, "
            f"{status.get('failed', 0)} failed, {spec.get('parallelism', 1)} at a time, "
            f"{spec.get('backoffLimit', 6)} retries",
        ),
        ("started", utc_second(status.get("startTime") or "") or "not yet"),
        ("completed", utc_second(status.get("completionTime") or "") or "not yet"),
    ]
    blocked, why = cannot_create(state, job)
    return Described(
        facts + blocked, [*why, _pods_table([(p, None) for p in owned(state, job, "Pod")])]
    )


def describe_cron_job(state: ClusterState, cron_job: dict) -> Described:
    spec, status = spec_of(cron_job), status_of(cron_job)
    facts: list[tuple[str, Cell]] = [
        (
            "schedule",
            str(spec.get("schedule") or "?")
            + (f" ({spec['timeZone']})" if spec.get("timeZone") else ""),
        ),
        ("suspended", "yes" if spec.get("suspend") else "no"),
        ("concurrency", str(spec.get("concurrencyPolicy") or "Allow")),
        ("last scheduled", utc_second(status.get("lastScheduleTime") or "") or "never"),
        ("last succeeded", utc_second(status.get("lastSuccessfulTime") or "") or "never"),
    ]
    jobs = sorted(
        owned(state, cron_job, "Job"),
        key=lambda j: meta_of(j).get("creationTimestamp") or "",
        reverse=True,
    )
    rows: list[list[Cell]] = [
        [
            to(job),
            brief(job),
            utc_second(status_of(job).get("startTime") or ""),
            utc_second(status_of(job).get("completionTime") or ""),
            only_links([to(pod) for pod in owned(state, job, "Pod")]),
        ]
        for job in jobs
    ]
    keep = (spec.get("successfulJobsHistoryLimit", 3), spec.get("failedJobsHistoryLimit", 1))
    runs = section(
        "jobs",
        "Its Jobs, the latest first",
        ["Job", "state", "started", "completed", "pods"],
        rows,
        note=f"A Job per run; it keeps {keep[0]} that succeeded and {keep[1]} that failed.",
        empty="no Job held",
    )
    return Described(facts, [runs])


def _pods_table(pods: list[tuple[dict, dict | None]], owner_kind: str = "") -> Section:
    rows: list[list[Cell]] = []
    for pod, owner in pods:
        node = spec_of(pod).get("nodeName") or ""
        row: list[Cell] = [to(pod), brief(pod), to_named("Node", "", node) or "not scheduled"]
        if owner_kind:
            row.append(to(owner, text=f"revision {_revision(owner) or '?'}") if owner else "")
        rows.append(row)
    headers = ["pod", "state", "node"] + ([owner_kind] if owner_kind else [])
    return section("pods", "Pods", headers, rows, empty="no pod held")


def _revision(obj: dict | None) -> int:
    try:
        return int(annotations_of(obj).get(REVISION) or 0)
    except ValueError:
        return 0


def _ordinal(pod: dict) -> tuple[int, str]:
    found = _ORDINAL.search(name_of(pod))
    return (int(found.group(1)) if found else -1, name_of(pod))


def _images(obj: dict) -> str:
    return ", ".join(
        str(c.get("image") or "?") for c in containers_of(spec_of(obj).get("template"))
    )


def _counts(wanted: object, status: dict, *fields: str) -> str:
    told = [f"{status.get(f + 'Replicas', 0)} {f}" for f in fields]
    return f"{wanted} wanted: " + ", ".join(told)


def _strategy(strategy: dict) -> str:
    kind = str(strategy.get("type") or "RollingUpdate")
    rolling = strategy.get("rollingUpdate") or {}
    if kind == "RollingUpdate" and rolling:
        return (
            f"{kind}: at most {rolling.get('maxSurge', '25%')} extra, "
            f"{rolling.get('maxUnavailable', '25%')} unavailable"
        )
    return kind


def _conditions(obj: dict, *kinds: str) -> list[tuple[str, Cell]]:
    found: list[tuple[str, Cell]] = []
    for kind in kinds:
        said = condition(obj, kind)
        if said:
            words = f"{said.get('status', '?')}: {said.get('reason', '')}"
            if said.get("message"):
                words += f" ({said['message']})"
            found.append((kind, words))
    return found


DESCRIBERS = {
    "Deployment": describe_deployment,
    "ReplicaSet": describe_replica_set,
    "StatefulSet": describe_stateful_set,
    "DaemonSet": describe_daemon_set,
    "Job": describe_job,
    "CronJob": describe_cron_job,
}
