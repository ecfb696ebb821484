"""`snapshot diff A B`: two moments compared, in the forms the command prints.

The comparison itself is `diff_states(a, b)` (explorer/state/state_diff.py: below the view
models, so that the compare page's model reads it too); here are its forms:
- `diff_as_json(diff)`: `{"added": [{kind, namespace, name}], "removed": [...], "changed":
  [{kind, namespace, name, "fields": [path, ...]}], "nodes": {node: {facts, chains, cgroups}}}`
  — the paths only, no values (`--json`, for scripts);
- `diff_as_text(diff)`: lines for a terminal, values included. Cluster strings may hold control
  characters (an escape sequence would drive the terminal): they are shown as `\\x1b`.
"""

from __future__ import annotations

from typing import Any

from explorer.state.diff_lines import field_line, node_lines, object_name
from explorer.state.state_diff import ObjectRef, StateDiff, diff_counts, diff_states

__all__ = ["diff_as_json", "diff_as_text", "diff_states"]

_CONTROL = {
    code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0)) if chr(code) != "\t"
}
_CONTROL.update({0x2028: "\\u2028", 0x2029: "\\u2029"})


def diff_as_json(diff: StateDiff) -> dict[str, Any]:
    return {
        "added": [_ref(ref) for ref in diff["added"]],
        "removed": [_ref(ref) for ref in diff["removed"]],
        "changed": [
            {**_ref(change), "fields": [field["path"] for field in change["fields"]]}
            | ({"more_fields": change["more_fields"]} if change["more_fields"] else {})
            for change in diff["changed"]
        ],
        "nodes": diff["nodes"],
    }


def _ref(ref: ObjectRef) -> dict[str, str]:
    return {"kind": ref["kind"], "namespace": ref["namespace"], "name": ref["name"]}


def diff_as_text(diff: StateDiff) -> str:
    counts = diff_counts(diff)
    lines = [
        f"{counts['added']} added, {counts['removed']} removed, {counts['changed']} changed; "
        f"{counts['nodes']} nodes with changes in their rules or cgroups"
    ]
    lines += [f"+ {object_name(ref)}" for ref in diff["added"]]
    lines += [f"- {object_name(ref)}" for ref in diff["removed"]]
    for change in diff["changed"]:
        lines.append(f"~ {object_name(change)}")
        for field in change["fields"]:
            lines.append(f"    {field_line(field)}")
        if change["more_fields"]:
            lines.append(f"    … and {change['more_fields']} more fields")
    for node, changes in diff["nodes"].items():
        lines.append(f"node {node}:")
        lines += [f"    {line}" for line in node_lines(changes)]
    return "\n".join(_safe(line) for line in lines) + "\n"


def _safe(line: str) -> str:
    return line.translate(_CONTROL)
