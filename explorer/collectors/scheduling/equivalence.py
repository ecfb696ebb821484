"""Pods the scheduler treats alike: the pods one controller made from one template, which ask
the same of every node and so get the same verdicts, message and scores — what kube-scheduler's
own equivalence cache keyed on until 1.16 (its controller reference), narrowed here to what is
certainly shared.

`equivalence_key(pod)` is None for a pod that may differ from its siblings: no controller, no
template hash label (`pod-template-hash` of a ReplicaSet, `controller-revision-hash` of a
DaemonSet or StatefulSet, a Job's `batch.kubernetes.io/controller-uid`), or a volume claim of
its own (a StatefulSet's claims, a generic ephemeral volume), or a node already named. Pods of
one key differ only in their names and in volumes the filters do not read (the projected
service account token): their priority and `preemptionPolicy` (in the spec) and the node a
preemption of theirs nominated (`status.nominatedNodeName`, whose terminating victims keep a
pod from preempting again) are the same, so they share the preemption's dry run too.
"""

from __future__ import annotations

from collections.abc import Mapping

import orjson

from explorer.lib.objects import (
    controller_reference,
    labels_of,
    namespace_of,
    spec_of,
    status_of,
)

TEMPLATE_LABELS = (
    "pod-template-hash",
    "controller-revision-hash",
    "batch.kubernetes.io/controller-uid",
)


def equivalence_key(pod: Mapping) -> tuple | None:
    owner = controller_reference(pod)
    labels = labels_of(pod)
    template = next((labels[k] for k in TEMPLATE_LABELS if k in labels), None)
    spec = spec_of(pod)
    if owner is None or not owner.get("uid") or template is None or spec.get("nodeName"):
        return None
    for volume in spec.get("volumes") or ():
        if isinstance(volume, Mapping) and (
            "persistentVolumeClaim" in volume or "ephemeral" in volume
        ):
            return None
    # everything the filters and scores read of the pod but its volumes' and its own names
    shared = {
        k: v
        for k, v in spec.items()
        if k not in ("volumes", "containers", "initContainers", "hostname", "subdomain")
    }
    containers = [
        {k: v for k, v in c.items() if k != "volumeMounts"}
        for field in ("initContainers", "containers")
        for c in spec.get(field) or ()
        if isinstance(c, Mapping)
    ]
    nominated = status_of(pod).get("nominatedNodeName")  # preemption's dry run reads it
    body = orjson.dumps([shared, containers, labels, nominated], option=orjson.OPT_SORT_KEYS)
    return (namespace_of(pod), owner["uid"], template, body)
