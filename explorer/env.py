"""Strict readers for settings taken from the environment: a bad value stops start-up with a
message that names the variable and what it should be."""

from __future__ import annotations

import ipaddress
import os

from django.core.exceptions import ImproperlyConfigured

from explorer.etcd.access import EtcdAccess, EtcdAccessError, access_from_settings


class SettingsError(ImproperlyConfigured):
    """A setting from the environment with a value that cannot be used; str() is one line."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingsError(f"{name}={raw!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, default: int, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r}: expected a whole number") from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise SettingsError(f"{name}={value}: expected a number in [{minimum}, {maximum}]")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_choices(name: str, choices: tuple[str, ...], default: str = "") -> frozenset[str]:
    """A comma-separated subset of `choices` (`exec,nodes-proxy`); empty when unset."""
    values = env_list(name, default)
    unknown = [v for v in values if v not in choices]
    if unknown:
        raise SettingsError(
            f"{name}: {', '.join(map(repr, unknown))} unknown, expected a comma-separated "
            f"list of {', '.join(choices)}"
        )
    return frozenset(values)


def env_origins(name: str) -> list[str]:
    """Comma-separated origins, each `scheme://host[:port]` (http or https, no path)."""
    values = env_list(name)
    bad = [v for v in values if "://" not in v or v.split("://")[0] not in ("http", "https")]
    bad += [v for v in values if "/" in v.partition("://")[2]]
    if bad:
        raise SettingsError(
            f"{name}: {bad[0]!r} is not an origin like https://explorer.example.com"
        )
    return values


def env_networks(name: str) -> list[str]:
    """Comma-separated IP addresses or networks (`10.0.0.5`, `10.0.0.0/8`, `::1`)."""
    values = env_list(name)
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise SettingsError(f"{name}: {value!r} is not an IP address or network") from None
    return values


def env_url(name: str, schemes: tuple[str, ...], default: str = "") -> str:
    """A URL whose scheme is one of `schemes` (`redis://…`), or the default when unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    scheme = raw.partition("://")[0]
    if "://" not in raw or scheme not in schemes:
        raise SettingsError(
            f"{name}: expected a URL starting with {' or '.join(s + '://' for s in schemes)}"
        )
    return raw


ETCD_SETTINGS = "EXPLORER_ETCD_"


def env_etcd_access() -> EtcdAccess | None:
    """How to reach etcd (explorer/etcd/access.py) from EXPLORER_ETCD_ENDPOINTS, _CA_FILE,
    _CERT_FILE, _KEY_FILE, _TIMEOUT and _PREFIX; None when no endpoint is set."""
    endpoints = env_list(f"{ETCD_SETTINGS}ENDPOINTS")
    if not endpoints:
        return None
    try:
        return access_from_settings(
            {
                "endpoints": endpoints,
                "ca_file": env_str(f"{ETCD_SETTINGS}CA_FILE"),
                "cert_file": env_str(f"{ETCD_SETTINGS}CERT_FILE"),
                "key_file": env_str(f"{ETCD_SETTINGS}KEY_FILE"),
                "timeout": env_int(f"{ETCD_SETTINGS}TIMEOUT", 5, minimum=1, maximum=300),
                "prefix": env_str(f"{ETCD_SETTINGS}PREFIX", "/registry"),
            }
        )
    except EtcdAccessError as error:
        raise SettingsError(f"{ETCD_SETTINGS}{error.setting.upper()}: {error.detail}") from None
