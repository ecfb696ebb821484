"""The compare page: what changed from moment A to moment B, as a list and drawn.

`build(a, b, params)`: A and B are any two ClusterStates (snapshot, live, a past moment); the
diff is `diff_states` (explorer/state/state_diff.py). Params (all optional): `node`, the node
whose service chains are drawn (default: the first whose chains changed, else the first with
rules); `service`, ns/name of the Service drawn there (default: the first whose chains changed
on that node, else every Service).

The model:
- `header`: the two clusters' names and the counts (added, removed, changed, nodes);
- `marks`: mark → its colour and words, for the legend and the outlines;
- `kinds`: one group per kind, sorted: `added`, `removed`, `changed` entries
  (`{namespace, name, text, link?}`; a changed one with `fields`: `{path, before, after, text}`
  and `more_fields`), at most MAX_LISTED per kind and mark, `more` saying how many were left out;
  `link` only for objects B holds (explorer/viewmodels/links.py);
- `nodes`: the nodes whose chains or cgroups changed, each `{node, lines}` (the words of
  explorer/state/diff_lines.py);
- `overview`: the overview's sectors of both moments, each with its `mark`
  (explorer/viewmodels/compare_figures.py);
- `chains`: the service chain Sankey model of `node`/`service` over both moments, marked, with
  `choices` (nodes with rules on either side, and the Services whose chains changed there).
Everything for the DOM is plain text; labels and hover text are escaped for Plotly.
"""

from __future__ import annotations

from typing import Any

from explorer.state.cluster_state import ClusterState
from explorer.state.diff_lines import field_line, node_lines
from explorer.state.node_diff import RULE_FACTS, NodeChanges
from explorer.state.state_diff import ObjectRef, StateDiff, diff_counts, diff_states

from .base import Params
from .compare_figures import ADDED, CHANGED, MARK_WORDS, REMOVED, marked_chains, marked_overview
from .links import object_link
from .network.service_chain import ALL

MAX_LISTED = 200  # entries per kind and mark
MARK_COLOURS = {ADDED: "#1a7f37", REMOVED: "#cf222e", CHANGED: "#bf8700"}


def build(a: ClusterState, b: ClusterState, params: Params) -> dict[str, Any]:
    diff = diff_states(a, b)
    node = params.get("node") or _first_changed_node(diff) or _first_with_rules(b) or ""
    service = params.get("service") or _first_changed_service(diff, node) or ALL
    chains = marked_chains(a, b, node, service) if node else None
    return {
        "header": {"a": a.cluster, "b": b.cluster, "counts": diff_counts(diff)},
        "marks": {
            mark: {"colour": MARK_COLOURS[mark], "words": MARK_WORDS[mark]}
            for mark in (ADDED, REMOVED, CHANGED)
        },
        "kinds": _kinds(diff),
        "nodes": [
            {"node": name, "lines": node_lines(changes)} for name, changes in diff["nodes"].items()
        ],
        "overview": marked_overview(a, b, diff),
        "chains": {
            **(chains or {"nodes": {}, "links": {}, "columns": [], "missing": _no_rules(b)}),
            "node": node,
            "service": service,
            "choices": {
                "nodes": sorted(_with_rules(a) | _with_rules(b)),
                "services": _changed_services(diff["nodes"].get(node)),
            },
        },
    }


def _kinds(diff: StateDiff) -> list[dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}

    def group(kind: str) -> dict[str, Any]:
        if kind not in groups:
            groups[kind] = {"kind": kind, ADDED: [], REMOVED: [], CHANGED: [], "more": {}}
        return groups[kind]

    for mark, listed in ((ADDED, diff["added"]), (REMOVED, diff["removed"])):
        for ref in listed:
            _listed(group(ref["kind"]), mark, _entry(ref, linked=mark == ADDED))
    for change in diff["changed"]:
        entry = _entry(change, linked=True)
        entry["fields"] = [{**field, "text": field_line(field)} for field in change["fields"]]
        entry["more_fields"] = change["more_fields"]
        _listed(group(change["kind"]), CHANGED, entry)
    return [groups[kind] for kind in sorted(groups)]


def _listed(group: dict[str, Any], mark: str, entry: dict[str, Any]) -> None:
    if len(group[mark]) < MAX_LISTED:
        group[mark].append(entry)
    else:
        group["more"][mark] = group["more"].get(mark, 0) + 1


def _entry(ref: ObjectRef, linked: bool) -> dict[str, Any]:
    namespace, name = ref["namespace"], ref["name"]
    entry: dict[str, Any] = {
        "namespace": namespace,
        "name": name,
        "text": f"{namespace}/{name}" if namespace else name,
    }
    if linked:
        entry["link"] = object_link(ref["kind"], namespace, name)
    return entry


def _changed_services(changes: NodeChanges | None) -> list[str]:
    """ns/name of every Service whose chains changed on a node."""
    if changes is None:
        return []
    chains = changes["chains"]
    ports = [
        *chains["ports_added"],
        *chains["ports_removed"],
        *(e["service"] for e in chains["endpoints_added"]),
        *(e["service"] for e in chains["endpoints_removed"]),
        *(s["service"] for s in chains["shares_changed"]),
    ]
    named = (port.partition(" ")[0].partition(":")[0] for port in ports)
    return sorted({service for service in named if "/" in service})


def _first_changed_node(diff: StateDiff) -> str:
    return next((node for node, changes in diff["nodes"].items() if _changed_services(changes)), "")


def _first_changed_service(diff: StateDiff, node: str) -> str:
    services = _changed_services(diff["nodes"].get(node))
    return services[0] if services else ""


def _with_rules(state: ClusterState) -> set[str]:
    return {
        node
        for node, facts in state.node_facts.items()
        if any(isinstance(facts.get(fact), str) and facts[fact].strip() for fact in RULE_FACTS)
    }


def _first_with_rules(state: ClusterState) -> str:
    return min(_with_rules(state), default="")


def _no_rules(state: ClusterState) -> str:
    return f"No node of {state.cluster} has kube-proxy rules collected: no chains to compare."
