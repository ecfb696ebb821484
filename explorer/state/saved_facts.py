"""The last facts of every node, kept on disk so that a restart starts with them (with the time
they were taken and the probe that read them) rather than with empty network pages: one zstd
JSON file per node under `<directory>/<cluster>/`, written whole on each collection (0600 files
in 0700 directories), read back when the store takes the cluster."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any

import orjson
import zstandard

log = logging.getLogger(__name__)

_SUFFIX = ".json.zst"


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name) or "_"


class SavedFacts:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def save(self, cluster: str, node: str, entry: dict[str, Any]) -> None:
        folder = self.directory / _safe(cluster)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        body = orjson.dumps({"node": node, "entry": entry})
        path = folder / f"{_safe(node)}{_SUFFIX}"
        partial = path.with_name(path.name + ".partial")
        try:
            handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(handle, "wb") as out:
                out.write(zstandard.ZstdCompressor(level=3).compress(body))
            partial.replace(path)
        except OSError as error:
            log.warning("node facts of %s/%s not saved: %s", cluster, node, error)

    def load(self, cluster: str) -> dict[str, dict[str, Any]]:
        """node -> its last saved entry of `ClusterState.node_facts`."""
        folder = self.directory / _safe(cluster)
        found: dict[str, dict[str, Any]] = {}
        if not folder.is_dir():
            return found
        for path in sorted(folder.glob(f"*{_SUFFIX}")):
            try:
                saved = orjson.loads(zstandard.ZstdDecompressor().decompress(path.read_bytes()))
                found[str(saved["node"])] = dict(saved["entry"])
            except (OSError, zstandard.ZstdError, orjson.JSONDecodeError, KeyError, TypeError):
                log.warning("saved node facts %s unreadable; left out", path)
        return found
