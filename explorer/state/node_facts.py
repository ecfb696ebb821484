"""What a probe brings back from a node: the raw text of each fact, when it was taken, and why
any fact could not be read. Parsing is the views' job; a probe only fetches.

Facts (keys of `NodeFacts["facts"]`, and the keys they are kept under in `node_facts[node]`):
- `iptables-save`, `ip6tables-save`: `iptables-save -c` output (counters included);
- `nft`: `nft -j list ruleset` (JSON text);
- `resolv.conf`: the node's /etc/resolv.conf;
- `cgroups`: the node's kubepods cgroup tree, not text but a JSON-ready `CgroupsFact` (below);
- `storage`: the node's mount table and the kubelet's pod volume directories, a JSON-ready
  `StorageFact` (below), read by the agent alone (or recorded);
- `volume-usage`: the kubelet's `/stats/summary` volume usage, a JSON-ready `VolumeUsageFact`,
  read through `nodes/proxy` (or recorded).
- `scheduler-config`: kube-scheduler's configuration file (a KubeSchedulerConfiguration, as
  text), read by the agent on a control-plane node where the operator turned the way on
  (explorer/lib/choices.py SCHEDULER_CONFIG, explorer/probes/scheduler_config_probe.py); on such
  a node the reason it could not be read is its error instead.

The `cgroups` fact has one shape whoever made it — the demo's recorded tree
(explorer/demo/facts/cgroups.py), the local probe's walk of the node's cgroupfs, the proxy
probe's read of the kubelet's /metrics/cadvisor — and the views read it with
`explorer.collectors.cgroups.tree_from_recorded`:
    {"version": 2, "driver": "systemd", "root": "/sys/fs/cgroup",
     "nodes": {"kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid_>.slice/
               cri-containerd-<id>.scope": {"cpu.weight": "4", "cpu.max": "50000 100000",
                                            "memory.max": "268435456", "pids.max": "max"}},
     "source": "walk", "probe": "local", "taken_at": "2026-05-06T07:08:09Z"}
- `version`: 1 or 2, None when the input did not tell (cAdvisor without PSI samples);
- `driver`: `systemd` or `cgroupfs` (None: no kubepods path said);
- `root`: where the hierarchy is mounted on the node; `nodes` paths are relative to it (on
  cgroup v1 the same path exists in each controller's hierarchy, `<root>/<controller>/<path>`);
- `nodes`: kubepods, its QoS levels, pods and containers, each with the interface files of its
  version as the kernel prints them (v1 `memory.limit_in_bytes`, `cpu.cfs_quota_us`,
  `cpu.cfs_period_us`, `cpu.shares`, `memory.usage_in_bytes`, `pids.max`, `pids.current`; v2
  `memory.max`, `cpu.max`, `cpu.weight`, `memory.current`, `pids.max`, `pids.current`); a value
  the input did not have is absent;
- `source` (`walk`, `cadvisor`, `recorded`), `probe` and `taken_at`: where this tree was read,
  by which probe, and when (a node's text facts and its cgroups may come from different
  probes); absent from the demo's own recorded form.

The `storage` fact (explorer/probes/storage_fact.py reads it; the demo records one per node):
    {"kubelet_root": "/var/lib/kubelet", "mounts_from": "/proc/1/mountinfo",
     "mountinfo": "<the text of the mount table>",
     "volumes": [{"pod_uid": "…", "plugin": "kubernetes.io~csi", "name": "pvc-…",
                  "vol_data": "<vol_data.json as kubelet wrote it>",
                  "usage": {"capacity_bytes": …, "used_bytes": …, "available_bytes": …,
                            "inodes": …, "inodes_used": …}}],
     "cut": 0, "source": "node", "probe": "local", "taken_at": "…"}
- `kubelet_root`: the kubelet's `--root-dir` on that node (the paths the objects call for are
  under it); `mountinfo`: proc(5)'s mountinfo of the mount namespace kubelet mounts in;
- `volumes`: each `<kubelet_root>/pods/<pod uid>/volumes/<plugin>/<name>` directory, with the
  `vol_data.json` beside a CSI mount and the statvfs(2) figures of a directory that is a mount;
  `cut`: how many directories (or bytes of the table) were left out, over the probe's bounds.
The `volume-usage` fact: {"volumes": [{"pod_namespace", "pod_name", "pod_uid", "volume",
"claim": [namespace, name] or null, "capacity_bytes", "used_bytes", "available_bytes", "inodes",
"inodes_used", "time"}], "source": "stats/summary", "probe": "proxy", "taken_at": "…"}.

A node shows what its dataplane uses: one in nftables mode has little in iptables-save, an eBPF
node may have neither. What was read is kept; what failed is in `errors`, one line each.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal, NotRequired, Protocol, TypedDict

ProbeName = Literal["local", "exec", "proxy", "recorded"]

IPTABLES = "iptables-save"
IP6TABLES = "ip6tables-save"
NFT = "nft"
RESOLV_CONF = "resolv.conf"
CGROUPS = "cgroups"
STORAGE = "storage"
VOLUME_USAGE = "volume-usage"
SCHEDULER_CONFIG = "scheduler-config"

# The command that prints each fact on a node (or in its kube-proxy pod): argv, never a shell.
COMMANDS: dict[str, tuple[str, ...]] = {
    IPTABLES: ("iptables-save", "-c"),
    IP6TABLES: ("ip6tables-save", "-c"),
    NFT: ("nft", "-j", "list", "ruleset"),
    RESOLV_CONF: ("cat", "/etc/resolv.conf"),
}
FACTS = tuple(COMMANDS)  # the text facts
CGROUP_FACTS = (CGROUPS,)
STORAGE_FACTS = (STORAGE,)
VOLUME_USAGE_FACTS = (VOLUME_USAGE,)
DICT_FACTS = (CGROUPS, STORAGE, VOLUME_USAGE)  # the facts that are JSON-ready dicts, not text
SCHEDULER_FACTS = (SCHEDULER_CONFIG,)
# The probes that can read a fact: the agent's, a way through the API server, the recorded one.
_PROBES_OF_TEXT: tuple[ProbeName, ...] = ("local", "exec", "recorded")
_PROBES_OF: dict[str, tuple[ProbeName, ...]] = {
    CGROUPS: ("local", "proxy", "recorded"),
    STORAGE: ("local", "recorded"),
    VOLUME_USAGE: ("proxy", "recorded"),
}

# The pseudo-kind a view lists in its `kinds` to be rebuilt when a node's facts change.
NODE_FACTS_KIND = "NodeFacts"
# Keys beside the facts in ClusterState.node_facts[node].
TAKEN_AT, PROBE, ERRORS, PASSED_OVER = "taken_at", "probe", "errors", "passed_over"
CLOCK_SKEW = "clock_skew"  # seconds the node's clock was ahead of ours when it took them
UNREACHABLE_AT = "unreachable_at"  # the last collection read nothing: when it tried


class CgroupsFact(TypedDict):
    version: int | None
    driver: str | None
    root: str
    nodes: dict[str, dict[str, str]]  # cgroup path, relative to root -> {interface file: text}
    source: NotRequired[str]
    probe: NotRequired[ProbeName]
    taken_at: NotRequired[str]


class DirUsage(TypedDict):
    """statvfs(2) of a mounted volume, as the kubelet's fs stats count it."""

    capacity_bytes: int
    used_bytes: int
    available_bytes: int
    inodes: int
    inodes_used: int


