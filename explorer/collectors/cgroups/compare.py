"""Expected vs actual: every cgroup value that differs from what the pod specs call for, every
pod or container without its cgroup, every cgroup without its pod.

Memory limits are compared as the kernel stores them: rounded down to a whole page. On cgroup
v2, `cpu.weight` is checked against both shares→weight mappings (expected.py) and the one that
matched is reported; cAdvisor's shares on v2 are its conversion back from the weight, so they
are compared after the same round trip.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from .expected import (
    WEIGHT_MAPPINGS,
    Expected,
    container_expected,
    kubepods_expected,
    pod_expected,
    pod_qos,
    qos_level_expected,
    sandbox_expected,
    shares_from_weight,
    weights,
)
from .limits import Limits
from .mapping import PodMapping, expects_cgroup, map_pods, pod_key
from .tree import CgroupTree

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass(frozen=True, slots=True)
class Difference:
    path: str | None  # the cgroup (None: the one that should exist does not)
    level: str  # kubepods, qos, pod, container, sandbox
    what: str  # memory limit, cpu quota, cpu period, cpu shares, cpu weight, qos class, cgroup
    expected: str
    actual: str
    pod: str | None = None  # namespace/name
    container: str | None = None

    def __str__(self) -> str:
        where = (self.container and f"{self.pod} {self.container}") or self.pod or self.path
        return f"{where}: {self.what} is {self.actual}, expected {self.expected}"


@dataclass(slots=True)
class Comparison:
    differences: list[Difference] = field(default_factory=list)
    checked: int = 0  # values compared
    weight_matches: Counter[str] = field(default_factory=Counter)  # mapping -> unambiguous hits

    @property
    def weight_mapping(self) -> str | None:
        """The shares→weight mapping the node's weights follow (None: no v2 weight told)."""
        if not self.weight_matches:
            return None
        return self.weight_matches.most_common(1)[0][0]

    def as_dict(self) -> dict[str, Any]:
        return {
            "differences": [asdict(d) for d in self.differences],
            "checked": self.checked,
            "weight_mapping": self.weight_mapping,
        }


def _show_bytes(value: int | None) -> str:
    return "no limit" if value is None else f"{value} bytes"


def _show_quota(value: int | None) -> str:
    return "no quota" if value is None else f"{value} µs"


class _Checker:
    def __init__(self, tree: CgroupTree, page_size: int) -> None:
        self.tree = tree
        self.page = page_size
        self.result = Comparison()

    def check(
        self,
        path: str,
        level: str,
        actual: Limits,
        expected: Expected,
        pod: str | None = None,
        container: str | None = None,
    ) -> None:
        def differ(what: str, want: str, got: str) -> None:
            self.result.differences.append(Difference(path, level, what, want, got, pod, container))

        if "memory_limit_bytes" in expected and "memory_limit_bytes" in actual:
            self.result.checked += 1
            want, got = expected["memory_limit_bytes"], actual["memory_limit_bytes"]
            if not self._same_memory(want, got):
                differ("memory limit", _show_bytes(want), _show_bytes(got))
        for key, what in (("cpu_quota_us", "cpu quota"), ("cpu_period_us", "cpu period")):
            if (
                key in expected
                and key in actual
                and not (key == "cpu_period_us" and actual.get("cpu_quota_us") is None)
            ):
                self.result.checked += 1
                if expected[key] != actual[key]:  # type: ignore[literal-required]
                    differ(what, _show_quota(expected[key]), _show_quota(actual[key]))  # type: ignore[literal-required]
        if "cpu_shares" not in expected:
            return
        shares = expected["cpu_shares"]
        if "cpu_weight" in actual:
            self.result.checked += 1
            self._weight(shares, actual["cpu_weight"], differ)
        elif "cpu_shares" in actual:
            self.result.checked += 1
            self._shares(shares, actual["cpu_shares"], differ)

    def _same_memory(self, want: int | None, got: int | None) -> bool:
        if want is None or got is None:
            return want == got
        return got in (want, want // self.page * self.page)

    def _weight(self, shares: int, got: int, differ: Any) -> None:
        candidates = weights(shares)
        matched = [name for name, weight in candidates.items() if weight == got]
        if len(matched) == 1:
            self.result.weight_matches[matched[0]] += 1
        if not matched:
            want = " or ".join(f"{candidates[name]} ({name})" for name in WEIGHT_MAPPINGS)
            differ("cpu weight", f"{want}, from {shares} shares", str(got))

    def _shares(self, shares: int, got: int, differ: Any) -> None:
        if got == shares:
            return
        if self.tree.version == 2 or self.tree.source == "cadvisor":
            # cAdvisor on v2 reports the weight converted back to shares.
            back = {name: shares_from_weight(w) for name, w in weights(shares).items()}
            matched = [name for name, value in back.items() if value == got]
            if len(matched) == 1:
                self.result.weight_matches[matched[0]] += 1
            if matched:
                return
        differ("cpu shares", str(shares), str(got))


def compare(
    tree: CgroupTree,
    pods: Iterable[dict],
    node: dict | None = None,
    page_size: int = PAGE_SIZE,
    mapping: PodMapping | None = None,
) -> Comparison:
    """Check every cgroup of the tree against the node's pods (and the node, for kubepods)."""
    pods = list(pods)
    mapping = mapping or map_pods(tree, pods)
    checker = _Checker(tree, page_size)
    differences = checker.result.differences
    for pod_cgroup in tree.pods:
        pod = mapping.pods.get(pod_cgroup.path)
        if pod is None:
            differences.append(
                Difference(
                    pod_cgroup.path,
                    "pod",
                    "cgroup",
                    "a pod with this UID",
                    "no such pod on the node",
                )
            )
            continue
        name = pod_key(pod)
        if pod_qos(pod) != pod_cgroup.qos:
            differences.append(
                Difference(pod_cgroup.path, "pod", "qos class", pod_qos(pod), pod_cgroup.qos, name)
            )
        checker.check(pod_cgroup.path, "pod", pod_cgroup.limits, pod_expected(pod), name)
        for container in pod_cgroup.containers:
            ref = mapping.containers.get(container.path)
            if ref is not None:
                expected = container_expected(ref.spec)
                checker.check(
                    container.path, "container", container.limits, expected, name, ref.name
                )
            elif container.path in mapping.sandboxes:
                checker.check(
                    container.path,
                    "sandbox",
                    container.limits,
                    sandbox_expected(),
                    name,
                    "(sandbox)",
                )
            else:
                differences.append(
                    Difference(
                        container.path,
                        "container",
                        "cgroup",
                        "a container of the pod",
                        "no container status names it",
                        name,
                    )
                )
    for pod in mapping.missing_pods:
        differences.append(
            Difference(None, "pod", "cgroup", "a pod cgroup", "none found", pod_key(pod))
        )
    for ref in mapping.missing_containers:
        differences.append(
            Difference(
                None,
                "container",
                "cgroup",
                "a container cgroup",
                "none found",
                pod_key(ref.pod),
                ref.name,
            )
        )
    live = [p for p in pods if expects_cgroup(p)]
    for qos, expected in qos_level_expected(live).items():
        level = tree.qos_levels.get(qos)
        if level is not None:
            checker.check(level.path, "qos", level.limits, expected)
    if node is not None and tree.kubepods is not None:
        checker.check(tree.kubepods.path, "kubepods", tree.kubepods.limits, kubepods_expected(node))
    return checker.result
