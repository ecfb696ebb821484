"""What is dropped from an object at ingest, so that no Secret value is ever held.

Secrets are fetched as metadata only, but a Secret can still arrive whole (a bundle, a fixture, a
`kubectl get -o json` file): its `data` and `stringData` go, and so does its last-applied
annotation, which repeats them. Any other object's last-applied annotation is its own
configuration and stays — unless it describes a Secret (a manifest copied onto the wrong object),
since then it repeats that Secret's values. `managedFields` go too: no view needs them and they
are a third of a typical object's size.
"""

from __future__ import annotations

import orjson

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
SECRET_VALUE_FIELDS = ("data", "stringData")


def redact(obj: dict, kind: str | None = None) -> dict:
    """Strip what must not be kept, in place, and return the object.

    `kind` is the kind the object is held as, when the object does not say it itself (a Secret
    watched as `PartialObjectMetadata` is still a Secret).
    """
    metadata = obj.get("metadata")
    if isinstance(metadata, dict):
        metadata.pop("managedFields", None)
    is_secret = "Secret" in (kind, obj.get("kind"))
    if is_secret:
        for field in SECRET_VALUE_FIELDS:
            obj.pop(field, None)
    annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
    if (
        isinstance(annotations, dict)
        and LAST_APPLIED in annotations
        and (is_secret or describes_secret(annotations[LAST_APPLIED]))
    ):
        del annotations[LAST_APPLIED]
    return obj


def describes_secret(last_applied: object) -> bool:
    if not isinstance(last_applied, str):
        return True  # not what kubectl writes: keep nothing we cannot read
    if "Secret" not in last_applied:
        return False
    try:
        applied = orjson.loads(last_applied)
    except orjson.JSONDecodeError:
        return True
    return not isinstance(applied, dict) or applied.get("kind") == "Secret"
