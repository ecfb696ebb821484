"""The official client's CoreV1Api, loaded when first used: its module is some 30,000 lines,
and importing it made every start of the app 0.4 s slower for the few calls (a pod's log, an
exec) that need it."""

from __future__ import annotations

from typing import Any

from kubernetes.client import ApiClient


def core_v1(api_client: ApiClient) -> Any:
    from kubernetes.client.api.core_v1_api import CoreV1Api

    return CoreV1Api(api_client)
