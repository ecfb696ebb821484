"""The project's own API server (explorer/apiserver/) as the cluster the kube/ tests watch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from explorer.kube.config import Cluster, load_kubeconfig
from explorer.state.cluster_state import ClusterState
from tests.apiserver.objects import secret

from .kubeconfigs import single, write


def configmap(namespace: str, name: str, value: str) -> dict[str, Any]:
    return {
        "kind": "ConfigMap",
        "apiVersion": "v1",
        "metadata": {"namespace": namespace, "name": name},
        "data": {"value": value},
    }


def namespace(name: str) -> dict[str, Any]:
    return {"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": name}}


def small_cluster(configmaps: int = 30) -> ClusterState:
    state = ClusterState("served")
    for ns in ("default", "team"):
        state.upsert(namespace(ns))
        for i in range(configmaps // 2):
            state.upsert(configmap(ns, f"cm-{i:03d}", "initial"))
        state.upsert(secret(ns, "db-credentials"))
    return state


def store_refs(store: Any, kinds: tuple[str, ...]) -> set[tuple[str, str, str, str]]:
    """(kind, namespace, name, resourceVersion) of everything the server holds of `kinds`."""
    return {
        (
            kind,
            obj["metadata"].get("namespace") or "",
            obj["metadata"]["name"],
            obj["metadata"]["resourceVersion"],
        )
        for kind in kinds
        for obj in list(store.state.list(kind))
    }


def connect(tmp_path: Path, url: str, context: str = "served") -> Cluster:
    """Through a kubeconfig file, as a user would: the cluster is named by its context."""
    doc = single(url, {"token": "test-token"})
    doc["contexts"][0]["name"] = context
    doc["current-context"] = context
    return load_kubeconfig(str(write(tmp_path / "kubeconfig", doc))).connect()


class Churn:
    """Creates, changes and deletes ConfigMaps through the store, as controllers would."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.round = 0

    def __call__(self, changes: int = 6) -> None:
        for _ in range(changes):
            self.round += 1
            r = self.round
            self.store.apply({"type": "ADDED", "object": configmap("team", f"new-{r:04d}", "x")})
            self.store.apply(
                {"type": "MODIFIED", "object": configmap("default", f"cm-{r % 15:03d}", str(r))}
            )
            victim = configmap("team", f"cm-{r % 15:03d}", "")
            self.store.apply({"type": "DELETED", "object": victim})
