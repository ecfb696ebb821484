"""The pods of the storage page, kept between its builds: the names of the pods by the claims they
name, and the CSI inline volumes by driver — followed through pod changes, so that a change
redraws the page without reading all 165,000 pods again (two passes over them were most of a
rebuild).

A build reads the pods' records (explorer/state/records.py), not the pods: the claims their
volumes name, their generic ephemeral volumes' claims and their CSI inline volumes' drivers are
there. Only the pods that name a claim are unpacked, to be drawn, when the page is.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from explorer.lib.choices import DELETED
from explorer.lib.objects import key_of, spec_of
from explorer.state.cluster_state import Change, ClusterState
from explorer.state.records import records

from ..objects import storage_words as words_of

Key = tuple[str, str]


class ClaimUsers:
    def __init__(self) -> None:
        self.filled = False
        self._state: Any = None  # the state filled from, whose pods are drawn
        self._by_claim: dict[Key, set[str]] = defaultdict(set)  # claim -> its pods' names
        self._inline: dict[Key, tuple[str, ...]] = {}  # a pod's CSI inline volumes' drivers

    def fill(self, state: ClusterState) -> ClaimUsers:
        """Read every pod's record of `state` afresh (a build), unpacking none."""
        self._state = state
        self._by_claim.clear()
        self._inline.clear()
        for pod in records(state, "Pod"):
            self._add(pod.key, (*pod.claims, *pod.ephemeral_claims), pod.inline_drivers)
        self.filled = True
        return self

    def follow(self, changes: Iterable[Change]) -> None:
        for change in changes:
            if change.kind != "Pod":
                continue
            if change.old is not None:
                self._drop(change.old)
            if change.type != DELETED:
                pod = change.object
                claims = [claim for claim, _ in words_of.claims_of(pod)]
                self._add(key_of(pod), claims, inline_drivers_of(pod))

    def users(self) -> dict[Key, list[dict]]:
        """Claim -> the pods naming it, both in the order of their keys (a build and an update
        draw the same page). The pods are unpacked here, each once."""
        got: dict[Key, dict | None] = {}
        found: dict[Key, list[dict]] = {}
        for claim, names in sorted(self._by_claim.items()):
            pods = []
            for name in sorted(names):
                key = (claim[0], name)
                if key not in got:
                    got[key] = self._state.get("Pod", *key)
                if (pod := got[key]) is not None:
                    pods.append(pod)
            if pods:
                found[claim] = pods
        return found

    def inline_drivers(self) -> Counter:
        return Counter(driver for drivers in self._inline.values() for driver in drivers)

    def _add(self, key: Key, claims: Iterable[str], drivers: tuple[str, ...]) -> None:
        for claim in claims:
            self._by_claim[(key[0], claim)].add(key[1])
        if drivers:
            self._inline[key] = drivers

    def _drop(self, pod: dict) -> None:
        key = key_of(pod)
        for claim, _ in words_of.claims_of(pod):
            held = self._by_claim.get((key[0], claim))
            if held is not None:
                held.discard(key[1])
                if not held:
                    del self._by_claim[(key[0], claim)]
        self._inline.pop(key, None)


def inline_drivers_of(pod: dict) -> tuple[str, ...]:
    """The drivers of a pod's CSI inline volumes ("?" when not said), as its record has them."""
    return tuple(str(csi.get("driver") or "?") for csi in _inline_volumes(pod))


def has_inline_volume(pod: dict) -> bool:
    return any(True for _ in _inline_volumes(pod))


def _inline_volumes(pod: dict) -> Iterator[dict]:
    """The `csi` sources of a pod's CSI inline volumes (no claim, no size)."""
    for volume in spec_of(pod).get("volumes") or ():
        if isinstance(volume, dict) and isinstance(volume.get("csi"), dict):
            yield volume["csi"]
