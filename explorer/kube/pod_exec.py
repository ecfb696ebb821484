"""Run a command in a pod through `pods/exec`: the websocket channel protocol
(`v5.channel.k8s.io`/`v4.channel.k8s.io`), through the official client's `kubernetes.stream`.

The command is an argv list, never a shell line. Exec needs the `pods/exec` permission, which a
read-only install grants only when the operator opts in (DESIGN.md); the commands run here only
read (iptables-save, cat).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from kubernetes.client import ApiClient
from kubernetes.client.exceptions import ApiException
from kubernetes.stream import stream
from kubernetes.stream.ws_client import ERROR_CHANNEL, STDERR_CHANNEL, STDOUT_CHANNEL
from websocket import WebSocketBadStatusException

from .core_api import core_v1
from .transport import ApiError

DEFAULT_TIMEOUT = 30.0
NO_EXIT_CODE = -1


@dataclass(frozen=True)
class ExecResult:
    stdout: str
    stderr: str
    exit_code: int  # 0 on success; NO_EXIT_CODE when it failed without one (could not start)
    message: str = ""  # the failure's Status message

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


def run_in_pod(
    api_client: ApiClient,
    namespace: str,
    pod: str,
    argv: Sequence[str],
    container: str = "",
    timeout: float = DEFAULT_TIMEOUT,
    max_output: int | None = None,
) -> ExecResult:
    """Run `argv` in the pod and wait for it to end; ApiError when the exec cannot be opened
    (403 without `pods/exec`, 404 for a pod that is gone, 0 when the server is not reached).
    `max_output`: the exec is cut (ApiError "TooLarge") once stdout and stderr hold more than
    this many characters, checked as each batch of frames arrives."""
    # `stream` swaps the client's call_api while it runs: a private client keeps that swap
    # away from the watchers that share the caller's.
    private = ApiClient(configuration=api_client.configuration)
    try:
        options: dict = {"command": list(argv), "stdin": False, "stdout": True, "stderr": True}
        if container:
            options["container"] = container
        try:
            channels = stream(
                core_v1(private).connect_get_namespaced_pod_exec,
                pod,
                namespace,
                tty=False,
                _preload_content=False,
                **options,
            )
        except ApiException as error:
            raise _opening_error(error) from None
        try:
            if max_output is None:
                channels.run_forever(timeout=timeout)
            else:
                _run_bounded(channels, argv[0], timeout, max_output)
            if channels.is_open():
                raise ApiError(0, "Timeout", f"{argv[0]} did not end within {timeout:g}s")
            stdout = channels.read_channel(STDOUT_CHANNEL)
            stderr = channels.read_channel(STDERR_CHANNEL)
            status = channels.read_channel(ERROR_CHANNEL)
        finally:
            channels.close()
    finally:
        private.close()
    exit_code, message = _outcome(status)
    return ExecResult(stdout, stderr, exit_code, message)


def _run_bounded(channels: Any, command: str, timeout: float, max_output: int) -> None:
    deadline = time.monotonic() + timeout
    while channels.is_open() and (left := deadline - time.monotonic()) > 0:
        channels.update(timeout=min(left, 1.0))
        held = len(channels.peek_stdout()) + len(channels.peek_stderr())
        if held > max_output:
            raise ApiError(0, "TooLarge", f"{command} printed more than {max_output:,} characters")


def _outcome(status_text: str) -> tuple[int, str]:
    """The exit code and message of the error channel's Status."""
    try:
        status = orjson.loads(status_text) if status_text else {}
    except orjson.JSONDecodeError:
        return NO_EXIT_CODE, status_text.strip()
    if not isinstance(status, dict) or not status:
        return NO_EXIT_CODE, "the exec ended without a status"
    if status.get("status") == "Success":
        return 0, ""
    message = str(status.get("message") or "")
    for cause in (status.get("details") or {}).get("causes") or ():
        if cause.get("reason") == "ExitCode":
            try:
                return int(cause.get("message")), message
            except (TypeError, ValueError):
                break
    return NO_EXIT_CODE, message


def _opening_error(error: ApiException) -> ApiError:
    """The client wraps a refused websocket handshake into ApiException(0, text); the refusal
    itself (status code and Status body) is the exception it was raised from."""
    refused = error.__context__
    if isinstance(refused, WebSocketBadStatusException):
        try:
            body = orjson.loads(refused.resp_body or b"")
        except orjson.JSONDecodeError:
            body = None
        if isinstance(body, dict) and body.get("kind") == "Status":
            return ApiError.from_status(body, refused.status_code)
        return ApiError(refused.status_code, "Refused", _first_line(str(refused)))
    return ApiError(0, "ConnectionFailed", _first_line(str(error.reason or error)))


def _first_line(text: str) -> str:
    return (text.strip().splitlines() or ["no answer"])[0]
