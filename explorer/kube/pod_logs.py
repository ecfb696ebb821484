"""Container logs through the API's `pods/log` (read-only): a tail, or followed line by line.

Both go through the official client's CoreV1Api with `_preload_content=False`, so the body is
read as raw bytes (a followed log is a chunked response that ends when the container stops or
the caller closes it).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import orjson
from kubernetes.client import ApiClient
from kubernetes.client.exceptions import ApiException

from .core_api import core_v1

MAX_TAIL = 5000
READ_TIMEOUT = 30  # seconds to wait for a tail; a follow waits as long as it is kept open


class LogError(Exception):
    """The API refused the log (no such pod or container, a container not started yet, RBAC);
    str() is the API's message, safe to show."""


def _message(error: ApiException) -> str:
    body = (
        error.body.decode(errors="replace")
        if isinstance(error.body, bytes)
        else str(error.body or "")
    )
    try:
        return str(orjson.loads(body).get("message") or body)[:500]
    except (ValueError, AttributeError):
        return (body or str(error.reason))[:500]


def read_log(
    api_client: ApiClient, namespace: str, pod: str, container: str, tail_lines: int = 200
) -> list[str]:
    """The last `tail_lines` lines of one container's log."""
    try:
        response = core_v1(api_client).read_namespaced_pod_log(
            pod,
            namespace,
            container=container or None,
            tail_lines=max(0, min(tail_lines, MAX_TAIL)),
            _preload_content=False,
            _request_timeout=READ_TIMEOUT,
        )
    except ApiException as error:
        raise LogError(_message(error)) from None
    try:
        return response.data.decode(errors="replace").splitlines()
    finally:
        response.release_conn()


class FollowedLog:
    """A log being followed: iterate (on a thread of its own) for lines as the container writes
    them; `close()`, from any thread, ends the iteration and returns at once.

    `close()` must not close the response: the reader's thread holds the response's buffer lock
    while it waits in `recv()` on an idle stream, so closing it from the event loop would block
    the loop until the container writes a line. It shuts the socket down for reading instead,
    which wakes that `recv()`; the reader's thread then releases the connection itself."""

    def __init__(self, response) -> None:
        self._response = response
        self.closed = False

    def __iter__(self) -> Iterator[str]:
        pending = b""
        try:
            for chunk in self._response.stream(1024, decode_content=True):
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    yield line.decode(errors="replace")
            if pending and not self.closed:
                yield pending.decode(errors="replace")
        except Exception:
            if not self.closed:
                raise
        finally:
            self.closed = True
            self._response.close()
            self._response.release_conn()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(Exception):  # already released by the reader: nothing to wake
            self._response.shutdown()


def follow_log(
    api_client: ApiClient, namespace: str, pod: str, container: str, tail_lines: int = 0
) -> FollowedLog:
    """Lines as the container writes them, after its last `tail_lines`, until the log ends."""
    try:
        response = core_v1(api_client).read_namespaced_pod_log(
            pod,
            namespace,
            container=container or None,
            follow=True,
            tail_lines=max(0, min(tail_lines, MAX_TAIL)),
            _preload_content=False,
        )
    except ApiException as error:
        raise LogError(_message(error)) from None
    return FollowedLog(response)
