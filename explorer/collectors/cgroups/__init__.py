"""The kubepods cgroup tree of a node, read from any input, mapped to its pods, and checked
against what their requests and limits call for.

- inputs: `walk` (the node's own cgroupfs, v1 or v2), `parse_cgls`, `parse_listing`
  (`find`/`ls -R` of /sys/fs/cgroup), `parse_proc_cgroup`, `parse_cadvisor` (kubelet
  /metrics/cadvisor), `tree_from_recorded` (the demo's);
- `map_pods`: pod cgroup → pod by UID, container cgroup → container by status containerID;
- `compare`: expected (expected.py) vs actual, every difference flagged;
- `cgroups_report` / `render_cgroups`: the `analyze cgroups` contract.
The agentless fetch of the kubelet's texts through nodes/proxy is explorer/kube/node_proxy.py.
"""

from .cadvisor import parse_cadvisor
from .compare import Comparison, Difference, compare
from .mapping import PodMapping, map_pods
from .parse_cgls import parse_cgls
from .parse_listing import parse_listing
from .parse_proc import parse_proc_cgroup
from .report import NotCgroupInput, cgroups_report, read_tree, render_cgroups
from .tree import CgroupTree, ContainerCgroup, PodCgroup, tree_from_recorded
from .walk import walk

__all__ = [
    "CgroupTree",
    "Comparison",
    "ContainerCgroup",
    "Difference",
    "NotCgroupInput",
    "PodCgroup",
    "PodMapping",
    "cgroups_report",
    "compare",
    "map_pods",
    "parse_cadvisor",
    "parse_cgls",
    "parse_listing",
    "parse_proc_cgroup",
    "read_tree",
    "render_cgroups",
    "tree_from_recorded",
    "walk",
]
