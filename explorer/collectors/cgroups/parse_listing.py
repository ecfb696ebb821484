"""Listings of a cgroup filesystem: `find /sys/fs/cgroup…`, `ls -R …`, and a terminal session
of `ls DIR` (`-l` too, piped through `grep` or not), `cd DIR` and `cat FILE` (the values `cat`
printed are read as the files' contents), after prompts of the usual shapes.

Paths are reported from the cgroup root (explorer.collectors.cgroups.mount), so the same
cgroup listed under several controllers is one cgroup. An entry is an interface file when its
name starts with a controller prefix (`memory.`, `cgroup.`, …; `kubepods.slice` does not).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from .limits import limits_from_files, version_of_files
from .mount import MOUNT, mounted_path
from .tree import CgroupEntry, CgroupTree, build_tree

FILE_PREFIXES = (
    "cgroup.",
    "memory.",
    "cpu.",
    "cpuacct.",
    "cpuset.",
    "pids.",
    "io.",
    "blkio.",
    "hugetlb.",
    "rdma.",
    "misc.",
    "devices.",
    "freezer.",
    "net_cls.",
    "net_prio.",
    "perf_event.",
)
FILE_NAMES = frozenset({"tasks", "notify_on_release", "release_agent"})
# A prompt and the command after it: `root@node:/sys/fs/cgroup# ls -l kubepods.slice`,
# `[root@node ~]# ls /sys/fs/cgroup/cpu/ | grep slice`, `$ sudo cat …/memory.max`, `cd DIR`.
PROMPT = re.compile(r"^(\[[^\]]*\]|\S*?)\s?[#$%>]\s*(?:sudo\s+)?(ls|cat|find|cd)\b\s*(.*)$")
LS_LONG = re.compile(r"^[dl-][rwxsStT-]{9}[.+@]?\s")


class NotCgroupListing(ValueError):
    pass


def is_interface_file(name: str) -> bool:
    if name.endswith((".slice", ".scope")):
        return False
    return name in FILE_NAMES or name.startswith(FILE_PREFIXES)


class _Listing:
    def __init__(self) -> None:
        self.dirs: dict[str, dict[str, str]] = {}  # cgroup path -> {file: value or ""}
        self.v1_controllers: set[str] = set()
        self.unified = False

    def cgroup_path(self, raw: str, base: str = "") -> str | None:
        """The cgroup path of a listed filesystem path (None: not under a cgroup mount)."""
        path = raw.strip().rstrip(":").rstrip("/")
        if base and not path.startswith("/"):
            path = f"{base.rstrip('/')}/{path.removeprefix('./')}"
        if path in (".", ""):
            path = MOUNT
        if path.startswith("./"):
            path = f"{MOUNT}/{path[2:]}"
        found = mounted_path(path)
        if found is None:
            return None
        if found.hierarchy:
            self.v1_controllers.add(found.hierarchy)
        self.unified = self.unified or found.unified
        return found.path

    def add_path(self, path: str) -> None:
        parent, _, name = path.rpartition("/")
        if is_interface_file(name):
            self.dirs.setdefault(parent or "/", {}).setdefault(name, "")
        else:
            self.dirs.setdefault(path, {})

    def add_entry(self, directory: str, name: str) -> None:
        if name in (".", ".."):
            return
        self.add_path(f"{directory.rstrip('/')}/{name}" if directory != "/" else f"/{name}")

    def version(self) -> int | None:
        if self.v1_controllers & {"memory", "cpu", "cpu,cpuacct", "pids"}:
            return 1
        names = {name for files in self.dirs.values() for name in files}
        return version_of_files(names) or (2 if self.unified else None)


def _entries(line: str) -> Iterator[str]:
    if LS_LONG.match(line):
        words = line.split()
        yield words[words.index("->") - 1] if "->" in words else words[-1]
        return
    yield from line.split()


def _prompt_directory(prompt: str) -> str | None:
    """The directory a `user@host:/dir` prompt shows (None for `~` or none)."""
    _, colon, directory = prompt.partition(":")
    return directory if colon and directory.startswith("/") else None


def _directory(operand: str, cwd: str | None) -> str:
    """`operand` as an absolute path when the shell's directory is known."""
    if cwd is None or operand.startswith("/"):
        return operand
    return posixpath.normpath(posixpath.join(cwd, operand or "."))


def parse_listing(text: str) -> CgroupTree:
    listing = _Listing()
    section: str | None = None  # the directory `ls` is listing
    cat_target: str | None = None  # the file whose value the next line is
    cwd: str | None = None  # the shell's directory, once a prompt or `cd` says it
    base: str | None = None  # the directory `find` prints `./…` from
    for raw in text.splitlines():
        line = raw.rstrip()
        if prompt := PROMPT.match(line.strip()):
            shown, command, args = prompt.groups()
            cwd = _prompt_directory(shown) or cwd
            words = args.partition("|")[0].split()
            operand = _directory(next((a for a in words if not a.startswith("-")), ""), cwd)
            if command == "cd":
                cwd, section, cat_target = (operand or None), None, None
                continue
            target = listing.cgroup_path(operand) if operand else None
            section = target if command == "ls" else None
            cat_target = target if command == "cat" else None
            base = operand if command == "find" else None
            continue
        if not line.strip():
            continue
        if cat_target is not None:
            parent, _, name = cat_target.rpartition("/")
            listing.dirs.setdefault(parent or "/", {})[name] = line.strip()
            cat_target = None
            continue
        if line.endswith(":") and (header := listing.cgroup_path(line, section or "")):
            section = header  # an `ls -R` section
            listing.dirs.setdefault(header, {})
            continue
        if line.startswith(("/", "./")) or line.strip() == ".":
            path = listing.cgroup_path(_directory(line.strip(), base))
            if path is not None:
                listing.add_path(path)
            continue
        if section is not None and not line.startswith("total "):
            for name in _entries(line):
                listing.add_entry(section, name)
    if not listing.dirs:
        raise NotCgroupListing("no path under /sys/fs/cgroup found")
    entries = [CgroupEntry(path, limits_from_files(files)) for path, files in listing.dirs.items()]
    return build_tree(entries, "listing", listing.version())
