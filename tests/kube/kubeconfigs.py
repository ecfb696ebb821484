"""Builders for kubeconfig files used by the kube/ tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def kubeconfig(
    contexts: dict[str, tuple[str, str]],
    clusters: dict[str, dict[str, Any]],
    users: dict[str, dict[str, Any]],
    current: str | None = None,
) -> dict[str, Any]:
    """contexts: name -> (cluster, user); clusters and users: name -> body."""
    doc: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": n, "cluster": body} for n, body in clusters.items()],
        "users": [{"name": n, "user": body} for n, body in users.items()],
        "contexts": [
            {"name": n, "context": {"cluster": c, "user": u}} for n, (c, u) in contexts.items()
        ],
    }
    if current:
        doc["current-context"] = current
    return doc


def write(path: Path, doc: dict[str, Any] | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(doc if isinstance(doc, str) else yaml.safe_dump(doc))
    return path


def single(server: str = "http://127.0.0.1:1", user: dict[str, Any] | None = None) -> dict:
    """One context `only` on one cluster with one user."""
    return kubeconfig(
        {"only": ("c", "u")}, {"c": {"server": server}}, {"u": user or {}}, current="only"
    )
