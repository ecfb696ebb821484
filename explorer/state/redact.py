"""What is dropped from an object at ingest, so that no Secret value is ever held.

Secrets are fetched as metadata only, but a Secret can still arrive whole (a bundle, a fixture, a
`kubectl get -o json` file): its `data` and `stringData` go, and so does its last-applied
annotation, which repeats them. `managedFields` go too: no view needs them and they are a third
of a typical object's size.
"""

from __future__ import annotations

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
SECRET_VALUE_FIELDS = ("data", "stringData")


def redact(obj: dict) -> dict:
    """Strip what must not be kept, in place, and return the object."""
    metadata = obj.get("metadata")
    if isinstance(metadata, dict):
        metadata.pop("managedFields", None)
    if obj.get("kind") == "Secret":
        for field in SECRET_VALUE_FIELDS:
            obj.pop(field, None)
        annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
        if isinstance(annotations, dict):
            annotations.pop(LAST_APPLIED, None)
    return obj
