"""Kubeconfig and in-cluster configuration: one configured `ApiClient` per cluster.

Loading and merging are the official client's (`KubeConfigMerger`, `new_client_from_config`,
`InClusterConfigLoader`); this module checks the files first so that anything wrong is reported
as ONE line naming the file and the problem (`KubeConfigError`), never a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from kubernetes.client import ApiClient, Configuration
from kubernetes.config.config_exception import ConfigException
from kubernetes.config.incluster_config import (
    SERVICE_CERT_FILENAME,
    SERVICE_HOST_ENV_NAME,
    SERVICE_PORT_ENV_NAME,
    SERVICE_TOKEN_FILENAME,
    InClusterConfigLoader,
)
from kubernetes.config.kube_config import (
    ENV_KUBECONFIG_PATH_SEPARATOR,
    KubeConfigMerger,
    new_client_from_config,
)

DEFAULT_KUBECONFIG = "~/.kube/config"
IN_CLUSTER = "in-cluster"
# Files a kubeconfig may name, relative to the file that names them.
_CLUSTER_FILES = ("certificate-authority",)
_USER_FILES = ("client-certificate", "client-key", "tokenFile")
_SECTIONS = ("clusters", "contexts", "users")
_SECTION_BODY = {"clusters": "cluster", "contexts": "context", "users": "user"}


class KubeConfigError(Exception):
    """A kubeconfig (or in-cluster setup) that cannot be used; str() is one line."""


@dataclass(frozen=True)
class Cluster:
    """A configured client for one cluster, named by its kubeconfig context."""

    name: str
    api_client: ApiClient


@dataclass(frozen=True)
class _Entry:
    """A named clusters/contexts/users entry and the file that defined it."""

    name: str
    body: dict[str, Any]
    file: str


class Kubeconfig:
    """The merged kubeconfig of one or several files, as kubectl merges `KUBECONFIG`."""

    def __init__(self, files: list[str], documents: list[dict[str, Any]]) -> None:
        self.files = tuple(files)
        self._entries: dict[str, dict[str, _Entry]] = {s: {} for s in _SECTIONS}
        # kubectl's rule: for each name (and for current-context) the first file that sets it wins.
        self.current_context: str | None = None
        self._current_context_file = files[0]
        for path, doc in zip(files, documents, strict=True):
            for section in _SECTIONS:
                for item in doc.get(section) or ():
                    body = item.get(_SECTION_BODY[section]) or {}
                    self._entries[section].setdefault(
                        item["name"], _Entry(item["name"], body, path)
                    )
            if self.current_context is None and doc.get("current-context"):
                self.current_context = doc["current-context"]
                self._current_context_file = path

    @property
    def contexts(self) -> list[str]:
        return list(self._entries["contexts"])

    @property
    def source(self) -> str:
        return ENV_KUBECONFIG_PATH_SEPARATOR.join(self.files)

    def check(self, context: str | None = None) -> str:
        """The context's name if it is usable; else KubeConfigError saying what is wrong."""
        if context is None:
            if self.current_context is None:
                raise KubeConfigError(f"{self.source}: no current-context and none was chosen")
            context, where = self.current_context, self._current_context_file
        else:
            where = self.source
        entry = self._entries["contexts"].get(context)
        if entry is None:
            raise KubeConfigError(f"{where}: no context named {context!r}")
        cluster_name = entry.body.get("cluster")
        if not cluster_name:
            raise KubeConfigError(f"{entry.file}: context {context!r} names no cluster")
        cluster = self._named(entry, "cluster", cluster_name)
        if not cluster.body.get("server"):
            raise KubeConfigError(f"{cluster.file}: cluster {cluster_name!r} has no server")
        _check_files(cluster, "cluster", _CLUSTER_FILES)
        user_name = entry.body.get("user")
        if user_name:
            _check_files(self._named(entry, "user", user_name), "user", _USER_FILES)
        return context

    def _named(self, context: _Entry, what: str, name: str) -> _Entry:
        found = self._entries[f"{what}s"].get(name)
        if found is None:
            raise KubeConfigError(
                f"{context.file}: context {context.name!r} names {what} {name!r}"
                " which is not defined"
            )
        return found

    def connect(self, context: str | None = None, pool_size: int | None = None) -> Cluster:
        """A configured ApiClient for a context (the current one by default)."""
        name = self.check(context)
        configuration = Configuration()
        if pool_size:
            configuration.connection_pool_maxsize = pool_size
        where = self._entries["contexts"][name].file
        try:
            api_client = new_client_from_config(
                config_file=self.source,
                context=name,
                persist_config=False,
                client_configuration=configuration,
            )
        except (ConfigException, ValueError, TypeError, OSError) as error:
            raise KubeConfigError(f"{where}: context {name!r}: {_one_line(error)}") from None
        user_name = self._entries["contexts"][name].body.get("user")
        user = self._entries["users"].get(user_name or "")
        if user and "exec" in user.body and not _has_credential(configuration):
            raise KubeConfigError(
                f"{user.file}: user {user_name!r}: the exec plugin gave no credential"
            )
        return Cluster(name, api_client)


def kubeconfig_paths(path: str | None = None, environ: Mapping[str, str] = os.environ) -> list[str]:
    """The files to merge: an explicit path list, else `KUBECONFIG`, else ~/.kube/config."""
    spec = path or environ.get("KUBECONFIG") or DEFAULT_KUBECONFIG
    return [os.path.expanduser(p) for p in spec.split(ENV_KUBECONFIG_PATH_SEPARATOR) if p]


