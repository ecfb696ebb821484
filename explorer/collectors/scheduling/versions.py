"""A cluster's Kubernetes version, as the scheduler's behaviour depends on it."""

from __future__ import annotations

import re
from typing import NamedTuple

_VERSION = re.compile(r"v?(\d+)\.(\d+)(?:\.(\d+))?")


class Version(NamedTuple):
    major: int
    minor: int
    patch: int = 0

    def __str__(self) -> str:
        return f"v{self.major}.{self.minor}.{self.patch}"


def parse_version(text: str | Version | tuple[int, ...]) -> Version:
    """`v1.34.0`, `1.34`, `v1.30.10-eks-abc` or a tuple → Version; ValueError otherwise."""
    if isinstance(text, Version):
        return text
    if isinstance(text, tuple):
        return Version(*text)
    found = _VERSION.match(str(text).strip())
    if found is None:
        raise ValueError(f"not a Kubernetes version: {text!r}")
    return Version(int(found[1]), int(found[2]), int(found[3] or 0))


def node_version(node: dict) -> Version | None:
    """The kubelet's version a Node reports (`status.nodeInfo.kubeletVersion`), if readable."""
    info = (node.get("status") or {}).get("nodeInfo") or {}
    try:
        return parse_version(info.get("kubeletVersion") or "")
    except ValueError:
        return None
