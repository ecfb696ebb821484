"""etcd's JSON gateway (grpc-gateway: POST /v3/<service>/<call>, bytes in base64, int64s as
strings), reached through etcd3gw.

One requests session holds the TLS files (etcd's CA, our client pair) and is shared by an
etcd3gw client per endpoint, which gives each call's URL (base URL and API path). The calls go
through that session rather than etcd3gw's own `get`/`post`/`watch`, because:
- `Etcd3Client.get` drops what a paged listing needs (`more`, `count`, the header's revision);
- `Etcd3Client.post` buffers the whole body before any limit and folds a refused TLS handshake
  into "connection failed"; here every body is read against a byte limit and a deadline, and
  TLS refusals are told apart;
- its API-path discovery reads `/version` unbounded; here it is read bounded, then the path is
  handed to etcd3gw (`/v3/` for etcd >= 3.4 — Debian's 3.4 — and `/v3beta/` for 3.3, the
  same rule etcd3gw applies);
- its watch ignores the answer to a watch at a compacted revision (see watch.py).

Endpoints are tried in turn: one that cannot be reached makes way for the next; the one that
answered is asked first next time. Synchronous: callers run it in a thread or a Celery task.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

import etcd3gw
import orjson
import requests

from .access import EtcdAccess
from .errors import (
    AnswerTooLarge,
    EtcdBadAnswer,
    EtcdError,
    EtcdRefused,
    EtcdUnreachable,
    FutureRevision,
    RevisionCompacted,
)

VERSION_LIMIT = 64 * 1024
_CHUNK = 256 * 1024
_UNAVAILABLE_CODES = {4, 14}  # gRPC DEADLINE_EXCEEDED, UNAVAILABLE
_REFUSED_CODES = {7, 16}  # gRPC PERMISSION_DENIED, UNAUTHENTICATED

T = TypeVar("T")


class Gateway:
    def __init__(self, access: EtcdAccess) -> None:
        self.access = access
        self._session = requests.Session()
        self._session.trust_env = False  # etcd is reached directly: no proxies, no .netrc
        if access.ca_file:
            self._session.verify = access.ca_file
        if access.cert_file and access.key_file:
            self._session.cert = (access.cert_file, access.key_file)
        self._clients: dict[str, etcd3gw.Etcd3Client] = {}
        self._order = list(access.endpoints)
        self._lock = threading.Lock()

    @property
    def session(self) -> requests.Session:
        return self._session

    def call(self, path: str, body: dict, *, limit: int) -> dict:
        """POST `body` to `path` (`kv/range`) on the first endpoint that answers; the JSON
        answer, at most `limit` bytes."""
        return self.first_answering(lambda client: self._call(client, path, body, limit))

    def first_answering(self, attempt: Callable[[etcd3gw.Etcd3Client], T]) -> T:
        """`attempt(client)` on each endpoint in turn until one is reachable."""
        with self._lock:
            order = list(self._order)
        unreachable: list[str] = []
        for endpoint in order:
            try:
                client = self._client(endpoint)
                answer = attempt(client)
            except EtcdUnreachable as error:
                unreachable.append(f"{endpoint}: {error}")
                continue
            with self._lock:
                self._order.remove(endpoint)
                self._order.insert(0, endpoint)
            return answer
        raise EtcdUnreachable("; ".join(unreachable) if len(unreachable) > 1 else unreachable[0])

    def _client(self, endpoint: str) -> etcd3gw.Etcd3Client:
        client = self._clients.get(endpoint)
        if client is None:
            parts = urlsplit(endpoint)
            assert parts.hostname is not None and parts.port is not None  # checked in access
            client = etcd3gw.Etcd3Client(
                host=parts.hostname,
                port=parts.port,
                protocol=parts.scheme,
                timeout=self.access.timeout,
                api_path=self._api_path(endpoint),
                session=self._session,
            )
            self._clients[endpoint] = client
        return client

    def _api_path(self, endpoint: str) -> str:
        deadline = time.monotonic() + self.access.timeout
        try:
            response = self._session.get(
                f"{endpoint}/version", timeout=self.access.timeout, stream=True
            )
        except requests.RequestException as error:
            raise transport_error(error) from None
        with response:
            body = read_bounded(response, VERSION_LIMIT, deadline)
        if response.status_code != 200:
            raise EtcdBadAnswer(f"{endpoint}/version answered HTTP {response.status_code}")
        try:
            version = orjson.loads(body)["etcdserver"]
            major, minor = (int(part) for part in version.split(".")[:2])
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
            raise EtcdBadAnswer(f"{endpoint} is not etcd: /version is not etcd's") from None
        if (major, minor) >= (3, 4):
            return "/v3/"
        if (major, minor) == (3, 3):
            return "/v3beta/"
        raise EtcdBadAnswer(f"{endpoint} runs etcd {version}: 3.3 or newer is needed")

    def _call(self, client: etcd3gw.Etcd3Client, path: str, body: dict, limit: int) -> dict:
        deadline = time.monotonic() + self.access.timeout
        try:
            response = self._session.post(
                client.get_url(path), json=body, timeout=self.access.timeout, stream=True
            )
        except requests.RequestException as error:
            raise transport_error(error) from None
        with response:
            data = read_bounded(response, limit, deadline)
        if response.status_code != 200:
            raise answer_error(response.status_code, error_body(data), body.get("revision"))
        return parse_json(data)


def read_bounded(response: requests.Response, limit: int, deadline: float) -> bytes:
    """The body, refused past `limit` bytes or past the deadline."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise AnswerTooLarge(
            f"etcd's answer is {int(declared):,} bytes, over the {limit:,}-byte limit"
        )
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise AnswerTooLarge(f"etcd's answer is over the {limit:,}-byte limit")
            if time.monotonic() > deadline:
                raise EtcdUnreachable("etcd's answer did not arrive within the timeout")
            chunks.append(chunk)
    except requests.RequestException as error:
        raise transport_error(error) from None
    return b"".join(chunks)


