"""What a served object looks like once stored in etcd and decoded back."""

from __future__ import annotations

import copy


def as_stored(obj: dict) -> dict:
    """The object as decoding shows it: the demo's object less the documented differences.

    - metadata.resourceVersion: etcd keeps it as the key's mod_revision, not in the value;
    - `creationTimestamp: null` in a template's metadata (a Deployment's pod template, a
      StatefulSet's claim templates): the demo writes it as API servers long showed it; a zero
      Time is not on the wire, and decoding leaves it out (`omitzero`), as current releases and
      auger's decoding of the real Job in shared/fixtures/real/etcd/auger do.
    """
    stored = copy.deepcopy(obj)
    stored.get("metadata", {}).pop("resourceVersion", None)
    return _without_null_creation_timestamps(stored)


def _without_null_creation_timestamps(value):
    if isinstance(value, list):
        return [_without_null_creation_timestamps(item) for item in value]
    if not isinstance(value, dict):
        return value
    shown = {key: _without_null_creation_timestamps(item) for key, item in value.items()}
    metadata = shown.get("metadata")
    if isinstance(metadata, dict) and metadata.get("creationTimestamp", "") is None:
        del metadata["creationTimestamp"]
    return shown
