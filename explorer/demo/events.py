"""Events as their writers leave them.

Controllers and the kubelet use the core/v1 recorder (`source`, `firstTimestamp`, `count`);
the scheduler uses events.k8s.io/v1 (`eventTime`, `action`, `reportingInstance`, empty
`source`), which the core/v1 API shows with null timestamps — kubectl reads both.
"""

from __future__ import annotations

from datetime import datetime

from .clock import micro_ts, seconds, ts
from .ids import Ids
from .meta import new_object


def involved(obj: dict, field_path: str = "") -> dict:
    ref = {"apiVersion": obj["apiVersion"]}
    if field_path:
        ref["fieldPath"] = field_path
    ref.update(
        {
            "kind": obj["kind"],
            "name": obj["metadata"]["name"],
            "namespace": obj["metadata"].get("namespace", "default"),
            "uid": obj["metadata"]["uid"],
        }
    )
    return ref


def _name(ids: Ids, obj: dict, when: datetime) -> str:
    nanos = int(when.timestamp()) * 1_000_000_000 + ids.rng.randrange(1_000_000_000)
    return f"{obj['metadata']['name']}.{nanos:x}"


def recorded_event(
    ids: Ids,
    obj: dict,
    component: str,
    reason: str,
    message: str,
    when: datetime,
    *,
    host: str = "",
    field_path: str = "",
    warning: bool = False,
    count: int = 1,
    first: datetime | None = None,
) -> dict:
    """An event written through the core/v1 recorder (controllers, the kubelet)."""
    source = {"component": component}
    if host:
        source["host"] = host
    return new_object(
        "Event",
        _name(ids, obj, first or when),
        ids.uid(),
        first or when,
        namespace=obj["metadata"].get("namespace", "default"),
        count=count,
        eventTime=None,
        firstTimestamp=ts(first or when),
        involvedObject=involved(obj, field_path),
        lastTimestamp=ts(when),
        message=message,
        reason=reason,
        reportingComponent=component,
        reportingInstance=host,
        source=source,
        type="Warning" if warning else "Normal",
    )


def kubelet_event(
    ids: Ids,
    pod: dict,
    container: str,
    reason: str,
    message: str,
    when: datetime,
    warning: bool = False,
    count: int = 1,
    first: datetime | None = None,
) -> dict:
    field_path = f"spec.containers{{{container}}}" if container else ""
    if container and any(c["name"] == container for c in pod["spec"].get("initContainers") or ()):
        field_path = f"spec.initContainers{{{container}}}"
    return recorded_event(
        ids,
        pod,
        "kubelet",
        reason,
        message,
        when,
        host=pod["spec"].get("nodeName", ""),
        field_path=field_path,
        warning=warning,
        count=count,
        first=first,
    )


def scheduler_event(
    ids: Ids,
    pod: dict,
    reason: str,
    message: str,
    when: datetime,
    scheduler_host: str,
    *,
    warning: bool = False,
    repeats: int = 0,
    last: datetime | None = None,
) -> dict:
    """An event written by kube-scheduler through events.k8s.io/v1."""
    event = new_object(
        "Event",
        _name(ids, pod, when),
        ids.uid(),
        when,
        namespace=pod["metadata"]["namespace"],
        action="Scheduling" if warning else "Binding",
        eventTime=micro_ts(when),
        firstTimestamp=None,
        involvedObject=involved(pod),
        lastTimestamp=None,
        message=message,
        reason=reason,
        reportingComponent="default-scheduler",
        reportingInstance=f"default-scheduler-{scheduler_host}",
        source={},
        type="Warning" if warning else "Normal",
    )
    if repeats:
        event["series"] = {"count": repeats, "lastObservedTime": micro_ts(last or when)}
    return event


def pod_start_events(
    ids: Ids, pod: dict, scheduled: datetime, scheduler_host: str, pulled: bool = False
) -> list[dict]:
    """Scheduled, then for each init and app container: Pulled, Created, Started."""
    node = pod["spec"].get("nodeName", "")
    events = []
    owners = pod["metadata"].get("ownerReferences") or [{}]
    if owners[0].get("kind") != "Node":  # static pods are never scheduled
        events.append(
            scheduler_event(
                ids,
                pod,
                "Scheduled",
                f"Successfully assigned {pod['metadata']['namespace']}/"
                f"{pod['metadata']['name']} to {node}",
                scheduled,
                scheduler_host,
            )
        )
    moment = scheduled
    for item in list(pod["spec"].get("initContainers") or ()) + pod["spec"]["containers"]:
        moment = moment + seconds(1)
        image = item["image"]
        if pulled:
            took = 1.5 + ids.rng.random() * 6
            size = ids.rng.randrange(5_000_000, 90_000_000)
            message = (
                f'Successfully pulled image "{image}" in {took:.3f}s '
                f"({took:.3f}s including waiting). Image size: {size} bytes."
            )
        else:
            message = f'Container image "{image}" already present on machine'
        events.append(kubelet_event(ids, pod, item["name"], "Pulled", message, moment))
        events.append(
            kubelet_event(
                ids, pod, item["name"], "Created", f"Created container: {item['name']}", moment
            )
        )
        events.append(
            kubelet_event(
                ids,
                pod,
                item["name"],
                "Started",
                f"Started container {item['name']}",
                moment + seconds(1),
            )
        )
    return events
