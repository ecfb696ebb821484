"""Every FailedScheduling message in what kubectl printed, parsed: `manage.py analyze events`.

Events come as objects (an EventList in JSON or YAML, events.k8s.io Events whose words are in
`note`, the EventLists of a `kubectl cluster-info dump`) or, when the file holds no object, as
the lines of `kubectl describe pod` (its Events table, under the pod's `Name:`/`Namespace:`) or
`kubectl get events` (`pod/NAME` in the OBJECT column). One entry per distinct (pod, message),
its count the sum of the events' counts.

The JSON: `{"failed_scheduling": [{"namespace", "pod", "count", "nodes", "reasons": [{"reason",
"count"}], "preemption"}]}` — `nodes` the N of "0/N nodes are available" (null when the message
does not say), a reason's count null when said once for the pod (a PreFilter message), and
`preemption` what follows "preemption: " (null when the scheduler said nothing of it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .failed_scheduling import parse_failed_scheduling

FAILED_SCHEDULING = "FailedScheduling"
_DESCRIBE_NAME = re.compile(r"^Name:\s+(\S+)\s*$")
_DESCRIBE_NAMESPACE = re.compile(r"^Namespace:\s+(\S*)\s*$")
_TIMES = re.compile(r"\(x(\d+) over [^)]*\)")
_MESSAGE = re.compile(
    r"(?:\(combined from similar events\): )?(?:\d+/\d+ nodes are available|"
    r"No nodes are available that match all of the following predicates).*"
)
_OBJECT = re.compile(r"\bpod/(\S+)")
INT32 = 2**31 - 1  # an Event's count is an int32; a node count beyond it is not one either


def _bounded(value: int | None) -> int | None:
    return value if value is None or 0 <= value <= INT32 else None


def _walk(value: object) -> Iterator[Mapping]:
    if isinstance(value, Mapping):
        yield value
        for item in value.values():
            if isinstance(item, dict | list):
                yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def _count(event: Mapping) -> int:
    series = event.get("series") if isinstance(event.get("series"), Mapping) else {}
    for value in (event.get("count"), (series or {}).get("count"), event.get("deprecatedCount")):
        if isinstance(value, int) and 0 < value <= INT32:
            return value
    return 1


def from_objects(documents: Iterable[object]) -> list[tuple[str, str, int, str]]:
    """(namespace, pod, count, message) of every FailedScheduling Event in the documents."""
    found = []
    for document in documents:
        for event in _walk(document):
            if event.get("reason") != FAILED_SCHEDULING:
                continue
            involved = event.get("involvedObject") or event.get("regarding") or {}
            if not isinstance(involved, Mapping):
                involved = {}
            message = event.get("message") or event.get("note") or ""
            if not isinstance(message, str) or not message:
                continue
            meta = event.get("metadata") if isinstance(event.get("metadata"), Mapping) else {}
            namespace = involved.get("namespace") or (meta or {}).get("namespace") or ""
            found.append((str(namespace), str(involved.get("name") or ""), _count(event), message))
    return found


def from_text(text: str) -> list[tuple[str, str, int, str]]:
    """(namespace, pod, count, message) of each FailedScheduling line of kubectl's text."""
    found = []
    name = namespace = ""
    for line in text.splitlines():
        if m := _DESCRIBE_NAME.match(line):
            name, namespace = m[1], ""
            continue
        if m := _DESCRIBE_NAMESPACE.match(line):
            namespace = m[1]
            continue
        if FAILED_SCHEDULING not in line:
            continue
        message = _MESSAGE.search(line)
        if message is None:
            continue
        times = _TIMES.search(line[: message.start()])
        pod = _OBJECT.search(line[: message.start()])
        found.append(
            (
                namespace,
                pod[1] if pod else name,
                _bounded(int(times[1][:10])) or 1 if times else 1,
                message[0].rstrip(),
            )
        )
    return found


def report(events: Iterable[tuple[str, str, int, str]]) -> dict[str, Any]:
    """One entry per distinct (pod, message), in the order first seen."""
    entries: dict[tuple[str, str, str], dict[str, Any]] = {}
    for namespace, pod, count, message in events:
        key = (namespace, pod, message)
        if key in entries:
            entries[key]["count"] = min(entries[key]["count"] + count, 2**63 - 1)
            continue
        parsed = parse_failed_scheduling(message)
        entries[key] = {
            "namespace": namespace,
            "pod": pod,
            "count": count,
            "nodes": _bounded(parsed.total_nodes),
            "reasons": [{"reason": r.text, "count": _bounded(r.nodes)} for r in parsed.reasons],
            "preemption": parsed.preemption.text if parsed.preemption else None,
            "message": message,
            "parsed": parsed.parsed,
        }
    return {"failed_scheduling": list(entries.values())}


def render(found: Mapping[str, Any]) -> str:
    entries = found["failed_scheduling"]
    if not entries:
        return "No FailedScheduling event found.\n"
    lines = []
    for entry in entries:
        who = f"{entry['namespace']}/{entry['pod']}" if entry["namespace"] else entry["pod"]
        times = "once" if entry["count"] == 1 else f"{entry['count']} times"
        lines.append(f"{who or '(pod not named)'}: said {times}")
        if not entry["parsed"]:
            lines.append(f"  (not a shape read here) {entry['message']}")
        else:
            nodes = entry["nodes"]
            lines.append(
                f"  0 of {nodes} nodes available" if nodes is not None else "  no node available"
            )
            for reason in entry["reasons"]:
                count = reason["count"]
                lines.append(
                    f"  {count:>5}  {reason['reason']}"
                    if count is not None
                    else f"  (pod)  {reason['reason']}"
                )
            if entry["preemption"] is not None:
                lines.append(f"  preemption: {entry['preemption']}")
        lines.append("")
    return "\n".join(lines)
