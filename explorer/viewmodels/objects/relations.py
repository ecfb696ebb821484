"""Owners and dependents both ways, as k9s's xray shows them: the object's owners and theirs up to
the top controller, and what it owns and what those own, each one click from its page.

An owner is found by the UID its ownerReference names (ClusterState's uid index); one named but
not held (deleted, or of a kind not watched) is still listed, by name. Dependents come from the
owner index, down to MAX_DEPTH levels and at most MAX_DEPENDENTS in all.
"""

from __future__ import annotations

from typing import TypedDict

from explorer.lib.objects import key_of, namespace_of, owner_references, uid_of
from explorer.lib.resources import BY_KIND
from explorer.state.cluster_state import ClusterState

from ..links import Link, object_link
from .briefs import brief

MAX_DEPTH = 3
MAX_DEPENDENTS = 200
MAX_OWNERS = 10


class Related(TypedDict):
    kind: str
    namespace: str
    name: str
    depth: int  # 1: a direct owner or dependent, 2: theirs, …
    state: str  # in a few words ("not held" for an owner named but not there)
    controller: bool  # the owner that controls it (or the one it controls)
    link: Link


def owners(state: ClusterState, obj: dict) -> list[Related]:
    """The owners, nearest first: each ownerReference, then the controller's owners upwards."""
    found: list[Related] = []
    seen = {uid_of(obj)}
    current, depth = obj, 1
    while current is not None and depth <= MAX_OWNERS:
        refs = owner_references(current)
        upward = None
        for ref in refs:
            uid = str(ref.get("uid") or "")
            if uid in seen:
                continue
            seen.add(uid)
            held = state.by_uid(uid) if uid else None
            is_controller = bool(ref.get("controller")) or len(refs) == 1
            kind, name = str(ref.get("kind") or "?"), str(ref.get("name") or "?")
            found.append(_related(kind, namespace_of(current), name, held, depth, is_controller))
            if held is not None and is_controller:
                upward = held
        current, depth = upward, depth + 1
    return found


def dependents(state: ClusterState, obj: dict) -> tuple[list[Related], int]:
    """What the object owns, depth first (each followed by what it owns), and how many more
    there were past MAX_DEPENDENTS."""
    found: list[Related] = []
    more = 0

    def walk(owner: dict, depth: int) -> None:
        nonlocal more
        for child in state.children(uid_of(owner)):
            if len(found) >= MAX_DEPENDENTS:
                more += 1
                continue
            namespace, name = key_of(child)
            controlled = any(
                ref.get("controller") and ref.get("uid") == uid_of(owner)
                for ref in owner_references(child)
            )
            kind = str(child.get("kind") or "?")
            found.append(_related(kind, namespace, name, child, depth, controlled))
            if depth < MAX_DEPTH:
                walk(child, depth + 1)

    if uid_of(obj):
        walk(obj, 1)
    return found, more


def _related(
    kind: str, namespace: str, name: str, held: dict | None, depth: int, controller: bool
) -> Related:
    if held is not None:
        namespace = namespace_of(held)
    elif kind in BY_KIND and not BY_KIND[kind].namespaced:
        namespace = ""
    return {
        "kind": kind,
        "namespace": namespace,
        "name": name,
        "depth": depth,
        "state": brief(held),
        "controller": controller,
        "link": object_link(kind, namespace, name),
    }
