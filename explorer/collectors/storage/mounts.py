"""Mount tables as a node shows them: `/proc/self/mountinfo` (proc(5)) and what `mount` prints
(`<source> on <target> type <type> (<options>)`). Lines that are neither — a shell prompt, a
command, an error — are passed over, so a transcript can be read as it was pasted; `mount`'s
options end at their closing parenthesis, whatever follows on the line.

mountinfo escapes a space, tab, newline and backslash in a path as `\\040`, `\\011`, `\\012`,
`\\134`; those are read back. A target mounted over several times is the last one listed
(`MountTable.at`), as the kernel resolves it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_LINES = 200_000  # a node with more mounts than this is read in part (`MountTable.cut`)
_OCTAL = re.compile(r"\\([0-7]{3})")
_MOUNT_LINE = re.compile(
    r"^(?P<source>\S.*?) on (?P<target>/.*?) type (?P<fstype>\S+) \((?P<options>[^)]*)\)"
)


@dataclass(frozen=True, slots=True)
class Mount:
    source: str  # the device or remote share (`/dev/sdc`, `host:/export`)
    target: str  # the mount point
    fstype: str
    options: tuple[str, ...]  # per mount; mountinfo's super options follow them
    root: str | None = None  # mountinfo: the directory of the filesystem mounted (a bind's)
    mount_id: int | None = None  # mountinfo only
    parent_id: int | None = None  # mountinfo only

    @property
    def read_only(self) -> bool:
        return "ro" in self.options


@dataclass(frozen=True, slots=True)
class MountTable:
    mounts: tuple[Mount, ...]
    form: str  # "mountinfo" | "mount" | "empty"
    cut: bool = False  # more than MAX_LINES lines: only the first were read

    def at(self, target: str) -> Mount | None:
        """The mount a path is now (the last mounted over it), or None."""
        for mount in reversed(self.mounts):
            if mount.target == target:
                return mount
        return None

    def targets(self) -> set[str]:
        return {mount.target for mount in self.mounts}


def unescape(text: str) -> str:
    return _OCTAL.sub(lambda found: chr(int(found.group(1), 8)), text)


def parse_mountinfo_line(line: str) -> Mount | None:
    fields = line.split()
    if len(fields) < 10 or "-" not in fields[6:]:
        return None
    dash = fields.index("-", 6)
    if len(fields) < dash + 3 or not (fields[0].isdigit() and fields[1].isdigit()):
        return None
    super_options = fields[dash + 3].split(",") if len(fields) > dash + 3 else []
    return Mount(
        source=unescape(fields[dash + 2]),
        target=unescape(fields[4]),
        fstype=fields[dash + 1],
        options=tuple(fields[5].split(",") + [o for o in super_options if o]),
        root=unescape(fields[3]),
        mount_id=int(fields[0]),
        parent_id=int(fields[1]),
    )


def parse_mount_line(line: str) -> Mount | None:
    found = _MOUNT_LINE.match(line)
    if found is None:
        return None
    options = tuple(o for o in found.group("options").split(",") if o)
    return Mount(found.group("source"), found.group("target"), found.group("fstype"), options)


def parse_mounts(text: str) -> MountTable:
    """Read either form; the form is the one most lines are in."""
    lines = text.splitlines()
    cut = len(lines) > MAX_LINES
    lines = lines[:MAX_LINES]
    info = [m for m in map(parse_mountinfo_line, lines) if m is not None]
    plain = [m for m in map(parse_mount_line, lines) if m is not None]
    if not info and not plain:
        return MountTable((), "empty", cut)
    if len(info) >= len(plain):
        return MountTable(tuple(info), "mountinfo", cut)
    return MountTable(tuple(plain), "mount", cut)
