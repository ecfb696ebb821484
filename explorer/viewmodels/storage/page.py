"""The cluster's storage page: the Sankey of classes → volumes → claims → pods (`flow.py`) beside
what needs attention (`attention.py`), for a live cluster, a snapshot or a past moment alike.

Params: `cluster`. The model: `header` (cluster, counts, the level of detail and what it means,
the attention rows per level; plain strings), the flow's `columns`, `legend`, `nodes`, `links`
and `notes`, and `attention` (the rows, and how many were left off). Live: built again after a
change of the storage kinds, or of a pod that names a claim (now or before the change), from the
pods kept between builds (`claim_users.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from explorer.state.cluster_state import Change, ClusterState

from ..base import Params, View
from ..objects import storage_words as words_of
from .attention import attention
from .claim_users import ClaimUsers, has_inline_volume
from .flow import flow

KINDS = frozenset(
    {
        "StorageClass",
        "PersistentVolume",
        "PersistentVolumeClaim",
        "VolumeAttachment",
        "CSIDriver",
        "CSINode",
        "Pod",
    }
)


def storage_page(
    state: ClusterState, params: Params, memo: ClaimUsers | None = None
) -> dict[str, Any]:
    return _model(state, (memo if memo is not None else ClaimUsers()).fill(state))


def update_storage_page(
    state: ClusterState, params: Params, memo: ClaimUsers, changes: Iterable[Change]
) -> dict[str, Any] | None:
    """The page after `changes`, its pods followed through them; None before a first build."""
    if not memo.filled:
        return None
    memo.follow(changes)
    return _model(state, memo)


def _model(state: ClusterState, pods: ClaimUsers) -> dict[str, Any]:
    users = pods.users()
    drawn = flow(state, users, pods.inline_drivers())
    needs = attention(state, users)
    return {
        "header": {
            "cluster": state.cluster,
            "counts": drawn.pop("counts"),
            "detail": drawn.pop("detail"),
            "detail_note": drawn.pop("detail_note"),
            "attention": needs["counts"],
        },
        **drawn,
        "attention": {"rows": needs["rows"], "more": needs["more"]},
    }


def concerns(params: Params, change: Change) -> bool:
    """A pod's change redraws the page only if the pod names a claim or has a CSI inline
    volume (counted in the notes), now or before."""
    if change.kind != "Pod":
        return True
    return any(
        words_of.claims_of(held) or has_inline_volume(held)
        for held in (change.object, change.old)
        if held
    )


VIEW = View(
    "storage",
    storage_page,
    KINDS,
    memo=ClaimUsers,
    update=update_storage_page,
    concerns=concerns,
)
