"""How to reach etcd: its client URLs (tried in turn), TLS files, the timeout of every call, and
the key prefix kube-apiserver stores under (`--etcd-prefix`, default /registry).

The etcd layer does not read Django settings: explorer/settings.py reads the EXPLORER_ETCD_*
environment variables and checks them with `access_from_settings` at start-up.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_PREFIX = "/registry"
DEFAULT_TIMEOUT = 5.0
MAX_TIMEOUT = 300.0


class EtcdAccessError(ValueError):
    """A setting of the etcd access that cannot be used; `setting` names it, str() is one line."""

    def __init__(self, setting: str, message: str) -> None:
        self.setting = setting
        self.detail = message
        super().__init__(f"{setting}: {message}")


@dataclass(frozen=True, slots=True)
class EtcdAccess:
    endpoints: tuple[str, ...]  # http(s)://host:port, tried in this order
    ca_file: str | None = None  # the CA that signed etcd's serving certificate
    cert_file: str | None = None  # our client certificate (etcd's --client-cert-auth)
    key_file: str | None = None
    timeout: float = DEFAULT_TIMEOUT  # seconds, for every call to one endpoint
    prefix: str = DEFAULT_PREFIX  # no trailing slash

    @property
    def uses_tls(self) -> bool:
        return any(endpoint.startswith("https://") for endpoint in self.endpoints)


def access_from_settings(settings: Mapping[str, object]) -> EtcdAccess:
    """An EtcdAccess from plain settings: `endpoints` (a list or comma-separated text),
    `ca_file`, `cert_file`, `key_file`, `timeout` (seconds), `prefix`. EtcdAccessError names
    the first bad one."""
    endpoints = tuple(_endpoints(settings.get("endpoints") or ()))
    if not endpoints:
        raise EtcdAccessError("endpoints", "no etcd endpoint given (https://host:2379)")
    ca_file = _file(settings, "ca_file")
    cert_file = _file(settings, "cert_file")
    key_file = _file(settings, "key_file")
    if bool(cert_file) != bool(key_file):
        missing = "key_file" if cert_file else "cert_file"
        raise EtcdAccessError(missing, "a client certificate needs both its cert and key file")
    if (ca_file or cert_file) and not all(e.startswith("https://") for e in endpoints):
        raise EtcdAccessError("endpoints", "TLS files are set but an endpoint is not https://")
    return EtcdAccess(
        endpoints=endpoints,
        ca_file=ca_file,
        cert_file=cert_file,
        key_file=key_file,
        timeout=_timeout(settings.get("timeout", DEFAULT_TIMEOUT)),
        prefix=_prefix(settings.get("prefix") or DEFAULT_PREFIX),
    )


def _endpoints(raw: object) -> Iterable[str]:
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, Iterable):
        raise EtcdAccessError("endpoints", "expected a list of URLs")
    for item in items:
        endpoint = str(item).strip().rstrip("/")
        if not endpoint:
            continue
        try:
            parts = urlsplit(endpoint)
            port = parts.port
        except ValueError:
            raise EtcdAccessError("endpoints", f"{endpoint!r} is not a URL") from None
        if parts.scheme not in ("http", "https") or not parts.hostname or port is None:
            raise EtcdAccessError(
                "endpoints", f"{endpoint!r} is not like https://host:2379 (scheme, host, port)"
            )
        if parts.path or parts.query or parts.fragment or parts.username:
            raise EtcdAccessError("endpoints", f"{endpoint!r}: only scheme://host:port")
        yield endpoint


def _file(settings: Mapping[str, object], name: str) -> str | None:
    path = str(settings.get(name) or "").strip()
    if not path:
        return None
    if not os.path.isfile(path):
        raise EtcdAccessError(name, f"{path!r} is not a readable file")
    return path


def _timeout(raw: object) -> float:
    try:
        seconds = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise EtcdAccessError("timeout", f"{raw!r}: expected seconds") from None
    if not 0 < seconds <= MAX_TIMEOUT:
        raise EtcdAccessError("timeout", f"{seconds:g}: expected seconds in (0, {MAX_TIMEOUT:g}]")
    return seconds


def _prefix(raw: object) -> str:
    prefix = str(raw).strip()
    if not prefix.startswith("/") or prefix == "/" or prefix.endswith("/") or "//" in prefix:
        raise EtcdAccessError("prefix", f"{prefix!r}: expected a key prefix like /registry")
    return prefix
