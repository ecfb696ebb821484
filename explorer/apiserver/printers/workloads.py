"""Rows of workload controllers: deployments, replica sets, stateful sets, daemon sets, jobs,
cron jobs, autoscalers and disruption budgets."""

from __future__ import annotations

from explorer.lib.objects import spec_of, status_of, template_spec_of

from ..duration import human_duration, parse_time
from .common import (
    Cells,
    bool_text,
    col,
    format_label_selector,
    format_labels,
    int_or_string,
    is_terminating,
    named_rows,
    selector_string,
    spec_selector,
    workload_rows,
)


def _deployment_cells(obj: dict, _now: float) -> Cells:
    st = status_of(obj)
    return [
        f"{st.get('readyReplicas') or 0}/{spec_of(obj).get('replicas') or 0}",
        st.get("updatedReplicas") or 0,
        st.get("availableReplicas") or 0,
    ]


DEPLOYMENT = workload_rows(
    (
        col("Ready", doc="Number of the pod with ready state"),
        col("Up-to-date", doc="Total number of non-terminated pods with the desired template."),
        col("Available", doc="Total number of available pods."),
    ),
    _deployment_cells,
    selector=lambda obj: selector_string(spec_of(obj).get("selector")),
)

REPLICA_SET = workload_rows(
    (
        col("Desired", "integer", doc="Replicas is the number of desired replicas."),
        col("Current", "integer", doc="Replicas is the most recently observed number of replicas."),
        col("Ready", "integer", doc="The number of ready replicas for this replica set."),
    ),
    lambda obj, _now: [
        spec_of(obj).get("replicas") or 0,
        status_of(obj).get("replicas") or 0,
        status_of(obj).get("readyReplicas") or 0,
    ],
    selector=spec_selector,
)

STATEFUL_SET = workload_rows(
    (col("Ready", doc="Number of the pod with ready state"),),
    lambda obj, _now: [
        f"{status_of(obj).get('readyReplicas') or 0}/{spec_of(obj).get('replicas') or 0}"
    ],
)


def _daemon_set_cells(obj: dict, _now: float) -> Cells:
    st = status_of(obj)
    return [
        st.get("desiredNumberScheduled") or 0,
        st.get("currentNumberScheduled") or 0,
        st.get("numberReady") or 0,
        st.get("updatedNumberScheduled") or 0,
        st.get("numberAvailable") or 0,
        format_labels(template_spec_of(obj).get("nodeSelector")),
    ]


DAEMON_SET = workload_rows(
    (
        col("Desired", "integer", doc="The total number of nodes that should run the daemon pod."),
        col("Current", "integer", doc="The number of nodes running at least one daemon pod."),
        col("Ready", "integer", doc="The number of nodes with a ready daemon pod."),
        col("Up-to-date", "integer", doc="The number of nodes running the updated daemon pod."),
        col("Available", "integer", doc="The number of nodes with an available daemon pod."),
        col("Node Selector", doc="NodeSelector of the pod template."),
    ),
    _daemon_set_cells,
    selector=spec_selector,
)


def _job_condition(obj: dict, kind: str) -> bool:
    for condition in status_of(obj).get("conditions") or ():
        if condition.get("type") == kind:
            return condition.get("status") == "True"
    return False


def job_status(obj: dict) -> str:
    if _job_condition(obj, "Complete"):
        return "Complete"
    if _job_condition(obj, "Failed"):
        return "Failed"
    if is_terminating(obj):
        return "Terminating"
    if _job_condition(obj, "Suspended"):
        return "Suspended"
    if _job_condition(obj, "FailureTarget"):
        return "FailureTarget"
    return "Running"


def _job_cells(obj: dict, now: float) -> Cells:
    job_spec, st = spec_of(obj), status_of(obj)
    succeeded = st.get("succeeded") or 0
    if job_spec.get("completions") is not None:
        completions = f"{succeeded}/{job_spec['completions']}"
    elif (job_spec.get("parallelism") or 0) > 1:
        completions = f"{succeeded}/1 of {job_spec['parallelism']}"
    else:
        completions = f"{succeeded}/1"
    started, finished = parse_time(st.get("startTime")), parse_time(st.get("completionTime"))
    took = ""
    if started is not None:
        took = human_duration((finished if finished is not None else now) - started)
    return [job_status(obj), completions, took]


JOB = workload_rows(
    (
        col("Status", doc="Status of the job."),
        col("Completions", doc="The number of pods which reached phase Succeeded."),
        col("Duration", doc="Time required to complete the job."),
    ),
    _job_cells,
    selector=spec_selector,
)


