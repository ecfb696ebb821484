"""How objects travel: whole (`PodList`), as `PartialObjectMetadata(List)`, or as a `Table`."""

from __future__ import annotations

from typing import Any

from explorer.lib.objects import meta_of, resource_version_of
from explorer.lib.resources import Resource

from .negotiation import METADATA, TABLE, Wanted
from .printers import printer_for


def partial(obj: dict, version: str = "v1") -> dict:
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": f"meta.k8s.io/{version}",
        "metadata": meta_of(obj),
    }


def table_rows(kind: str, objects: list[dict], include: str, now: float) -> list[dict]:
    printer = printer_for(kind)
    rows = []
    for obj in objects:
        row: dict[str, Any] = {"cells": printer.cells(obj, now)}
        conditions = printer.conditions(obj)
        if conditions:
            row["conditions"] = conditions
        if include == "Metadata":
            row["object"] = partial(obj)
        elif include == "Object":
            row["object"] = obj
        rows.append(row)
    return rows


def table(
    kind: str,
    objects: list[dict],
    list_meta: dict,
    include: str,
    now: float,
    version: str = "v1",
    headers: bool = True,
) -> dict:
    """A `meta.k8s.io` Table; watch events after the first carry no column definitions."""
    return {
        "kind": "Table",
        "apiVersion": f"meta.k8s.io/{version}",
        "metadata": list_meta,
        "columnDefinitions": list(printer_for(kind).columns) if headers else None,
        "rows": table_rows(kind, objects, include, now),
    }


def collection(
    resource: Resource,
    objects: list[dict],
    list_meta: dict,
    wanted: Wanted,
    include: str,
    now: float,
) -> dict:
    """The body of a list response in the representation asked for."""
    if wanted.form == TABLE:
        return table(resource.kind, objects, list_meta, include, now, wanted.version)
    if wanted.form == METADATA:
        return {
            "kind": "PartialObjectMetadataList",
            "apiVersion": f"meta.k8s.io/{wanted.version}",
            "metadata": list_meta,
            "items": [partial(obj, wanted.version) for obj in objects],
        }
    return {
        "kind": f"{resource.kind}List",
        "apiVersion": resource.api_version,
        "metadata": list_meta,
        "items": objects,
    }


def single(resource: Resource, obj: dict, wanted: Wanted, include: str, now: float) -> dict:
    """The body of a get response in the representation asked for."""
    if wanted.form == TABLE:
        rv = resource_version_of(obj) or ""
        return table(resource.kind, [obj], {"resourceVersion": rv}, include, now, wanted.version)
    if wanted.form == METADATA:
        return partial(obj, wanted.version)
    return obj


def bookmark_object(resource: Resource, rv: int, wanted: Wanted, initial_end: bool) -> dict:
    """The object of a BOOKMARK event: only a resourceVersion (and the end-of-initial-events
    annotation of a watch that sent them)."""
    metadata: dict[str, Any] = {"resourceVersion": str(rv)}
    if initial_end:
        metadata["annotations"] = {"k8s.io/initial-events-end": "true"}
    if wanted.form == TABLE:
        return {
            "kind": "Table",
            "apiVersion": f"meta.k8s.io/{wanted.version}",
            "metadata": metadata,
            "columnDefinitions": None,
            "rows": None,
        }
    if wanted.form == METADATA:
        return {
            "kind": "PartialObjectMetadata",
            "apiVersion": f"meta.k8s.io/{wanted.version}",
            "metadata": metadata,
        }
    return {"kind": resource.kind, "apiVersion": resource.api_version, "metadata": metadata}
