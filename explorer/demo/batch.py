"""CronJob → Job → Pod, as the cronjob and job controllers write them."""

from __future__ import annotations

from datetime import UTC, datetime

from .clock import seconds, ts
from .ids import Ids
from .meta import new_object, owner_ref
from .pods import Placement, bind_pod, copy
from .workloads import stored_template


def cronjob(
    ids: Ids, namespace: str, name: str, schedule: str, template: dict, created: datetime
) -> dict:
    job_template = {
        "metadata": {"creationTimestamp": None},
        "spec": {"backoffLimit": 2, "template": stored_template(template)},
    }
    obj = new_object(
        "CronJob",
        name,
        ids.uid(),
        created,
        namespace=namespace,
        labels=dict(template["metadata"]["labels"]),
        spec={
            "concurrencyPolicy": "Forbid",
            "failedJobsHistoryLimit": 1,
            "jobTemplate": job_template,
            "schedule": schedule,
            "successfulJobsHistoryLimit": 3,
            "suspend": False,
        },
        status={},
    )
    obj["metadata"]["generation"] = 1
    return obj


def minutes_between_runs(schedule: str) -> int:
    """How often a CronJob of the demo runs: its schedule is `*/N * * * *` (or `* * * * *`)."""
    minute, *rest = schedule.split()
    if rest != ["*"] * 4 or not (minute == "*" or minute.startswith("*/")):
        raise ValueError(f"the demo runs CronJobs every N minutes only, not {schedule!r}")
    return 1 if minute == "*" else int(minute.removeprefix("*/"))


def last_run_due(schedule: str, now: datetime) -> datetime:
    """The latest moment at or before `now` at which `schedule` runs."""
    every = 60 * minutes_between_runs(schedule)
    return datetime.fromtimestamp(int(now.timestamp()) // every * every, UTC)


def job_name(cron: dict, scheduled: datetime) -> str:
    """`<cronjob>-<minutes since the epoch>`, as the cronjob controller names its Jobs."""
    return f"{cron['metadata']['name']}-{int(scheduled.timestamp()) // 60}"


def job_for(
    ids: Ids, cron: dict, scheduled: datetime, placement: Placement, done: bool
) -> tuple[dict, dict]:
    """A Job the CronJob started at `scheduled` and its pod, running or completed."""
    name = job_name(cron, scheduled)
    uid = ids.uid()
    template = copy(cron["spec"]["jobTemplate"]["spec"]["template"])
    selector_labels = {"batch.kubernetes.io/controller-uid": uid}
    pod_labels = {
        **selector_labels,
        "batch.kubernetes.io/job-name": name,
        "controller-uid": uid,
        "job-name": name,
        **template["metadata"].get("labels", {}),
    }
    template["metadata"]["labels"] = pod_labels
    job = new_object(
        "Job",
        name,
        uid,
        scheduled,
        namespace=cron["metadata"]["namespace"],
        labels={k: v for k, v in pod_labels.items()},
        annotations={
            "batch.kubernetes.io/cronjob-scheduled-timestamp": scheduled.strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            )
        },
        owners=[owner_ref(cron)],
        spec={
            "backoffLimit": cron["spec"]["jobTemplate"]["spec"]["backoffLimit"],
            "completionMode": "NonIndexed",
            "completions": 1,
            "manualSelector": False,
            "parallelism": 1,
            "podReplacementPolicy": "TerminatingOrFailed",
            "selector": {"matchLabels": selector_labels},
            "suspend": False,
            "template": template,
        },
    )
    job["metadata"]["generation"] = 1
    pod_template = {"metadata": {"labels": pod_labels}, "spec": template["spec"]}
    pod = bind_pod(
        pod_template,
        ids,
        name=f"{name}-{ids.suffix()}",
        generate_name=f"{name}-",
        namespace=job["metadata"]["namespace"],
        created=scheduled,
        owners=[owner_ref(job)],
        placement=placement,
        phase="Succeeded" if done else "Running",
        started=scheduled + seconds(1),
    )
    if not done:
        pod["metadata"]["finalizers"] = ["batch.kubernetes.io/job-tracking"]
    set_job_status(job, scheduled, done)
    return job, pod


def set_job_status(job: dict, started: datetime, done: bool) -> None:
    if not done:
        job["status"] = {
            "active": 1,
            "ready": 1,
            "startTime": ts(started),
            "terminating": 0,
            "uncountedTerminatedPods": {},
        }
        return
    finished = started + seconds(24)
    job["status"] = {
        "completionTime": ts(finished),
        "conditions": [
            {
                "lastProbeTime": ts(finished),
                "lastTransitionTime": ts(finished),
                "message": "Reached expected number of succeeded pods",
                "reason": "CompletionsReached",
                "status": "True",
                "type": "SuccessCriteriaMet",
            },
            {
                "lastProbeTime": ts(finished),
                "lastTransitionTime": ts(finished),
                "message": "Reached expected number of succeeded pods",
                "reason": "CompletionsReached",
                "status": "True",
                "type": "Complete",
            },
        ],
        "ready": 0,
        "startTime": ts(started),
        "succeeded": 1,
        "terminating": 0,
        "uncountedTerminatedPods": {},
    }


def job_ref(job: dict) -> dict:
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "name": job["metadata"]["name"],
        "namespace": job["metadata"]["namespace"],
        "uid": job["metadata"]["uid"],
    }
