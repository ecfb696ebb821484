"""What scheduling leaves behind in a real cluster besides pods bound in the second they were made:
the `shop/reindex` Job of a higher PriorityClass whose pods waited for a node — one bound at
once, one after three failed attempts and the preemption of a lower-priority cache pod (gone
since: the scheduler's Preempted event is what remains of it), one evicted by the kubelet under
memory pressure, and its replacement, which waited minutes while the node's memory-pressure taint
kept it off. The messages are those of kube-scheduler and the kubelet."""

from __future__ import annotations

from datetime import datetime

from . import images
from .builder import DemoBuilder
from .clock import parse_ts, seconds, ts
from .events import kubelet_event, pod_start_events, scheduler_event
from .ids import Ids
from .meta import new_object, owner_ref
from .pods import bind_pod, condition, container, pod_template

STORIES_SEED = 0x5C4ED
JOB = "reindex"
PRIORITY_CLASS, PRIORITY = "shop-batch", 100_000
STARTED_AGO = seconds(35 * 60)  # Events are kept an hour: these stay in view for a while
MEMORY_PRESSURE_TAINT = "node.kubernetes.io/memory-pressure"
EVICTED_MESSAGE = (
    "The node was low on resource: memory. Threshold quantity: 100Mi, available: 87212Ki. "
    "Container reindex was using 1843Mi, request is 512Mi, has larger consumption of memory. "
)


def scheduling_stories(b: DemoBuilder, namespace: str) -> None:
    """Drawn from identities of their own, so that everything the builder makes after them is
    named as it was before they existed."""
    main = b.ids
    b.ids = Ids(STORIES_SEED)
    try:
        _reindex(b, namespace)
    finally:
        b.ids = main


def _priority_class(b: DemoBuilder) -> dict:
    return new_object(
        "PriorityClass",
        PRIORITY_CLASS,
        b.ids.uid(),
        b.at(days=2),
        description="Batch work of the shop that may preempt best-effort caches.",
        preemptionPolicy="PreemptLowerPriority",
        value=PRIORITY,
    )


def _template() -> dict:
    template = pod_template(
        {"app.kubernetes.io/name": JOB, "app.kubernetes.io/part-of": "shop"},
        [
            container(
                JOB,
                images.WORKER_IMAGES[0],
                requests={"cpu": "250m", "memory": "512Mi"},
                limits={"memory": "2Gi"},
            )
        ],
        service_account="default",
    )
    template["spec"]["priorityClassName"] = PRIORITY_CLASS
    template["spec"]["restartPolicy"] = "Never"
    return template


def cache_template() -> dict:
    """A best-effort cache of no priority: what the scheduler preempts and a descheduler evicts
    (the churn makes one now and then, `churn.py`)."""
    return pod_template(
        {"app.kubernetes.io/name": "warm-cache", "app.kubernetes.io/part-of": "shop"},
        [container("cache", images.WORKER_IMAGES[1], requests={"memory": "1Gi"})],
        service_account="default",
    )


def _reindex(b: DemoBuilder, namespace: str) -> None:
    b.add(_priority_class(b))
    start = b.now - STARTED_AGO
    template = _template()
    job = new_object(
        "Job",
        JOB,
        b.ids.uid(),
        start,
        namespace=namespace,
        labels=dict(template["metadata"]["labels"]),
        spec={
            "backoffLimit": 6,
            "completionMode": "NonIndexed",
            "completions": 3,
            "parallelism": 3,
            "template": template,
        },
    )
    finished = start + seconds(11 * 60)
    job["status"] = {
        "completionTime": ts(finished),
        "conditions": [
            {
                "lastProbeTime": ts(finished),
                "lastTransitionTime": ts(finished),
                "message": "Reached expected number of succeeded pods",
                "reason": "CompletionsReached",
                "status": "True",
                "type": "Complete",
            }
        ],
        "failed": 1,
        "startTime": ts(start),
        "succeeded": 3,
    }
    b.add(job)
    host = b.control_plane.name
    at_once = _pod(b, job, template, namespace, start, start + seconds(4))
    b.add(at_once)
    b.add_events(*pod_start_events(b.ids, at_once, start + seconds(4), host, pulled=True))
    preemptor = _pod(b, job, template, namespace, start, start + seconds(38))
    _preempted_for(b, preemptor, start, host)
    evicted = _pod(b, job, template, namespace, start, start + seconds(2), phase="Running")
    _evict(b, evicted, start + seconds(2), start + seconds(6 * 60), host)
    replaced = start + seconds(6 * 60 + 1)
    replacement = _pod(b, job, template, namespace, replaced, replaced + seconds(160))
    _waited(b, replacement, replaced + seconds(160), 8, host, _taint_message())


