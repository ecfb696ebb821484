"""The kubepods cgroups a text names, whatever else it is: a shell transcript, a ticket, a log.

A name counts when it locates itself: a cgroup path (`/kubepods/burstable/pod<uid>/<id>`,
`/sys/fs/cgroup/memory/kubepods.slice/…`, `0::/kubepods.slice/…`), or a systemd slice of the
kubelet's (`kubepods-burstable-pod<uid>.slice`: systemd nests a slice under the slices its
dashes name, so the name is its path). A container's cgroup named alone says nothing of its
pod and is not read. Where a path was cut short with `…` (systemd-cgtop on a narrow
terminal), the whole names on either side of the cut still count.
"""

from __future__ import annotations

import re

from .mount import mounted_path
from .paths import is_kubepods_slice, meaning, slice_path
from .tree import CgroupEntry, CgroupTree, build_tree

# A word that may hold a path: quotes, brackets, commas, box-drawing lines (systemd-cgls's
# tree) and the like end it.
_WORD = re.compile(r"[^\s\"'`<>(){}\[\],;|\u2500-\u257f]+")
_PATH_START = re.compile(r"(?:^|(?<=[:=]))/")
ELLIPSIS = "…"
_PATH_MAX = 4096  # Linux's: no longer word is a path


def located(word: str) -> str | None:
    """The kubepods cgroup path `word` names, cut back to its last segment that means
    something to Kubernetes (an interface file or a cgroup of a container's own is dropped);
    the deepest one on either side of a `…`; None when it names none."""
    if "kubepods" not in word or len(word) > _PATH_MAX:
        return None
    head, *cuts = word.split(ELLIPSIS)
    found = [path for part in (head, *map(_after_cut, cuts)) if (path := _kubepods_path(part))]
    return max(found, key=lambda path: path.count("/"), default=None)


def _after_cut(text: str) -> str:
    """What follows a `…`: its first segment is a part of a name, so it starts after it."""
    return text.partition("/")[2]


def _kubepods_path(text: str) -> str | None:
    rooted = _rooted(text) if "kubepods" in text else None
    if rooted is None:
        return None
    mounted = mounted_path(rooted)
    names = [name for name in (mounted.path if mounted else rooted).split("/") if name]
    while names:
        path = "/" + "/".join(names)
        if meaning(path).role is not None:
            return path
        names.pop()
    return None


def _rooted(text: str) -> str | None:
    """`text` as a path from a root: `0::/kubepods…` and `id=/kubepods…` from their `/`,
    `./kubepods/…` from the root, a leading kubepods slice from where systemd puts it; a
    bare word only when it is a kubepods slice (the word `kubepods` alone is prose)."""
    if found := _PATH_START.search(text):
        return text[found.start() :]
    first, slash, rest = text.removeprefix("./").partition("/")
    if is_kubepods_slice(first):
        return slice_path(first) + (f"/{rest}" if rest else "")
    return f"/{first}/{rest}" if slash else None


def parse_mentions(text: str) -> CgroupTree:
    """Every kubepods cgroup `text` names, as a tree (no limits: a mention has none)."""
    paths = dict.fromkeys(
        path for word in _WORD.findall(text) if (path := located(word)) is not None
    )
    return build_tree([CgroupEntry(path) for path in paths], "mentions")