def _job_template(cron_job: dict) -> dict:
    return spec_of(spec_of(cron_job).get("jobTemplate"))


def _cron_job_cells(obj: dict, now: float) -> Cells:
    cj_spec = spec_of(obj)
    last = status_of(obj).get("lastScheduleTime")
    return [
        cj_spec.get("schedule", ""),
        cj_spec.get("timeZone") or "<none>",
        bool_text(cj_spec.get("suspend")),
        len(status_of(obj).get("active") or ()),
        human_duration(now - parse_time(last)) if parse_time(last) is not None else "<none>",
    ]


CRON_JOB = workload_rows(
    (
        col("Schedule", doc="The schedule in Cron format."),
        col("Timezone", doc="The time zone name for the given schedule."),
        col("Suspend", "boolean", doc="Suspend subsequent executions."),
        col("Active", "integer", doc="A list of pointers to currently running jobs."),
        col("Last Schedule", doc="The last time the job was successfully scheduled."),
    ),
    _cron_job_cells,
    pod_spec=lambda obj: spec_of(_job_template(obj).get("template")),
    selector=lambda obj: format_label_selector(_job_template(obj).get("selector")),
)


def _hpa_metric(metric: dict, current: dict | None) -> str:
    kind = metric.get("type")
    if kind == "Resource" or kind == "ContainerResource":
        source = metric.get("resource" if kind == "Resource" else "containerResource") or {}
        target = source.get("target") or {}
        observed = (
            (current or {}).get("resource" if kind == "Resource" else "containerResource") or {}
        ).get("current") or {}
        if target.get("averageValue") is not None:
            now_value = observed.get("averageValue") or "<unknown>"
            return f"{source.get('name', '')}: {now_value}/{target['averageValue']}"
        now_value = (
            f"{observed['averageUtilization']}%"
            if observed.get("averageUtilization") is not None
            else "<unknown>"
        )
        goal = (
            f"{target['averageUtilization']}%"
            if target.get("averageUtilization") is not None
            else "<auto>"
        )
        return f"{source.get('name', '')}: {now_value}/{goal}"
    if kind in ("Pods", "Object", "External"):
        source = metric.get(kind.lower()) or {}
        target = source.get("target") or {}
        observed = ((current or {}).get(kind.lower()) or {}).get("current") or {}
        if kind == "Pods" or target.get("averageValue") is not None:
            suffix = "" if kind == "Pods" else " (avg)"
            value = observed.get("averageValue") or "<unknown>"
            return f"{value}/{target.get('averageValue')}{suffix}"
        return f"{observed.get('value') or '<unknown>'}/{target.get('value')}"
    return "<unknown type>"


def hpa_targets(obj: dict) -> str:
    metrics = spec_of(obj).get("metrics") or []
    if not metrics:
        return "<none>"
    currents = status_of(obj).get("currentMetrics") or []
    texts = [
        _hpa_metric(m, currents[i] if i < len(currents) else None) for i, m in enumerate(metrics)
    ]
    if len(texts) > 2:
        return f"{', '.join(texts[:2])} + {len(texts) - 2} more..."
    return ", ".join(texts)


def _hpa_cells(obj: dict, _now: float) -> Cells:
    hpa_spec = spec_of(obj)
    ref = hpa_spec.get("scaleTargetRef") or {}
    return [
        f"{ref.get('kind', '')}/{ref.get('name', '')}",
        hpa_targets(obj),
        int_or_string(hpa_spec.get("minReplicas"), "<unset>"),
        hpa_spec.get("maxReplicas") or 0,
        status_of(obj).get("currentReplicas") or 0,
    ]


HORIZONTAL_POD_AUTOSCALER = named_rows(
    (
        col("Reference", doc="The target resource to scale."),
        col("Targets", doc="The metrics used to calculate the desired replica count."),
        col("MinPods", doc="The lower limit for the number of replicas."),
        col("MaxPods", doc="The upper limit for the number of replicas."),
        col("Replicas", doc="Current number of replicas of pods managed by this autoscaler."),
    ),
    _hpa_cells,
)

POD_DISRUPTION_BUDGET = named_rows(
    (
        col("Min Available", doc="The minimum number of pods that must be available."),
        col("Max Unavailable", doc="The maximum number of pods that may be unavailable."),
        col("Allowed Disruptions", "integer", doc="Number of pod disruptions currently allowed."),
    ),
    lambda obj, _now: [
        int_or_string(spec_of(obj).get("minAvailable")),
        int_or_string(spec_of(obj).get("maxUnavailable")),
        status_of(obj).get("disruptionsAllowed") or 0,
    ],
)