class StorageVolume(TypedDict):
    pod_uid: str
    plugin: str  # the plugin's directory: kubernetes.io~csi, kubernetes.io~projected, …
    name: str  # a CSI persistent volume's name; else the pod's name for the volume
    vol_data: NotRequired[str]  # the vol_data.json beside a CSI mount, as read
    usage: NotRequired[DirUsage]  # the directory (a CSI volume's `mount`) is a mount


class StorageFact(TypedDict):
    kubelet_root: str
    mountinfo: str
    volumes: list[StorageVolume]
    mounts_from: NotRequired[str]
    cut: NotRequired[int]
    source: NotRequired[str]
    probe: NotRequired[ProbeName]
    taken_at: NotRequired[str]


class VolumeUsageFact(TypedDict):
    volumes: list[dict[str, Any]]  # explorer.collectors.storage.usage.VolumeUsage, as a dict
    source: NotRequired[str]
    probe: NotRequired[ProbeName]
    taken_at: NotRequired[str]


Fact = str | CgroupsFact | StorageFact | VolumeUsageFact


class NodeFacts(TypedDict):
    node: str
    taken_at: str  # RFC 3339, UTC
    probe: ProbeName
    facts: dict[str, Fact]  # fact -> raw text, or a dict fact (DICT_FACTS)
    errors: dict[str, str]  # fact -> one-line reason it could not be read
    # probe -> why it was not the one used: the agent that did not answer, a way the operator
    # did not turn on (explorer/lib/choices.py NODE_ACCESS), a way that failed
    passed_over: NotRequired[dict[str, str]]
    # how far the node's clock was ahead of ours when it took them (an agent's; at least this)
    clock_skew: NotRequired[float]


class Probe(Protocol):
    name: ProbeName

    def collect(self, node: str) -> NodeFacts: ...


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def node_facts(
    node: str,
    probe: ProbeName,
    facts: dict[str, Fact],
    errors: dict[str, str],
    taken_at: str | None = None,
) -> NodeFacts:
    return NodeFacts(node=node, taken_at=taken_at or now(), probe=probe, facts=facts, errors=errors)