def parse_json(data: bytes) -> dict:
    try:
        answer = orjson.loads(data)
    except orjson.JSONDecodeError:
        raise EtcdBadAnswer("etcd's answer is not JSON") from None
    if not isinstance(answer, dict):
        raise EtcdBadAnswer("etcd's answer is not a JSON object")
    return answer


def error_body(data: bytes) -> dict:
    """The gateway's error object, or {} when a proxy or something else answered."""
    try:
        return parse_json(data)
    except EtcdBadAnswer:
        return {}


def answer_error(status: int, answer: dict, revision: object = None) -> EtcdError:
    """The error an HTTP error answer of the gateway stands for."""
    message = str(answer.get("error") or answer.get("message") or "")[:300]
    code = answer.get("code")
    asked = int(revision) if isinstance(revision, int) else 0
    if "required revision has been compacted" in message:
        return RevisionCompacted(asked)
    if "required revision is a future revision" in message:
        return FutureRevision(asked)
    if status in (401, 403) or code in _REFUSED_CODES:
        return EtcdRefused(f"etcd refused the request: {message or f'HTTP {status}'}")
    if status in (503, 504) or code in _UNAVAILABLE_CODES:
        return EtcdUnreachable(f"etcd is unavailable: {message or f'HTTP {status}'}")
    return EtcdBadAnswer(f"etcd answered HTTP {status}: {message or 'no message'}")


def transport_error(error: requests.RequestException) -> EtcdError:
    if isinstance(error, requests.exceptions.SSLError):
        return EtcdRefused(f"TLS with etcd failed: {_reason(error)}")
    if isinstance(error, requests.exceptions.Timeout):
        return EtcdUnreachable("no answer within the timeout")
    if isinstance(error, requests.exceptions.ConnectionError):
        text = _reason(error)
        # A server that demands a client certificate may drop the connection after the
        # handshake instead of failing it, when we sent none.
        if "certificate" in text.lower() or "tlsv1 alert" in text.lower():
            return EtcdRefused(f"TLS with etcd failed: {text}")
        return EtcdUnreachable(f"cannot connect: {text}")
    return EtcdUnreachable(f"cannot reach etcd: {_reason(error)}")


def _reason(error: BaseException) -> str:
    """The innermost cause, one line, without the wrappers requests and urllib3 add."""
    cause = error
    for _ in range(8):
        inner = cause.args[0] if cause.args and isinstance(cause.args[0], BaseException) else None
        inner = inner or getattr(cause, "reason", None) or cause.__context__
        if not isinstance(inner, BaseException):
            break
        cause = inner
    return " ".join(str(cause).split())[:300]
