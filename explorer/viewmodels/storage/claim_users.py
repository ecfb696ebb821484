"""The pods of the storage page, kept between its builds: the names of the pods by the claims they
name, and the CSI inline volumes by driver — followed through pod changes, so that a change
redraws the page without reading all 165,000 pods again (two passes over them were most of a
rebuild).

A build reads the pods' records (explorer/state/records.py), not the pods: the claims their
volumes name are there. A generic ephemeral volume's claim and a CSI inline volume's driver are
not, so each pod is read once for them, and again only once its record changes (a ClusterState
makes a new record whenever a pod changes): a memo of what was found, by the record it was found
for. Only the pods that name a claim are unpacked to be drawn, when the page is.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from explorer.lib.choices import DELETED
from explorer.lib.objects import key_of, spec_of
from explorer.state.cluster_state import Change, ClusterState
from explorer.state.records import PodRecord, records

from ..objects import storage_words as words_of

Key = tuple[str, str]
# what a pod's record does not say: its generic ephemeral volumes' claims, its CSI inline
# volumes' drivers
Volumes = tuple[tuple[str, ...], tuple[str, ...]]


class ClaimUsers:
    def __init__(self) -> None:
        self.filled = False
        self._state: Any = None  # the state filled from, whose pods are drawn
        self._by_claim: dict[Key, set[str]] = defaultdict(set)  # claim -> its pods' names
        self._inline: dict[Key, tuple[str, ...]] = {}  # a pod's CSI inline volumes' drivers
        # by the pod's uid (or key): the record its volumes were read for, and what they had
        self._read: dict[Any, PodRecord] = {}
        self._volumes: dict[Any, Volumes] = {}

    def fill(self, state: ClusterState) -> ClaimUsers:
        """Read every pod of `state` afresh (a build: the publisher builds with the memo it
        kept when it could not follow the changes one by one)."""
        self._state = state
        self._by_claim.clear()
        self._inline.clear()
        kept = getattr(state, "records", None) is not None  # records made anew are not kept
        read: dict[Any, PodRecord] = {}
        volumes: dict[Any, Volumes] = {}
        for pod in records(state, "Pod"):
            mark = pod.uid or pod.key
            if self._read.get(mark) is pod:
                found = self._volumes.get(mark)
            else:
                found = volumes_of(state.get("Pod", pod.namespace, pod.name))
            if kept:
                read[mark] = pod
                if found is not None:
                    volumes[mark] = found
            ephemeral, drivers = found or ((), ())
            self._add((pod.namespace, pod.name), (*pod.claims, *ephemeral), drivers)
        self._read, self._volumes = read, volumes
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
                found = volumes_of(pod)
                claims = [claim for claim, _ in words_of.claims_of(pod)]
                self._add(key_of(pod), claims, found[1] if found else ())

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


def volumes_of(pod: dict | None) -> Volumes | None:
    """A pod's generic ephemeral volumes' claims and CSI inline volumes' drivers, None when it
    has neither."""
    if pod is None:
        return None
    ephemeral = tuple(claim for claim, made in words_of.claims_of(pod) if made)
    drivers = tuple(str(csi.get("driver") or "?") for csi in _inline_volumes(pod))
    return (ephemeral, drivers) if ephemeral or drivers else None


def has_inline_volume(pod: dict) -> bool:
    return any(True for _ in _inline_volumes(pod))


def _inline_volumes(pod: dict) -> Iterator[dict]:
    """The `csi` sources of a pod's CSI inline volumes (no claim, no size)."""
    for volume in spec_of(pod).get("volumes") or ():
        if isinstance(volume, dict) and isinstance(volume.get("csi"), dict):
            yield volume["csi"]
