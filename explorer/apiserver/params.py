"""Query parameters as kube-apiserver reads them."""

from __future__ import annotations

from collections.abc import Mapping

from .status import bad_request


def flag(query: Mapping[str, str], name: str) -> bool:
    return query.get(name, "").lower() in ("true", "1")


def integer(query: Mapping[str, str], name: str, default: int = 0) -> int:
    text = query.get(name, "")
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise bad_request(f"{name}: Invalid value: {text!r}: must be an integer") from None
    if value < 0:
        raise bad_request(f"{name}: Invalid value: {value}: must be greater than or equal to 0")
    return value


def resource_version(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise bad_request(f"resourceVersion: Invalid value: {text!r}: must be an integer") from None
