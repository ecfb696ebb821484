"""The pods of the storage page, kept between its builds: every pod by the claims it names, and
the CSI inline volumes by driver — followed through pod changes, so that a change redraws the
page without reading all 165,000 pods again (two passes over them were most of a rebuild)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from explorer.lib.choices import DELETED
from explorer.lib.objects import key_of, spec_of
from explorer.state.cluster_state import Change, ClusterState

from ..objects import storage_words as words_of

Key = tuple[str, str]


class ClaimUsers:
    def __init__(self) -> None:
        self.filled = False
        self._by_claim: dict[Key, dict[Key, dict]] = defaultdict(dict)
        self._inline: dict[Key, tuple[str, ...]] = {}  # a pod's CSI inline volumes' drivers

    def fill(self, state: ClusterState) -> ClaimUsers:
        """Read every pod of `state` afresh (a build: the publisher builds with the memo it
        kept when it could not follow the changes one by one)."""
        self._by_claim.clear()
        self._inline.clear()
        for pod in state.list("Pod"):
            self._add(pod)
        self.filled = True
        return self

    def follow(self, changes: Iterable[Change]) -> None:
        for change in changes:
            if change.kind != "Pod":
                continue
            if change.old is not None:
                self._drop(change.old)
            if change.type != DELETED:
                self._add(change.object)

    def users(self) -> dict[Key, list[dict]]:
        """Claim -> the pods naming it, both in the order of their keys (a build and an update
        draw the same page)."""
        return {
            claim: [pods[key] for key in sorted(pods)]
            for claim, pods in sorted(self._by_claim.items())
            if pods
        }

    def inline_drivers(self) -> Counter:
        return Counter(driver for drivers in self._inline.values() for driver in drivers)

    def _add(self, pod: dict) -> None:
        key = key_of(pod)
        for claim, _ in words_of.claims_of(pod):
            self._by_claim[(key[0], claim)][key] = pod
        drivers = tuple(str(csi.get("driver") or "?") for csi in _inline_volumes(pod))
        if drivers:
            self._inline[key] = drivers

    def _drop(self, pod: dict) -> None:
        key = key_of(pod)
        for claim, _ in words_of.claims_of(pod):
            held = self._by_claim.get((key[0], claim))
            if held is not None:
                held.pop(key, None)
                if not held:
                    del self._by_claim[(key[0], claim)]
        self._inline.pop(key, None)


def has_inline_volume(pod: dict) -> bool:
    return any(True for _ in _inline_volumes(pod))


def _inline_volumes(pod: dict) -> Iterator[dict]:
    """The `csi` sources of a pod's CSI inline volumes (no claim, no size)."""
    for volume in spec_of(pod).get("volumes") or ():
        if isinstance(volume, dict) and isinstance(volume.get("csi"), dict):
            yield volume["csi"]
