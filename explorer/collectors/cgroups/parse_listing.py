"""Listings of a cgroup filesystem: `find /sys/fs/cgroup…`, `ls -R …`, and a terminal session
of `ls DIR` and `cat FILE` (the values `cat` printed are read as the files' contents).

Paths are reported from the cgroup root: the mount (`/sys/fs/cgroup`) and, on v1, the
controller's directory (`memory/`, `cpu,cpuacct/`) are taken off, so the same cgroup listed
under several controllers is one cgroup. An entry is an interface file when its name starts
with a controller prefix (`memory.`, `cgroup.`, …; `kubepods.slice` does not).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .limits import limits_from_files, version_of_files
from .tree import CgroupEntry, CgroupTree, build_tree

MOUNT = "/sys/fs/cgroup"
V1_CONTROLLERS = frozenset(
    [
        "cpu",
        "cpuacct",
        "cpuset",
        "memory",
        "pids",
        "blkio",
        "devices",
        "freezer",
        "net_cls",
        "net_prio",
        "perf_event",
        "hugetlb",
        "rdma",
        "misc",
        "systemd",
    ]
)
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
PROMPT = re.compile(r"^\S*[#$%>]\s*(ls|cat|find)\b\s*(.*)$")
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
        if not path.startswith(MOUNT):
            return None
        names = [n for n in path[len(MOUNT) :].split("/") if n]
        if names and (set(names[0].split(",")) <= V1_CONTROLLERS or names[0].startswith("name=")):
            self.v1_controllers.add(names[0])
            names = names[1:]
        elif names and names[0] == "unified":
            self.unified = True
            names = names[1:]
        return "/" + "/".join(names)

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
        yield line.split()[-1]
        return
    yield from line.split()


def parse_listing(text: str) -> CgroupTree:
    listing = _Listing()
    section: str | None = None  # the directory `ls` is listing
    cat_target: str | None = None  # the file whose value the next line is
    for raw in text.splitlines():
        line = raw.rstrip()
        if prompt := PROMPT.match(line.strip()):
            command, args = prompt.groups()
            operand = next((a for a in args.split() if not a.startswith("-")), "")
            target = listing.cgroup_path(operand) if operand else None
            section = target if command == "ls" else None
            cat_target = target if command == "cat" else None
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
            path = listing.cgroup_path(line)
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
