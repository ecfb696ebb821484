"""The pod row, computed as kube-apiserver's printer computes it (READY, STATUS, RESTARTS)."""

from __future__ import annotations

from explorer.lib.objects import meta_of, name_of, spec_of, status_of

from ..duration import human_duration, parse_time
from .common import AGE, NAME, Cells, Printer, col, created

COLUMNS = (
    NAME,
    col("Ready", doc="The aggregate readiness state of this pod for accepting traffic."),
    col("Status", doc="The aggregate status of the containers in this pod."),
    col("Restarts", doc="The number of times the containers in this pod have been restarted."),
    AGE,
    col("IP", priority=1, doc="IP address allocated to the pod."),
    col("Node", priority=1, doc="NodeName is the node the pod is scheduled on."),
    col("Nominated Node", priority=1, doc="nominatedNodeName is set when preemption is pending."),
    col("Readiness Gates", priority=1, doc="Readiness gates of the pod."),
)

_TERMINAL = ("Succeeded", "Failed")


def _restartable(container: dict | None) -> bool:
    return bool(container) and container.get("restartPolicy") == "Always"


def _condition_true(pod_status: dict, kind: str) -> bool:
    return any(
        c.get("type") == kind and c.get("status") == "True"
        for c in pod_status.get("conditions") or ()
    )


def _finished_at(container_status: dict) -> float | None:
    terminated = (container_status.get("lastState") or {}).get("terminated")
    return parse_time(terminated.get("finishedAt")) if terminated else None


def _later(current: float | None, candidate: float | None) -> float | None:
    if candidate is None:
        return current
    return candidate if current is None or candidate > current else current


def _terminated_reason(terminated: dict, prefix: str = "") -> str:
    if terminated.get("reason"):
        return prefix + terminated["reason"]
    if terminated.get("signal"):
        return f"{prefix}Signal:{terminated['signal']}"
    return f"{prefix}ExitCode:{terminated.get('exitCode', 0)}"


class _Tally:
    def __init__(self) -> None:
        self.restarts = 0
        self.ready = 0
        self.last_restart: float | None = None


def _init_containers(
    pod_spec: dict, pod_status: dict, reason: str, tally: _Tally, sidecars: _Tally
):
    """Walk init containers; return (reason, initializing)."""
    specs = {c.get("name"): c for c in pod_spec.get("initContainers") or ()}
    count = len(pod_spec.get("initContainers") or ())
    for i, cs in enumerate(pod_status.get("initContainerStatuses") or ()):
        restart_count = cs.get("restartCount") or 0
        tally.restarts += restart_count
        tally.last_restart = _later(tally.last_restart, _finished_at(cs))
        sidecar = _restartable(specs.get(cs.get("name")))
        if sidecar:
            sidecars.restarts += restart_count
            sidecars.last_restart = _later(sidecars.last_restart, _finished_at(cs))
        state = cs.get("state") or {}
        terminated, waiting = state.get("terminated"), state.get("waiting")
        if terminated is not None and (terminated.get("exitCode") or 0) == 0:
            continue
        if sidecar and cs.get("started"):
            if cs.get("ready"):
                tally.ready += 1
            continue
        if terminated is not None:
            return _terminated_reason(terminated, "Init:"), True
        if waiting and waiting.get("reason") and waiting["reason"] != "PodInitializing":
            return "Init:" + waiting["reason"], True
        return f"Init:{i}/{count}", True
    return reason, False


def pod_status_text(pod: dict) -> tuple[str, int, int, int, float | None]:
    """(STATUS, ready containers, total containers, restarts, last restart time)."""
    pod_spec, pod_status = spec_of(pod), status_of(pod)
    phase = pod_status.get("phase") or ""
    reason = pod_status.get("reason") or phase
    for condition in pod_status.get("conditions") or ():
        if condition.get("type") == "PodScheduled" and condition.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"
    total = len(pod_spec.get("containers") or ()) + sum(
        1 for c in pod_spec.get("initContainers") or () if _restartable(c)
    )
    tally, sidecars = _Tally(), _Tally()
    reason, initializing = _init_containers(pod_spec, pod_status, reason, tally, sidecars)
    if not initializing or _condition_true(pod_status, "Initialized"):
        tally.restarts, tally.last_restart = sidecars.restarts, sidecars.last_restart
        has_running = False
        for cs in reversed(pod_status.get("containerStatuses") or ()):
            tally.restarts += cs.get("restartCount") or 0
            tally.last_restart = _later(tally.last_restart, _finished_at(cs))
            state = cs.get("state") or {}
            waiting, terminated = state.get("waiting"), state.get("terminated")
            if waiting and waiting.get("reason"):
                reason = waiting["reason"]
            elif terminated is not None:
                reason = _terminated_reason(terminated)
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                tally.ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if _condition_true(pod_status, "Ready") else "NotReady"
    if meta_of(pod).get("deletionTimestamp"):
        if pod_status.get("reason") == "NodeLost":
            reason = "Unknown"
        elif phase not in _TERMINAL:
            reason = "Terminating"
    return reason, tally.ready, total, tally.restarts, tally.last_restart


def pod_cells(pod: dict, now: float) -> Cells:
    reason, ready, total, restarts, last_restart = pod_status_text(pod)
    restarts_text = str(restarts)
    if restarts and last_restart is not None:
        restarts_text = f"{restarts} ({human_duration(now - last_restart)} ago)"
    pod_spec, pod_status = spec_of(pod), status_of(pod)
    ips = pod_status.get("podIPs") or ()
    pod_ip = (ips[0].get("ip") if ips else pod_status.get("podIP")) or "<none>"
    gates = pod_spec.get("readinessGates") or ()
    readiness = "<none>"
    if gates:
        conditions = {c.get("type"): c.get("status") for c in pod_status.get("conditions") or ()}
        passed = sum(1 for g in gates if conditions.get(g.get("conditionType")) == "True")
        readiness = f"{passed}/{len(gates)}"
    return [
        name_of(pod),
        f"{ready}/{total}",
        reason,
        restarts_text,
        created(pod, now),
        pod_ip,
        pod_spec.get("nodeName") or "<none>",
        pod_status.get("nominatedNodeName") or "<none>",
        readiness,
    ]


def pod_conditions(pod: dict) -> list[dict] | None:
    phase = status_of(pod).get("phase")
    if phase == "Succeeded":
        message = "The pod has completed successfully."
    elif phase == "Failed":
        message = "The pod failed."
    else:
        return None
    return [{"type": "Completed", "status": "True", "reason": phase, "message": message}]


PRINTER = Printer(COLUMNS, pod_cells, pod_conditions)
