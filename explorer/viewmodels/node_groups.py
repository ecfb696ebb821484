"""The overview's coarsest level: nodes in runs of neighbours by name, one sector a run.

Past MAX_SECTORS nodes even one sector per node is more than a screen shows or a browser draws
quickly (5,000 nodes made a 1.7 MB model and 7.6 s to a drawn chart). Nodes are then put in
name order — numbers in names counted as numbers, so `worker-9` comes before `worker-10` — and
cut into about GROUP_TARGET runs of equal length; each run is one sector, sized by its pods,
coloured by its worst, and a click shows the overview of that run alone (`NodeRange`: the
first and last names, the page's `first` and `last` parameters), at the finest level that fits.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .links import Link
from .plotly_text import hover_lines, plotly_text
from .pod_summary import RUNNING, STATE_COLOURS, PodSummary, states_of, worst
from .sectors import Sector

GROUP_TARGET = 250  # runs of 20 nodes at 5,000: each run's own overview down to its pods
GROUP_PREFIX = "nodes/"
_DIGITS = re.compile(r"(\d+)")


def name_order(name: str) -> tuple:
    """A node name's place in name order, its numbers read as numbers."""
    return tuple(int(part) if part.isdigit() else part for part in _DIGITS.split(name))


def in_name_order(names: set[str]) -> list[str]:
    return sorted(names, key=name_order)


@dataclass(frozen=True)
class NodeRange:
    """The nodes from `first` to `last` in name order, both included."""

    first: str
    last: str

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str) or not name:
            return False
        return name_order(self.first) <= name_order(name) <= name_order(self.last)


def node_range(params: dict[str, str]) -> NodeRange | None:
    """The range the page's parameters ask for; None for every node (both or neither needed)."""
    first, last = params.get("first"), params.get("last")
    return NodeRange(first, last) if first and last else None


def runs(names: list[str]) -> list[list[str]]:
    """`names` (in name order) cut into about GROUP_TARGET runs of equal length."""
    size = max(1, -(-len(names) // GROUP_TARGET))
    return [names[start : start + size] for start in range(0, len(names), size)]


def group_id(run: list[str]) -> str:
    return f"{GROUP_PREFIX}{run[0]}..{run[-1]}"


def group_sector(
    run: list[str], pods_on: Callable[[str], list[PodSummary]], not_ready: set[str]
) -> Sector:
    """One run's sector: its pods' count and states, its nodes not Ready; `not_ready` holds the
    names of the run's nodes whose Ready condition is not True."""
    pods = [pod for name in run for pod in pods_on(name)]
    states = states_of(pods)
    first, last = run[0], run[-1]
    rows: list[tuple[str, object]] = [("nodes", len(run)), ("pods", len(pods))]
    rows += [(state, states[state]) for state in STATE_COLOURS if states[state]]
    if not_ready:
        shown = ", ".join(in_name_order(not_ready)[:5])
        rows.append(("not Ready", f"{len(not_ready)}: {shown}{' …' if len(not_ready) > 5 else ''}"))
    rows.append(("click", "show these nodes and their pods"))
    span = first if first == last else f"{first} … {last}"
    colour = STATE_COLOURS[worst(list(states))] if states else STATE_COLOURS[RUNNING]
    return {
        "parent": "",
        "label": f"{plotly_text(span)} ({len(run)})",
        "value": max(len(pods), 1),
        "colour": colour,
        "hover": hover_lines(f"nodes {span}", rows),
        "kind": "nodes",
        "link": Link(page="overview", first=first, last=last),
    }
