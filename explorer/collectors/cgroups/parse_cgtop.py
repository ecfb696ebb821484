"""`systemd-cgtop` output: one row per cgroup, its path then Tasks, %CPU (or CPU time with
`--cpu=time`), Memory, Input/s and Output/s. Interactive output has a heading (`Control Group`,
`CGroup` in newer systemd); batch output (`-b`) has none and repeats every iteration (the last
one counts).

Memory is what the cgroup uses (`1.2G`: base 1024, one decimal; raw bytes with `-r`), Tasks
its pids.current. On a terminal too narrow for a path, cgtop cuts it with `…` a third of the
way in: such a row is the one path it can be, given the whole paths of the same output and
systemd's naming (a pod's slice is named after its QoS level's), or else what the whole names on
either side of the cut locate. A container whose ID was cut is lost: nothing else names it.
"""

from __future__ import annotations

import re

from .limits import Limits
from .parse_mentions import ELLIPSIS, located
from .paths import nests_as_systemd, normalise
from .tree import CgroupEntry, CgroupTree, build_tree

HEADING = re.compile(
    r"^\s*(?:Control Group|CGroup)\s+(Tasks|Procs|Proc\+)\s+(?:%CPU|CPU Time)\s+Memory"
    r"\s+Input/s\s+Output/s\s*$"
)
_AMOUNT = r"-|\d{1,20}(?:\.\d{1,3})?[BKMGTPE]?"
ROW = re.compile(rf"^(/\S*)\s+(\d{{1,19}}|-)\s+(.+?)\s+({_AMOUNT})\s+({_AMOUNT})\s+({_AMOUNT})\s*$")
_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_UNITS = {"B": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40, "P": 2**50, "E": 2**60}


class NotSystemdCgtop(ValueError):
    pass


def looks_like_cgtop(text: str) -> bool:
    lines = [line for line in _ESCAPE.sub("", text).splitlines() if line.strip()]
    if any(HEADING.match(line) for line in lines):
        return True
    rows = sum(1 for line in lines if ROW.match(line))
    return rows > 0 and rows * 2 >= len(lines)


def _bytes(amount: str) -> int | None:
    """`256.0K` → 262144; None for `-`, and for what no 64-bit counter could hold."""
    if amount == "-":
        return None
    unit = _UNITS.get(amount[-1], 1)
    number = int(float(amount.rstrip("".join(_UNITS))) * unit)
    return number if number < 2**63 else None


def parse_cgtop(text: str) -> CgroupTree:
    counts_tasks = True  # batch output has no heading; cgtop counts tasks unless told not to
    rows: dict[str, Limits] = {}
    for line in _ESCAPE.sub("", text).splitlines():
        if heading := HEADING.match(line):
            counts_tasks = heading.group(1) == "Tasks"
        elif row := ROW.match(line):
            path, tasks, _cpu, memory, _input, _output = row.groups()
            limits = Limits()
            if (used := _bytes(memory)) is not None:
                limits["memory_usage_bytes"] = used
            if counts_tasks and tasks.isdigit():
                limits["pids_current"] = int(tasks)
            rows[path if ELLIPSIS in path else normalise(path)] = limits
    if not rows:
        raise NotSystemdCgtop("no systemd-cgtop row found")
    known = [path for path in rows if ELLIPSIS not in path]
    entries = {path: CgroupEntry(path, rows[path]) for path in known}
    cut = [path for path in rows if ELLIPSIS in path]
    while cut:  # a pod's row made whole lets its containers' rows be made whole
        wholes = {path: whole for path in cut if (whole := _whole(path, known))}
        for path, whole in wholes.items():
            entries.setdefault(whole, CgroupEntry(whole, rows[path]))
            known.append(whole)
        cut = [path for path in cut if path not in wholes]
        if not wholes:
            break
    for path in cut:  # what the names on either side of the cut still say
        if (whole := located(path)) and whole not in entries:
            entries[whole] = CgroupEntry(whole, rows[path])
    return build_tree(entries.values(), "systemd-cgtop")


def _whole(cut: str, known: list[str]) -> str | None:
    """The one path a row cut with `…` can be: a known path, or a slice systemd would nest
    under one, that ends as the cut does, with what follows the cut segment."""
    head, _, tail = cut.partition(ELLIPSIS)
    partial, slash, rest = tail.partition("/")
    wholes = set()
    for path in known:
        for candidate in (path, *_child_slices(path, partial)):
            whole = candidate + (f"/{rest}" if slash else "")
            if (
                candidate.endswith(partial)
                and whole.startswith(head)
                and len(whole) > len(head + tail)
                and nests_as_systemd(whole)
            ):
                wholes.add(whole)
    return wholes.pop() if len(wholes) == 1 else None


def _child_slices(path: str, partial: str) -> list[str]:
    """The slices systemd could nest under `path` whose names end with `partial`: a child of
    `a-b.slice` is named `a-b-….slice`."""
    if not path.endswith(".slice") or not partial.endswith(".slice"):
        return []
    stem = path.rpartition("/")[2].removesuffix(".slice")
    return [f"{path}/{stem}-{partial[at + 1 :]}" for at, char in enumerate(partial) if char == "-"]
