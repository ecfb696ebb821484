"""Expected vs actual, as for cgroups: each mount the objects call for against a node's mount
table, and each CSI mount the table shows that no object calls for (a pod gone, its volume left
mounted).

Whether a driver stages is not in the objects; a staging mount of the driver anywhere in the
table says it does (`stages`), and the caller may say so too. A missing staging mount of a
driver that stages is a difference; of a driver not known to stage it is only said.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .expected import POD_MOUNT, STAGING, ExpectedMount
from .mounts import Mount, MountTable
from .names import KUBELET_ROOT, escape_qualified_name, kubelet_path

MOUNTED, MISSING, NOT_STAGED, UNEXPECTED = "mounted", "missing", "not staged", "unexpected"


@dataclass(frozen=True, slots=True)
class MountCheck:
    verdict: str  # MOUNTED | MISSING | NOT_STAGED | UNEXPECTED
    path: str
    expected: ExpectedMount | None  # None: UNEXPECTED
    mount: Mount | None  # None: MISSING or NOT_STAGED

    def __str__(self) -> str:
        if self.expected is None:
            return f"{self.path}: mounted, but no pod or volume held calls for it"
        who = self.expected.pod or self.expected.pv_name
        what = self.expected.what
        if self.verdict == MOUNTED and self.mount is not None:
            return f"{who}: {what} at {self.path} ({self.mount.fstype} from {self.mount.source})"
        if self.verdict == NOT_STAGED:
            return f"{who}: no staging mount at {self.path} (the driver may not stage)"
        return f"{who}: {what} missing at {self.path}"


@dataclass(slots=True)
class MountComparison:
    checks: list[MountCheck] = field(default_factory=list)
    stages: set[str] = field(default_factory=set)  # drivers seen or said to stage

    @property
    def differences(self) -> list[MountCheck]:
        return [c for c in self.checks if c.verdict in (MISSING, UNEXPECTED)]


def _staging_drivers(table: MountTable, root: str) -> set[str]:
    """Escaped driver directories with a hashed staging mount in the table."""
    return {
        where.driver
        for mount in table.mounts
        if (where := kubelet_path(mount.target, root)) and where.what == "staging"
    }


def compare_mounts(
    expected: Iterable[ExpectedMount],
    table: MountTable,
    stages: Iterable[str] = (),
    root: str = KUBELET_ROOT,
) -> MountComparison:
    expected = list(expected)
    seen_staging = _staging_drivers(table, root)
    result = MountComparison(stages=set(stages))
    for item in expected:
        staged_here = item.what == STAGING and table.at(item.path) is not None
        if staged_here or escape_qualified_name(item.driver) in seen_staging:
            result.stages.add(item.driver)
    for item in expected:
        mount = table.at(item.path)
        if mount is not None:
            result.checks.append(MountCheck(MOUNTED, item.path, item, mount))
        elif item.what == POD_MOUNT or item.driver in result.stages:
            result.checks.append(MountCheck(MISSING, item.path, item, None))
        else:
            result.checks.append(MountCheck(NOT_STAGED, item.path, item, None))
    wanted = {item.path for item in expected}
    for mount in table.mounts:
        if mount.target in wanted or kubelet_path(mount.target, root) is None:
            continue
        wanted.add(mount.target)
        result.checks.append(MountCheck(UNEXPECTED, mount.target, None, mount))
    return result
