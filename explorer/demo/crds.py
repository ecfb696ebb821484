"""Custom resource definitions: the CSI snapshot API that ceph-csi's snapshotter serves."""

from __future__ import annotations

from .builder import DemoBuilder
from .clock import ts
from .meta import new_object

GROUP = "snapshot.storage.k8s.io"


def _crd(
    b: DemoBuilder,
    kind: str,
    plural: str,
    scope: str,
    short: list[str],
    columns: list[dict],
    spec_properties: dict,
) -> dict:
    created = b.at(hours=2)
    schema = {
        "openAPIV3Schema": {
            "description": f"{kind} is a user's request for a snapshot of a volume"
            if kind == "VolumeSnapshot"
            else f"{kind} specifies parameters for snapshots",
            "properties": {
                "apiVersion": {"type": "string"},
                "kind": {"type": "string"},
                "metadata": {"type": "object"},
                "spec": {"properties": spec_properties, "type": "object"},
                "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
            },
            "required": ["spec"],
            "type": "object",
        }
    }
    names = {
        "kind": kind,
        "listKind": f"{kind}List",
        "plural": plural,
        "shortNames": short,
        "singular": kind.lower(),
    }
    crd = new_object(
        "CustomResourceDefinition",
        f"{plural}.{GROUP}",
        b.ids.uid(),
        created,
        annotations={
            "api-approved.kubernetes.io": "https://github.com/kubernetes-csi/external-snapshotter/pull/814",
            "controller-gen.kubebuilder.io/version": "v0.15.0",
        },
        spec={
            "conversion": {"strategy": "None"},
            "group": GROUP,
            "names": names,
            "scope": scope,
            "versions": [
                {
                    "additionalPrinterColumns": columns,
                    "name": "v1",
                    "schema": schema,
                    "served": True,
                    "storage": True,
                    **({"subresources": {"status": {}}} if scope == "Namespaced" else {}),
                }
            ],
        },
        status={
            "acceptedNames": names,
            "conditions": [
                {
                    "lastTransitionTime": ts(created),
                    "message": "no conflicts found",
                    "reason": "NoConflicts",
                    "status": "True",
                    "type": "NamesAccepted",
                },
                {
                    "lastTransitionTime": ts(created),
                    "message": "the initial names have been accepted",
                    "reason": "InitialNamesAccepted",
                    "status": "True",
                    "type": "Established",
                },
            ],
            "storedVersions": ["v1"],
        },
    )
    crd["metadata"]["generation"] = 1
    return crd


def crds(b: DemoBuilder) -> None:
    age = {"jsonPath": ".metadata.creationTimestamp", "name": "Age", "type": "date"}
    b.add(
        _crd(
            b,
            "VolumeSnapshot",
            "volumesnapshots",
            "Namespaced",
            ["vs"],
            [
                {"jsonPath": ".status.readyToUse", "name": "ReadyToUse", "type": "boolean"},
                {
                    "jsonPath": ".spec.source.persistentVolumeClaimName",
                    "name": "SourcePVC",
                    "type": "string",
                },
                age,
            ],
            {"source": {"type": "object"}, "volumeSnapshotClassName": {"type": "string"}},
        ),
        _crd(
            b,
            "VolumeSnapshotClass",
            "volumesnapshotclasses",
            "Cluster",
            ["vsclass"],
            [
                {"jsonPath": ".driver", "name": "Driver", "type": "string"},
                {"jsonPath": ".deletionPolicy", "name": "DeletionPolicy", "type": "string"},
                age,
            ],
            {},
        ),
    )
