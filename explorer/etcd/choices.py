"""Enumerations of the etcd package (shared: keep each helper's block separate and small)."""

from __future__ import annotations

from enum import StrEnum


# ---- values (decode): how a stored value is encoded ----
class Encoding(StrEnum):
    PROTOBUF = "protobuf"
    JSON = "json"
    YAML = "yaml"
    CBOR = "cbor"
    ENCRYPTED = "encrypted"
    UNKNOWN = "unknown"
