"""`systemd-cgls` output: a tree drawn with `├─`, `└─` and `│`, two columns per level.

A line is a cgroup (its name, sometimes followed by `…` for a delegated unit or `(#<id>)` for
its cgroup ID) or a process (`<pid> <command>`). The header says where the tree starts:
`Control group /:` (`CGroup /:` since systemd 254; the unified or name=systemd hierarchy), on
cgroup v1 `Controller memory; Control group /x:` for one controller's hierarchy, which says v1;
`Unit kubepods.slice (/kubepods.slice):` for `systemd-cgls -u UNIT`, `Directory /sys/fs/cgroup/…:`
for a directory given, `Working directory /sys/fs/cgroup/…:` when run inside one.
The first line under `Control group /:` is the root's own name (`-.slice`).
"""

from __future__ import annotations

import re

from .mount import mounted_path
from .tree import CgroupEntry, CgroupTree, build_tree

HEADER = re.compile(
    r"^(?:(?:Controller (\S+); )?(?:Control group|CGroup) (/.*?)|Unit \S+ \((/.*?)\)"
    r"|(?:Working d|D)irectory (/.*?)):\s*$"
)
BRANCH = re.compile(r"[├└]─")
PROCESS = re.compile(r"^\s*(\d+) (.*)$")
CGROUP_ID = re.compile(r"\s*\(#\d+\)\s*$")
PAUSE = re.compile(r"(^|/)pause(\s|$)")


class NotSystemdCgls(ValueError):
    pass


def looks_like_cgls(text: str) -> bool:
    return any(HEADER.match(line) for line in text.splitlines()) or bool(BRANCH.search(text))


def _name(raw: str) -> str:
    name = CGROUP_ID.sub("", raw).strip()
    return name.removesuffix("…").strip()


def parse_cgls(text: str) -> CgroupTree:
    """Every cgroup the tree draws, with the processes listed in it; a scope holding only the
    `/pause` process is the pod sandbox."""
    root = "/"
    version: int | None = None
    stack: list[str] = []  # names at each depth below the root
    entries: dict[str, CgroupEntry] = {}
    drawn = False
    for line in text.splitlines():
        if header := HEADER.match(line.strip()):
            root, version = _root(header), 1 if header.group(1) else version
            stack, drawn = [], True
            entries.setdefault(root, CgroupEntry(root))  # `-u kubepods.slice` draws only below
            continue
        branch = BRANCH.search(line)
        if branch is None:
            continue  # the root line (`-.slice`), a shell prompt, a blank line
        drawn = True
        depth = branch.start() // 2
        body = line[branch.end() :]
        if process := PROCESS.match(body):
            path = _path(root, stack[:depth])
            if path in entries:
                entries[path].processes.append(f"{process.group(1)} {process.group(2).strip()}")
            continue
        del stack[depth:]
        stack.append(_name(body))
        path = _path(root, stack)
        entries.setdefault(path, CgroupEntry(path))
    if not drawn:
        raise NotSystemdCgls("no systemd-cgls tree found")
    for entry in entries.values():
        if entry.processes:
            commands = [p.split(" ", 1)[1] if " " in p else "" for p in entry.processes]
            entry.sandbox = all(PAUSE.search(c) for c in commands)
    return build_tree(entries.values(), "systemd-cgls", version)


def _root(header: re.Match[str]) -> str:
    """The cgroup path a header names (a directory's, from the cgroup root)."""
    _, group, unit, directory = header.groups()
    if directory is not None:
        mounted = mounted_path(directory.rstrip("/"))
        return mounted.path if mounted else "/"
    return (group or unit).rstrip("/") or "/"


def _path(root: str, names: list[str]) -> str:
    return "/" + "/".join([*([root.strip("/")] if root.strip("/") else []), *names])