def kubeconfig_exists(path: str | None = None, environ: Mapping[str, str] = os.environ) -> bool:
    """Whether a file of the kubeconfig list (`path`, else `KUBECONFIG`, else ~/.kube/config)
    exists: when none does, a process in a pod uses its service account instead."""
    return any(os.path.exists(p) for p in kubeconfig_paths(path, environ))


def connect_all(
    kubeconfig: Kubeconfig, skipped: Callable[[str, KubeConfigError], object]
) -> list[Cluster]:
    """A connection to every context of `kubeconfig`. A context that cannot be used is told to
    `skipped` (its name and why) and left out; KubeConfigError when none can be used."""
    clusters = []
    for context in kubeconfig.contexts:
        try:
            clusters.append(kubeconfig.connect(context))
        except KubeConfigError as error:
            skipped(context, error)
    if not clusters:
        raise KubeConfigError(f"{kubeconfig.source}: no usable context")
    return clusters


def load_kubeconfig(path: str | None = None, environ: Mapping[str, str] = os.environ) -> Kubeconfig:
    """Read and check every file; files of a list that do not exist are skipped, as by kubectl."""
    paths = kubeconfig_paths(path, environ)
    existing = [p for p in paths if os.path.exists(p)]
    if not existing:
        raise KubeConfigError(f"{ENV_KUBECONFIG_PATH_SEPARATOR.join(paths)}: no such file")
    documents = [_read(p) for p in existing]
    # The official merger is what connect() uses; building it here surfaces its complaints early.
    try:
        KubeConfigMerger(ENV_KUBECONFIG_PATH_SEPARATOR.join(existing))
    except (ConfigException, KeyError, TypeError) as error:
        raise KubeConfigError(f"{existing[0]}: {_one_line(error)}") from None
    return Kubeconfig(existing, documents)


def in_cluster(
    token_path: str = SERVICE_TOKEN_FILENAME,
    ca_path: str = SERVICE_CERT_FILENAME,
    environ: Mapping[str, str] = os.environ,
    pool_size: int | None = None,
) -> Cluster:
    """The pod's service account: `KUBERNETES_SERVICE_HOST`/`_PORT` plus its token and CA."""
    if not environ.get(SERVICE_HOST_ENV_NAME) or not environ.get(SERVICE_PORT_ENV_NAME):
        raise KubeConfigError(
            f"in-cluster: {SERVICE_HOST_ENV_NAME} and {SERVICE_PORT_ENV_NAME} are not set"
        )
    for label, file in (("token", token_path), ("CA", ca_path)):
        if not os.path.isfile(file):
            raise KubeConfigError(f"{file}: no such file (in-cluster {label})")
        if os.path.getsize(file) == 0:
            raise KubeConfigError(f"{file}: empty (in-cluster {label})")
    configuration = Configuration()
    if pool_size:
        configuration.connection_pool_maxsize = pool_size
    try:
        InClusterConfigLoader(token_path, ca_path, environ=environ).load_and_set(configuration)
    except (ConfigException, OSError) as error:
        raise KubeConfigError(f"in-cluster: {_one_line(error)}") from None
    return Cluster(IN_CLUSTER, ApiClient(configuration))


def connect_to(cluster: str) -> Cluster:
    """A connection of this process's own to `cluster`: its kubeconfig context, or the service
    account when running in the cluster (KubeConfigError when neither is that cluster). The
    caller closes its api_client."""
    if kubeconfig_exists():
        kubeconfig = load_kubeconfig()
        if cluster not in kubeconfig.contexts:
            raise KubeConfigError(f"cluster {cluster!r} is not a context of {kubeconfig.source}")
        return kubeconfig.connect(cluster)
    found = in_cluster()
    if found.name != cluster:
        raise KubeConfigError(f"cluster {cluster!r} is not watched here")
    return found


def in_cluster_available(environ: Mapping[str, str] = os.environ) -> bool:
    return bool(environ.get(SERVICE_HOST_ENV_NAME)) and os.path.isfile(SERVICE_TOKEN_FILENAME)


def _read(path: str) -> dict[str, Any]:
    try:
        text = Path(path).read_text()
    except OSError as error:
        raise KubeConfigError(f"{path}: {(error.strerror or str(error)).lower()}") from None
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise KubeConfigError(f"{path}: not valid YAML{where}") from None
    if doc is None:
        raise KubeConfigError(f"{path}: empty")
    if not isinstance(doc, dict):
        raise KubeConfigError(f"{path}: not a kubeconfig (expected a mapping at the top)")
    for section in _SECTIONS:
        items = doc.get(section)
        if items is None:
            continue
        if not isinstance(items, list):
            raise KubeConfigError(f"{path}: {section} is not a list")
        for index, item in enumerate(items):
            if not isinstance(item, dict) or not item.get("name"):
                raise KubeConfigError(f"{path}: {section}[{index}] has no name")
            if not isinstance(item.get(_SECTION_BODY[section]) or {}, dict):
                raise KubeConfigError(f"{path}: {section}[{index}] is not a mapping")
    return doc


def _check_files(entry: _Entry, what: str, keys: tuple[str, ...]) -> None:
    base = os.path.dirname(os.path.abspath(entry.file))
    for key in keys:
        value = entry.body.get(key)
        if value and not os.path.isfile(os.path.join(base, os.path.expanduser(value))):
            raise KubeConfigError(
                f"{entry.file}: {what} {entry.name!r}: {key} {value}: no such file"
            )


def _has_credential(configuration: Configuration) -> bool:
    return bool(configuration.api_key.get("BearerToken") or configuration.cert_file)


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text.removeprefix("Invalid kube-config file. ")
