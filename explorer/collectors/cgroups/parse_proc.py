"""`/proc/<pid>/cgroup`: one line per hierarchy, `<id>:<controllers>:<path>`.

cgroup v1 lists each controller hierarchy (`9:memory:/kubepods/…`); v2 has the one line
`0::/…`; a hybrid host has both (the v1 lines carry the controllers, so it reads as v1).
The process's cgroup is the leaf: its pod and container, never the levels above.
"""

from __future__ import annotations

import re

from .tree import CgroupEntry, CgroupTree, build_tree

LINE = re.compile(r"^(\d+):([^:]*):(/.*)$")


class NotProcCgroup(ValueError):
    pass


def looks_like_proc_cgroup(text: str) -> bool:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return bool(lines) and all(LINE.match(line) for line in lines)


def parse_proc_cgroup(text: str) -> CgroupTree:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise NotProcCgroup("empty")
    paths: list[str] = []
    version: int | None = None
    for line in lines:
        match = LINE.match(line)
        if match is None:
            raise NotProcCgroup(f"not a /proc/<pid>/cgroup line: {line[:80]!r}")
        controllers = [c for c in match.group(2).split(",") if c and not c.startswith("name=")]
        if controllers:
            version = 1
        elif match.group(1) == "0" and match.group(2) == "" and version is None:
            version = 2
        if match.group(3) not in paths:
            paths.append(match.group(3))
    return build_tree([CgroupEntry(path) for path in paths], "proc", version)
