"""`continue` tokens: the list's resourceVersion and the last key served, as kube-apiserver
encodes them (base64 of a small JSON document)."""

from __future__ import annotations

import base64
import binascii

import orjson

from .status import bad_request

LATEST = -1  # a token that continues from the current state (after a 410 on an old one)


def encode(rv: int, last_key: str) -> str:
    body = orjson.dumps({"v": "meta.k8s.io/v1", "rv": rv, "start": last_key + "\x00"})
    return base64.urlsafe_b64encode(body).decode().rstrip("=")


def decode(token: str) -> tuple[int, str]:
    """(resourceVersion, last key served)."""
    try:
        body = orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        rv, start = int(body["rv"]), str(body["start"])
    except (binascii.Error, ValueError, KeyError, TypeError, orjson.JSONDecodeError) as err:
        raise bad_request(f"continue key is not valid: {err}") from None
    if body.get("v") != "meta.k8s.io/v1" or not start.endswith("\x00"):
        raise bad_request("continue key is not valid: incorrect encoded start resourceVersion")
    return rv, start[:-1]
