"""Raw HTTP to a kube-apiserver through the official client's configured connection pool.

The official `ApiClient` supplies the URL, the TLS setup and the credentials (including refreshed
exec-plugin tokens); bodies are read raw and parsed with orjson, never turned into model objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
import urllib3
from kubernetes.client import ApiClient
from kubernetes.client.exceptions import ApiException

JSON = "application/json"
# Secrets travel as metadata only, so their values never cross the wire.
METADATA_LIST = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"
METADATA = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1"
DEFAULT_TIMEOUT = (10.0, 60.0)  # (connect, read) seconds

Query = Mapping[str, str | int | bool]


class ApiError(Exception):
    """A failed request: `status` is the HTTP status, 0 when the server was not reached."""

    def __init__(self, status: int, reason: str, message: str = "", code: int | None = None):
        self.status = status
        self.reason = reason  # Status.reason: "Forbidden", "Expired", "NotFound", ...
        self.message = message
        self.code = code if code is not None else status
        super().__init__(f"{status} {reason}: {message}" if message else f"{status} {reason}")

    @classmethod
    def from_status(cls, status: dict[str, Any], http_status: int = 0) -> ApiError:
        """From a `Status` object (a failed response's body or a watch ERROR event's object)."""
        code = int(status.get("code") or http_status or 0)
        return cls(http_status or code, status.get("reason") or "", status.get("message", ""), code)

    @property
    def gone(self) -> bool:
        """The resourceVersion asked for is too old: relist."""
        return self.code == 410 or self.reason in ("Expired", "Gone")

    @property
    def forbidden(self) -> bool:
        return self.code == 403

    @property
    def not_found(self) -> bool:
        return self.code == 404

    @property
    def retryable(self) -> bool:
        """Connection trouble, throttling or a server error: back off and try again."""
        return self.code == 0 or self.code == 429 or self.code >= 500


def open_request(
    api_client: ApiClient,
    method: str,
    path: str,
    query: Query | None = None,
    accept: str = JSON,
    body: Any = None,
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
) -> urllib3.BaseHTTPResponse:
    """Send a request; return the unread response (2xx) or raise ApiError."""
    headers = {"Accept": accept}
    if body is not None:
        headers["Content-Type"] = JSON
    _, url, headers, _, _ = api_client.param_serialize(
        method,
        path,
        query_params=[(k, _query_value(v)) for k, v in (query or {}).items()],
        header_params=headers,
        auth_settings=["BearerToken"],
    )
    try:
        response = api_client.call_api(
            method, url, header_params=headers, body=body, _request_timeout=timeout
        ).response
    except ApiException as error:  # the client's wrapping of TLS failures
        raise ApiError(0, "ConnectionFailed", _first_line(error.reason)) from None
    except (urllib3.exceptions.HTTPError, OSError) as error:
        raise ApiError(0, "ConnectionFailed", _first_line(error)) from None
    if 200 <= response.status < 300:
        return response
    raise _error_of(response)


def request_json(
    api_client: ApiClient, method: str, path: str, query: Query | None = None, **options: Any
) -> dict[str, Any]:
    """`open_request` (`accept`, `body`, `timeout` as there), the response read as JSON."""
    response = open_request(api_client, method, path, query, **options)
    try:
        return orjson.loads(read_all(response))
    except orjson.JSONDecodeError as error:
        raise ApiError(response.status, "BadResponse", f"not JSON: {error}") from None


def get_json(
    api_client: ApiClient,
    path: str,
    query: Query | None = None,
    accept: str = JSON,
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
) -> dict[str, Any]:
    return request_json(api_client, "GET", path, query, accept=accept, timeout=timeout)


def read_all(response: urllib3.BaseHTTPResponse) -> bytes:
    """The whole body; a dropped connection becomes ApiError(0)."""
    try:
        return response.read()
    except (urllib3.exceptions.HTTPError, OSError) as error:
        raise ApiError(0, "ConnectionFailed", _first_line(error)) from None
    finally:
        response.release_conn()


def _error_of(response: urllib3.BaseHTTPResponse) -> ApiError:
    try:
        body = read_all(response)
        status = orjson.loads(body) if body else {}
    except (ApiError, orjson.JSONDecodeError):
        status = {}
    if not isinstance(status, dict) or status.get("kind") != "Status":
        status = {"message": response.reason or ""}
    return ApiError.from_status(status, response.status)


def _query_value(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _first_line(error: object) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
