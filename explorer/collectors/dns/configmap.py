"""Where a Corefile comes from: a bare Corefile, or CoreDNS's ConfigMap as YAML or JSON.

kubeadm, kind and most distributions keep the Corefile in `data.Corefile` of
`kube-system/coredns`. AKS adds `coredns-custom`, whose `*.server` keys are extra server blocks
(imported by the default Corefile's top-level `import custom/*.server`) and whose `*.override`
keys are plugin lines imported into the default server block (`import custom/*.override`).
Both are mounted under /etc/coredns/custom/, so they are offered to `import` as `custom/<key>`.
A `kind: List` (e.g. `kubectl get cm coredns coredns-custom -o yaml`) merges its ConfigMaps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson
import yaml

from explorer.lib.objects import meta_of

from .corefile import Corefile, Directive, parse_corefile, parse_directives


@dataclass
class CorefileSource:
    corefile: str = ""  # the main Corefile text ("" when only custom keys were given)
    includes: dict[str, str] = field(default_factory=dict)  # custom/<key> -> text
    configmaps: list[str] = field(default_factory=list)  # namespace/name of each ConfigMap read

    @property
    def servers(self) -> list[str]:
        return [path for path in self.includes if path.endswith(".server")]

    @property
    def overrides(self) -> list[str]:
        return [path for path in self.includes if path.endswith(".override")]


def _structured(text: str) -> object:
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            return None
    try:
        return yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError):  # PyYAML builds nested values by recursion
        return None


def _configmaps(document: object) -> list[dict]:
    if not isinstance(document, dict):
        return []
    if isinstance(document.get("items"), list):
        return [item for item in document["items"] if isinstance(item, dict)]
    if isinstance(document.get("data"), dict) or document.get("kind") == "ConfigMap":
        return [document]
    return []


def read_source(text: str) -> CorefileSource:
    """Split the input into the Corefile and the files it may import."""
    configmaps = _configmaps(_structured(text))
    if not configmaps:
        return CorefileSource(corefile=text)
    source = CorefileSource()
    for cm in configmaps:
        meta = meta_of(cm) if isinstance(cm.get("metadata"), dict) else {}
        source.configmaps.append(f"{meta.get('namespace', '')}/{meta.get('name', '')}")
        data = cm.get("data")
        for key, value in data.items() if isinstance(data, dict) else ():
            if not isinstance(key, str) or not isinstance(value, str):
                continue
            if key == "Corefile":
                source.corefile = value
            elif key.endswith((".server", ".override")):
                source.includes[f"custom/{key}"] = value
    return source


@dataclass
class ParsedSource:
    source: CorefileSource
    corefile: Corefile
    # overrides that no `import` took in (a coredns-custom ConfigMap read on its own)
    loose_overrides: dict[str, list[Directive]] = field(default_factory=dict)


def parse_source(text: str) -> ParsedSource:
    source = read_source(text)
    corefile = parse_corefile(source.corefile, source.includes)
    if not source.corefile.strip():  # custom keys alone: their server blocks, as they are
        for path in source.servers:
            corefile.blocks.extend(
                parse_corefile(source.includes[path], source.includes, path).blocks
            )
    imported = {d.source for block in corefile.blocks for d in block.directives}
    loose = {
        path: parse_directives(source.includes[path], source=path)
        for path in source.overrides
        if path not in imported
    }
    return ParsedSource(source, corefile, loose)
