"""What in the cluster's storage needs attention, each in words with its links: Pending claims and
why, Lost claims, expansions in progress or failed, Released and Failed volumes, attachments that
failed, claims and volumes stuck Terminating (and the pods that hold them), claims pods name that
do not exist. The words are the object pages' own (`objects/storage_words.py`).

Each row has a level: `problem` (it will not get better by itself), `notice` (someone should
look: a volume kept Released, an object held Terminating, a claim whose pod is being placed) or
`info` (as designed and on its way: a claim waiting for its first consumer, an expansion the node
finishes when the pod restarts). At most MAX_ROWS rows, problems first; the sentences are made
only for the rows kept, so a cluster of thousands of Pending claims costs the rows shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypedDict

from explorer.lib.objects import key_of, meta_of, name_of, spec_of, status_of
from explorer.state.cluster_state import ClusterState

from ..objects import storage_words as words_of
from ..objects.sections import Linked, only_links, to, to_named
from ..objects.storage import claim_cell

MAX_ROWS = 200
LEVELS = ("problem", "notice", "info")
FAILED_RESIZE = ("ControllerResizeError", "NodeResizeError")


KIND_WORDS = {
    "PersistentVolumeClaim": "claim",
    "PersistentVolume": "volume",
    "VolumeAttachment": "attachment",
}


class Row(TypedDict):
    id: str
    level: str
    what: str  # in a word or two: Pending, Released, attach failed, …
    kind: str  # claim, volume or attachment
    object: Linked  # named by namespace/name
    words: list[str]
    related: list[Linked]


@dataclass(frozen=True)
class _Candidate:
    level: str
    what: str
    kind: str
    namespace: str
    name: str
    words: Callable[[], list[str]]
    related: Callable[[], list[Linked]]

    def sort_key(self) -> tuple:
        return (LEVELS.index(self.level), self.what, self.namespace, self.name)


def attention(state: ClusterState, users: dict[tuple[str, str], list[dict]]) -> dict:
    """`{"rows": [Row], "counts": {level: n}, "more": rows left off}`."""
    found = [
        *_claims(state, users),
        *_volumes(state, users),
        *_attachments(state, users),
        *_missing_claims(state, users),
    ]
    found.sort(key=_Candidate.sort_key)
    counts = {level: sum(1 for c in found if c.level == level) for level in LEVELS}
    rows = [_row(c) for c in found[:MAX_ROWS]]
    return {"rows": rows, "counts": counts, "more": max(0, len(found) - MAX_ROWS)}


def _row(candidate: _Candidate) -> Row:
    ns, name = candidate.namespace, candidate.name
    return {
        "id": f"{candidate.what}:{candidate.kind}:{ns}/{name}",
        "level": candidate.level,
        "what": candidate.what,
        "kind": KIND_WORDS[candidate.kind],
        "object": to_named(  # type: ignore[typeddict-item]
            candidate.kind, ns, name, text=f"{ns}/{name}" if ns else name
        ),
        "words": candidate.words(),
        "related": candidate.related(),
    }


def _pods(pods: list[dict]) -> list[Linked]:
    return only_links([to(p) for p in pods])


def _claims(state: ClusterState, users: dict) -> list[_Candidate]:
    found = []
    for claim in state.list("PersistentVolumeClaim"):
        ns, name = key_of(claim)
        phase = status_of(claim).get("phase")
        pods = users.get((ns, name), [])

        def make(level, what, words, related, ns=ns, name=name) -> _Candidate:
            return _Candidate(level, what, "PersistentVolumeClaim", ns, name, words, related)

        if phase == "Pending":
            found.append(
                make(
                    _pending_level(state, claim, pods),
                    "Pending",
                    lambda c=claim: words_of.why_pending(state, c),
                    lambda c=claim, p=pods: [*_class_link(c), *_pods(p)],
                )
            )
        if phase == "Lost":
            found.append(
                make(
                    "problem",
                    "Lost",
                    lambda c=claim: words_of.lost(state, c),
                    lambda p=pods: _pods(p),
                )
            )
        if meta_of(claim).get("deletionTimestamp"):
            found.append(
                make(
                    "notice",
                    "Terminating",
                    lambda c=claim: words_of.terminating(state, c),
                    lambda c=claim: _pods(words_of.holding_pods(state, c)),
                )
            )
        growing = words_of.expansion(state, claim)
        if growing:
            failed = _resize_failed(claim) or any("does not allow expansion" in s for s in growing)
            found.append(
                make(
                    "problem" if failed else "info",
                    "expansion failed" if failed else "expanding",
                    lambda g=growing: g,
                    lambda c=claim, p=pods: [*_volume_link(c), *_pods(p)],
                )
            )
    return found


def _pending_level(state: ClusterState, claim: dict, pods: list[dict]) -> str:
    """A claim waiting for its first consumer is as designed while no pod uses it, on its way
    while the scheduler places its pod; any other Pending claim will not bind by itself."""
    cls = _class_of(state, claim)
    if cls is not None and cls.get("volumeBindingMode") == "WaitForFirstConsumer":
        return "notice" if pods else "info"
    return "problem"


def _class_of(state: ClusterState, claim: dict) -> dict | None:
    name = spec_of(claim).get("storageClassName")
    if name is None:
        defaults = words_of.default_classes(state)
        return defaults[0] if defaults else None
    return state.get("StorageClass", "", name) if name else None


def _volume_link(claim: dict) -> list[Linked]:
    return only_links([to_named("PersistentVolume", "", spec_of(claim).get("volumeName") or "")])


def _class_link(claim: dict) -> list[Linked]:
    name = spec_of(claim).get("storageClassName")
    return only_links([to_named("StorageClass", "", name)]) if name else []


def _resize_failed(claim: dict) -> bool:
    for condition in status_of(claim).get("conditions") or ():
        if condition.get("type") in FAILED_RESIZE and condition.get("status") == "True":
            return True
    statuses = (status_of(claim).get("allocatedResourceStatuses") or {}).values()
    return any(str(s).endswith(("Failed", "Infeasible")) for s in statuses)


def _volumes(state: ClusterState, users: dict) -> list[_Candidate]:
    found = []
    for volume in state.list("PersistentVolume", ""):
        name = name_of(volume)
        phase = status_of(volume).get("phase")
        claim = claim_cell(volume)

        def make(level, what, words, name=name, claim=claim) -> _Candidate:
            return _Candidate(
                level, what, "PersistentVolume", "", name, words, lambda: only_links([claim])
            )

        if phase in ("Released", "Failed"):
            found.append(
                make(
                    "notice" if phase == "Released" else "problem",
                    phase,
                    lambda v=volume: words_of.on_delete_volume(v),
                )
            )
        if meta_of(volume).get("deletionTimestamp"):
            found.append(
                make("notice", "Terminating", lambda v=volume: words_of.terminating(state, v))
            )
    return found


def _attachments(state: ClusterState, users: dict) -> list[_Candidate]:
    found = []
    for attachment in state.list("VolumeAttachment", ""):
        status = status_of(attachment)
        failed = [
            what
            for key, what in (("attachError", "attach failed"), ("detachError", "detach failed"))
            if (status.get(key) or {}).get("message")
        ]
        if not failed:
            continue
        spec = spec_of(attachment)
        node = str(spec.get("nodeName") or "")
        volume_name = str((spec.get("source") or {}).get("persistentVolumeName") or "")
        found.append(
            _Candidate(
                "problem",
                failed[0],
                "VolumeAttachment",
                "",
                name_of(attachment),
                lambda a=attachment, v=volume_name, n=node: _attachment_words(
                    state, users, a, v, n
                ),
                lambda v=volume_name, n=node: _attachment_related(state, users, v, n),
            )
        )
    return found


def _waiting_on(state: ClusterState, users: dict, volume_name: str, node: str) -> list[dict]:
    volume = state.get("PersistentVolume", "", volume_name) if volume_name else None
    ref = spec_of(volume).get("claimRef") or {}
    pods = users.get((ref.get("namespace") or "", ref.get("name") or ""), [])
    return [p for p in pods if spec_of(p).get("nodeName") == node]


def _attachment_words(
    state: ClusterState, users: dict, attachment: dict, volume_name: str, node: str
) -> list[str]:
    said = words_of.attachment_words(attachment)
    waiting = [name_of(p) for p in _waiting_on(state, users, volume_name, node)]
    if waiting:
        said.append(
            f"On node {node}, {', '.join(waiting)} cannot start until the volume {volume_name} "
            "is attached there."
        )
    return said


def _attachment_related(
    state: ClusterState, users: dict, volume_name: str, node: str
) -> list[Linked]:
    return only_links(
        [
            to_named("PersistentVolume", "", volume_name),
            to_named("Node", "", node),
            *(to(p) for p in _waiting_on(state, users, volume_name, node)),
        ]
    )


def _missing_claims(state: ClusterState, users: dict) -> list[_Candidate]:
    found = []
    for (ns, name), pods in users.items():
        if state.get("PersistentVolumeClaim", ns, name) is not None:
            continue
        if all((name, True) in words_of.claims_of(p) for p in pods):
            level, what = "notice", "claim not made yet"
            said = [
                f"The claim of {name_of(pods[0])}'s generic ephemeral volume is not made yet: the "
                "ephemeral volume controller makes it for the pod (owned by it), then the pod "
                "can be scheduled. If it stays missing, look for a claim of that name the pod "
                "does not own, or a quota that refuses it."
            ]
        else:
            level, what = "problem", "claim not held"
            said = [
                f"The pod{'s' if len(pods) > 1 else ''} {', '.join(name_of(p) for p in pods)} "
                f"name{'' if len(pods) > 1 else 's'} the claim {name}, which does not exist in "
                f'{ns}: kubelet cannot mount it (persistentvolumeclaim "{name}" not found), and '
                "the scheduler does not place a pod whose claim is missing."
            ]
        found.append(
            _Candidate(
                level,
                what,
                "PersistentVolumeClaim",
                ns,
                name,
                lambda s=said: s,
                lambda p=pods: _pods(p),
            )
        )
    return found
