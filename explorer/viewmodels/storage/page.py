"""The cluster's storage page: the Sankey of classes → volumes → claims → pods (`flow.py`) beside
what needs attention (`attention.py`), for a live cluster, a snapshot or a past moment alike.

Params: `cluster`. The model: `header` (cluster, counts, the level of detail and what it means,
the attention rows per level; plain strings), the flow's `columns`, `legend`, `nodes`, `links`
and `notes`, and `attention` (the rows, and how many were left off). Live: built again after a
change of the storage kinds, or of a pod that names a claim (now or before the change).
"""

from __future__ import annotations

from typing import Any

from explorer.state.cluster_state import Change, ClusterState

from ..base import Params, View
from ..objects import storage_words as words_of
from .attention import attention
from .flow import flow, users_of

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


def storage_page(state: ClusterState, params: Params, memo: Any = None) -> dict[str, Any]:
    users = users_of(state)
    drawn = flow(state, users)
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
    """A pod's change redraws the page only if the pod names a claim, now or before."""
    if change.kind != "Pod":
        return True
    return any(words_of.claims_of(held) for held in (change.object, change.old) if held)


VIEW = View("storage", storage_page, KINDS, concerns=concerns)
