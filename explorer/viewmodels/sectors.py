"""A sector: one entry of a sunburst or treemap model, keyed by its id in the model's `sectors`.

Every figure view (overview, workloads hierarchy, cgroup tree, a node's cgroups) draws the same
shape: a parent id ("" for a root), a label, a size, a colour and hover text, plus the fields
that say what the sector stands for. Which `kind`s appear is the view's own:

- overview: node, namespace, pod or pods (a folded group);
- hierarchy: namespace, controller, owner, pod, pods, more, container, sandbox;
- cgroup tree: kubepods, qos, pod, container, sandbox;
- etcd key space: branch, key.
"""

from __future__ import annotations

from typing import TypedDict

from .links import Link


class Sector(TypedDict, total=False):
    parent: str
    label: str  # escaped for Plotly (plotly_text)
    text: str  # hierarchy: the label, plain for the DOM
    value: float  # an int (a count of pods) in the overview
    size: int  # etcd key space: the bytes stored (value is the count of keys)
    colour: str
    hover: str  # for Plotly
    facts: list[str]  # cgroup tree: the hover's lines, plain for the DOM
    kind: str
    # what a pod's sector says about it (overview, hierarchy)
    phase: str
    state: str
    ready: str
    qos: str
    restarts: int
    # what a sector stands for, for a click
    link: Link  # overview, hierarchy: the page a click opens (explorer/viewmodels/links.py)
    pod: str
    container: str
    sandbox: bool
    path: str  # cgroup tree: the cgroup's path
    container_id: str
    differs: bool  # cgroup tree: recorded limits differ from the expected ones
