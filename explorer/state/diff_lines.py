"""A diff in words, one line each: what the terminal prints (explorer/snapshots/diff.py) and the
compare page lists (explorer/viewmodels/compare.py), so that both say a change the same way.
Plain text: a page puts it into the DOM as text, the terminal form escapes control characters.
"""

from __future__ import annotations

from typing import Any

from .node_diff import CgroupChanges, ChainChanges, NodeChanges
from .object_diff import FieldChange
from .state_diff import ObjectRef


def object_name(ref: ObjectRef) -> str:
    namespaced = f"{ref['namespace']}/{ref['name']}" if ref["namespace"] else ref["name"]
    return f"{ref['kind']} {namespaced}"


def field_line(field: FieldChange) -> str:
    return f"{field['path']}: {_value(field['before'])} → {_value(field['after'])}"


def _value(text: str | None) -> str:
    return "(absent)" if text is None else text


def node_lines(changes: NodeChanges) -> list[str]:
    if changes["facts"] != "both":
        return [f"facts collected {changes['facts']}: not compared"]
    return [*_chain_lines(changes["chains"]), *_cgroup_lines(changes["cgroups"])]


def _chain_lines(chains: ChainChanges) -> list[str]:
    lines = [f"rules not compared: {chains['problem']}"] if chains["problem"] else []
    lines += [f"Service port {port}: rules appeared" for port in chains["ports_added"]]
    lines += [f"Service port {port}: rules gone" for port in chains["ports_removed"]]
    for verb, key in (("added", "endpoints_added"), ("removed", "endpoints_removed")):
        for endpoint in chains[key]:  # type: ignore[literal-required]
            local = " (node-local)" if endpoint["local"] else ""
            lines.append(f"{endpoint['service']}: endpoint {endpoint['address']}{local} {verb}")
    for share in chains["shares_changed"]:
        lines.append(
            f"{share['service']}: endpoint {share['address']} share "
            f"{share['before']:.1%} → {share['after']:.1%}"
        )
    for side, key in (("A", "rules_only_in_a"), ("B", "rules_only_in_b")):
        rules = chains[key]  # type: ignore[literal-required]
        if rules["count"]:
            lines.append(f"{rules['count']} {chains['fact']} rules only in {side}:")
            lines += [f"    {rule}" for rule in rules["first"]]
            if rules["count"] > len(rules["first"]):
                lines.append(f"    … and {rules['count'] - len(rules['first'])} more")
    return lines


def _cgroup_lines(cgroups: CgroupChanges) -> list[str]:
    lines = [f"cgroups not compared: {cgroups['problem']}"] if cgroups["problem"] else []
    lines += [f"cgroup appeared: {cgroup_name(c)}" for c in cgroups["added"]]
    lines += [f"cgroup gone: {cgroup_name(c)}" for c in cgroups["removed"]]
    for change in cgroups["limits_changed"]:
        lines.append(
            f"{cgroup_name(change)}: {change['limit']} {change['before']} → {change['after']}"
        )
    return lines


def cgroup_name(cgroup: Any) -> str:
    who = cgroup["pod"] + (f" {cgroup['container']}" if cgroup["container"] else "")
    return f"{who} ({cgroup['path']})" if who else cgroup["path"]