def unreadable(
    node: str, probe: ProbeName, reason: str, facts: tuple[str, ...] = FACTS
) -> NodeFacts:
    """Nothing could be read: every fact (of those asked for) fails for the same reason."""
    return node_facts(node, probe, {}, dict.fromkeys(facts, reason))


def reached(collected: NodeFacts) -> bool:
    """The probe read something from the node (a node may legitimately lack some facts)."""
    return bool(collected["facts"])


def joined_all(first: NodeFacts, *others: NodeFacts) -> NodeFacts:
    """`joined` over several probes' collections, the first leading."""
    for other in others:
        first = joined(first, other)
    return first


def joined(first: NodeFacts, second: NodeFacts) -> NodeFacts:
    """One collection of a node read by two probes (its rules by exec, its cgroups through
    nodes/proxy): the facts of both, the errors of what neither read, and the probe and time
    of the first unless only the second read anything."""
    facts = {**first["facts"], **second["facts"]}
    errors = {k: v for k, v in {**first["errors"], **second["errors"]}.items() if k not in facts}
    lead = second if reached(second) and not reached(first) else first
    joint = node_facts(first["node"], lead["probe"], facts, errors, lead["taken_at"])
    passed_over = {**second.get("passed_over", {}), **first.get("passed_over", {})}
    if passed_over:
        joint["passed_over"] = passed_over
    return joint


def passed_over_for(entry: Mapping[str, Any], fact: str) -> dict[str, str]:
    """Why each probe that could have read `fact` was not used, from a node's entry of
    `ClusterState.node_facts`."""
    passed_over = entry.get(PASSED_OVER)
    if not isinstance(passed_over, dict):
        return {}
    probes = _PROBES_OF.get(fact, _PROBES_OF_TEXT)
    return {str(p): str(why) for p, why in passed_over.items() if p in probes}


def clock_skew(taken_at: str, sent: float, received: float) -> float:
    """How far ahead of ours (negative: behind) a node's clock was, at least, when it took facts
    it was asked for at `sent` and that came back at `received` (time.time() seconds)."""
    moment = moment_of(taken_at)
    if moment is None:
        return 0.0
    if moment > received:
        return moment - received
    if moment < sent:
        return moment - sent
    return 0.0


def moment_of(taken_at: object, clock_skew: object = 0) -> float | None:
    """An RFC 3339 `taken_at` as time.time() seconds on our clock (`clock_skew`: how far the
    node's clock was ahead of ours), or None when it cannot be read."""
    if not isinstance(taken_at, str) or not taken_at:
        return None
    try:
        moment = datetime.fromisoformat(taken_at.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None
    return moment - (clock_skew if isinstance(clock_skew, int | float) else 0)


def taken_moment(entry: Mapping[str, Any], fact: str | None = None) -> float | None:
    """When a node's facts (or one fact of them: the cgroups keep their own time) were taken."""
    value = entry.get(fact) if fact else None
    taken_at = value.get("taken_at") if isinstance(value, dict) else None
    return moment_of(taken_at or entry.get(TAKEN_AT), entry.get(CLOCK_SKEW, 0))


def one_line(text: str, limit: int = 300) -> str:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def merged(existing: Mapping[str, Any], collected: NodeFacts) -> dict[str, Any]:
    """A node's entry of `ClusterState.node_facts` after a collection: facts read replace the
    old ones, facts that failed are dropped (an older copy would pass for current), other
    entries (cgroups, logs, …) stay, and `taken_at`, `probe`, `errors` and `passed_over` (why
    the other probes were not used) describe this collection. A collection that read nothing
    (the node could not be reached) leaves the facts, and the time they were taken, as they
    were, and says when it failed and why."""
    if not reached(collected):
        entry = dict(existing)
        entry[ERRORS] = dict(collected["errors"])
        entry[UNREACHABLE_AT] = collected["taken_at"]
        return _with_passed_over(entry, collected)
    entry = {
        k: v
        for k, v in existing.items()
        if k not in collected["errors"] and k not in (UNREACHABLE_AT, PASSED_OVER, CLOCK_SKEW)
    }
    entry.update(collected["facts"])
    entry[TAKEN_AT] = collected["taken_at"]
    entry[PROBE] = collected["probe"]
    entry[ERRORS] = dict(collected["errors"])
    if collected.get("clock_skew"):
        entry[CLOCK_SKEW] = collected["clock_skew"]
    return _with_passed_over(entry, collected)


def _with_passed_over(entry: dict[str, Any], collected: NodeFacts) -> dict[str, Any]:
    entry.pop(PASSED_OVER, None)
    if collected.get("passed_over"):
        entry[PASSED_OVER] = dict(collected["passed_over"])
    return entry
