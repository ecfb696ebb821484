"""`systemd-cgls` output: a tree drawn with `├─`, `└─` and `│`, two columns per level.

A line is a cgroup (its name, sometimes followed by `…` for a delegated unit or `(#<id>)` for
its cgroup ID) or a process (`<pid> <command>`). The header says where the tree starts:
`Control group /:` (the unified or name=systemd hierarchy), or on cgroup v1
`Controller memory; Control group /x:` for one controller's hierarchy, which says v1.
The first line under `Control group /:` is the root's own name (`-.slice`).
"""

from __future__ import annotations

import re

from .tree import CgroupEntry, CgroupTree, build_tree

HEADER = re.compile(r"^(?:Controller (\S+); )?Control group (/.*?):\s*$")
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
            root, version = header.group(2).rstrip("/") or "/", 1 if header.group(1) else version
            stack, drawn = [], True
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


def _path(root: str, names: list[str]) -> str:
    return "/" + "/".join([*([root.strip("/")] if root.strip("/") else []), *names])
