"""The kubelet's `/metrics/cadvisor`: cAdvisor's view of every cgroup, in Prometheus text.

The `id` label is the cgroup path (`/kubepods/burstable/pod<uid>/<id>` under the cgroupfs
driver, `/kubepods.slice/…/cri-containerd-<id>.scope` under systemd); `pod`, `namespace` and
`container` name what the kubelet runs there (the pause sandbox has `container=""`, or `POD`
from dockershim). Limits come from the `container_spec_*` gauges: a memory limit of 0 is none,
a missing `container_spec_cpu_quota` beside a period is none. cAdvisor reports cgroup v2 CPU
weights converted back to shares.

Per-cgroup pressure (PSI) exists only on cgroup v2, so `container_pressure_*` samples say v2;
otherwise the text does not tell the version.
"""

from __future__ import annotations

from collections.abc import Iterator

from .limits import UNLIMITED_FROM, with_cores
from .prometheus import Sample, samples
from .tree import CgroupEntry, CgroupTree, build_tree

GAUGES = {
    "container_spec_memory_limit_bytes": "memory_limit_bytes",
    "container_spec_cpu_quota": "cpu_quota_us",
    "container_spec_cpu_period": "cpu_period_us",
    "container_spec_cpu_shares": "cpu_shares",
    "container_memory_usage_bytes": "memory_usage_bytes",
    "container_threads_max": "pids_max",
    "container_threads": "pids_current",
}
NO_LIMIT_WHEN_ZERO = frozenset({"memory_limit_bytes", "pids_max", "cpu_quota_us"})
SANDBOX_NAMES = frozenset({"", "POD"})
PRESSURE_PREFIX = "container_pressure_"


class NotCadvisorMetrics(ValueError):
    pass


def looks_like_cadvisor(text: str) -> bool:
    head = text[:20000]
    return "container_" in head and 'id="' in head and ("# TYPE" in head or "} " in head)


class _Wanted:
    """The per-cgroup samples (`container_*`); records whether any was a pressure metric."""

    def __init__(self) -> None:
        self.pressure = False

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str) or not name.startswith("container_"):
            return False
        if name.startswith(PRESSURE_PREFIX):
            self.pressure = True
        return True


def parse_cadvisor(text: str) -> CgroupTree:
    wanted = _Wanted()
    entries: dict[str, CgroupEntry] = {}
    for sample in samples(text, wanted):
        path = sample.labels.get("id", "")
        if not path.startswith("/"):
            continue
        entry = entries.get(path)
        if entry is None:
            entry = entries[path] = CgroupEntry(path)
        _read(entry, sample)
    if not entries:
        raise NotCadvisorMetrics("no container_* sample with an id label")
    for entry in entries.values():
        limits = entry.limits
        if "cpu_period_us" in limits and "cpu_quota_us" not in limits:
            limits["cpu_quota_us"] = None
        with_cores(limits)
    return build_tree(_in_order(entries), "cadvisor", 2 if wanted.pressure else None)


def _read(entry: CgroupEntry, sample: Sample) -> None:
    key = GAUGES.get(sample.name)
    if key is not None:
        value = int(sample.value)
        unlimited = key in NO_LIMIT_WHEN_ZERO and (value == 0 or value >= UNLIMITED_FROM)
        entry.limits[key] = None if unlimited else value  # type: ignore[literal-required]
    labels = sample.labels
    if labels.get("pod") and not entry.pod_name:
        entry.pod_name = f"{labels.get('namespace', '')}/{labels['pod']}"
    if labels.get("name") and "container" in labels:  # a container's own cgroup
        entry.sandbox = labels["container"] in SANDBOX_NAMES
        entry.container_name = labels["container"] or None


def _in_order(entries: dict[str, CgroupEntry]) -> Iterator[CgroupEntry]:
    """Parents before children, so each pod is met at its own cgroup first."""
    yield from sorted(entries.values(), key=lambda e: (e.path.count("/"), e.path))
