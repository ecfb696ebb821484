"""An object as YAML, in the order `kubectl get -o yaml` prints it, with what nobody reads while
looking at an object folded away, each fold said with its size:

- `metadata.managedFields`: which client set which field. The explorer drops them when it reads an
  object (explorer/lib/redact.py: no view needs them, and they are a third of an object's size),
  so the fold says that; an object that still has them (read some other way) has them folded.
- kubectl's last-applied-configuration annotation: the object's own configuration again, as JSON.
"""

from __future__ import annotations

from typing import TypedDict

import orjson
import yaml

from explorer.lib.redact import LAST_APPLIED


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Every part written out where it is: a held object shares equal parts with others, and
    within itself (explorer/state/shared_parts.py), which YAML would show as anchors."""

    def ignore_aliases(self, data: object) -> bool:
        return True


MANAGED_FIELDS = "metadata.managedFields"
NOT_KEPT = (
    "not kept: the explorer drops them when it reads an object (which client set which field; "
    "no page needs them)"
)
FIRST = ("apiVersion", "kind", "metadata")


class Folded(TypedDict):
    what: str  # where in the object
    why: str  # what it is and how big
    text: str  # its YAML, "" when not held


class ObjectYaml(TypedDict):
    text: str
    folded: list[Folded]


def dump(value: object) -> str:
    return yaml.dump(
        value, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False
    )


def as_yaml(obj: dict) -> ObjectYaml:
    """The object's YAML without its folds, and the folds (the object itself is left as it is)."""
    shown = {key: obj[key] for key in (*FIRST, *obj) if key in obj}
    metadata = dict(shown.get("metadata") or {})
    folded: list[Folded] = []
    managed = metadata.pop("managedFields", None)
    if managed:
        why = f"{len(managed)} entries: which client set which field"
        folded.append({"what": MANAGED_FIELDS, "why": why, "text": dump(managed)})
    else:
        folded.append({"what": MANAGED_FIELDS, "why": NOT_KEPT, "text": ""})
    annotations = dict(metadata.get("annotations") or {})
    applied = annotations.pop(LAST_APPLIED, None)
    if applied is not None:
        metadata["annotations"] = annotations
        if not annotations:
            del metadata["annotations"]
        folded.append(
            {
                "what": f"metadata.annotations[{LAST_APPLIED}]",
                "why": f"{len(str(applied))} characters: kubectl apply's copy of the configuration",
                "text": dump(_as_data(applied)),
            }
        )
    if "metadata" in shown:
        shown["metadata"] = metadata
    return {"text": dump(shown), "folded": folded}


def _as_data(text: object) -> object:
    try:
        return orjson.loads(str(text))
    except orjson.JSONDecodeError:
        return str(text)