def _pod(
    b: DemoBuilder,
    job: dict,
    template: dict,
    namespace: str,
    created: datetime,
    scheduled: datetime,
    phase: str = "Succeeded",
) -> dict:
    pod = bind_pod(
        template,
        b.ids,
        name=f"{JOB}-{b.ids.suffix()}",
        generate_name=f"{JOB}-",
        namespace=namespace,
        created=created,
        owners=[owner_ref(job)],
        placement=b.placement(b.workers[0]),
        extra_labels={"batch.kubernetes.io/job-name": JOB, "job-name": JOB},
        phase=phase,
        started=scheduled,
    )
    pod["spec"]["priority"] = PRIORITY  # the admission plugin's, from the PriorityClass
    return pod


def _nodes_message(first: str) -> str:
    return (
        f"0/3 nodes are available: {first}, "
        "1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
        "1 node(s) had untolerated taint {nvidia.com/gpu: present}. "
    )


def _taint_message() -> str:
    return _nodes_message(f"1 node(s) had untolerated taint {{{MEMORY_PRESSURE_TAINT}: }}") + (
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    )


def _waited(
    b: DemoBuilder, pod: dict, bound: datetime, tries: int, host: str, message: str
) -> None:
    """The scheduler failed `tries` times before it bound `pod` at `bound` (its events:
    FailedScheduling said again and again, then Scheduled and the kubelet's)."""
    created = parse_ts(pod["metadata"]["creationTimestamp"])
    b.add(pod)
    b.add_events(
        scheduler_event(
            b.ids,
            pod,
            "FailedScheduling",
            message,
            created,
            host,
            warning=True,
            repeats=tries,
            last=bound - seconds(2),
        ),
        *pod_start_events(b.ids, pod, bound, host, pulled=True),
    )


def _preempted_for(b: DemoBuilder, preemptor: dict, created: datetime, host: str) -> None:
    """A cache pod of no priority on the worker, preempted to make room for `preemptor`: the
    scheduler deleted it, and its Preempted event is what is left of it."""
    node = preemptor["spec"]["nodeName"]
    victim = bind_pod(
        cache_template(),
        b.ids,
        name=f"warm-cache-{b.ids.suffix()}",
        namespace=preemptor["metadata"]["namespace"],
        created=created - seconds(3 * 3600),
        placement=b.placement(b.node_by_name[node]),
    )
    preempted = created + seconds(36)
    b.add_events(
        scheduler_event(
            b.ids,
            victim,
            "Preempted",
            f"Preempted by pod {preemptor['metadata']['uid']} on node {node}",
            preempted,
            host,
        )
    )
    b.add_events(
        kubelet_event(b.ids, victim, "cache", "Killing", "Stopping container cache", preempted)
    )
    _waited(b, preemptor, preempted + seconds(2), 3, host, _nodes_message("1 Insufficient memory"))


def _evict(b: DemoBuilder, pod: dict, scheduled: datetime, when: datetime, host: str) -> None:
    """The kubelet evicts `pod` under memory pressure: Failed, reason Evicted, a DisruptionTarget
    condition, its container killed, and the kubelet's Evicted event."""
    status = pod["status"]
    status["phase"] = "Failed"
    status["reason"] = "Evicted"
    status["message"] = EVICTED_MESSAGE
    status.pop("podIP", None)
    status.pop("podIPs", None)
    for cond in status["conditions"]:
        if cond["type"] in ("Ready", "ContainersReady", "PodReadyToStartContainers"):
            cond.update({"status": "False", "lastTransitionTime": ts(when)})
    status["conditions"].append(
        condition("DisruptionTarget", True, when, "TerminationByKubelet", EVICTED_MESSAGE)
    )
    for item in status.get("containerStatuses") or ():
        started = (item.get("state") or {}).get("running", {}).get("startedAt", ts(when))
        item["ready"] = False
        item["started"] = False
        item["state"] = {
            "terminated": {
                "containerID": item.get("containerID", ""),
                "exitCode": 137,
                "finishedAt": ts(when + seconds(1)),
                "reason": "Error",
                "startedAt": started,
            }
        }
    b.add(pod)
    b.add_events(
        *pod_start_events(b.ids, pod, scheduled, host, pulled=True),
        kubelet_event(b.ids, pod, "", "Evicted", EVICTED_MESSAGE, when, warning=True),
        kubelet_event(b.ids, pod, JOB, "Killing", f"Stopping container {JOB}", when),
    )
