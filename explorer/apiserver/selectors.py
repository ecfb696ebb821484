"""Label and field selectors, as the `labelSelector` and `fieldSelector` parameters spell them.

Labels: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a` (exists), `!a` (does not exist).
Fields: `path=value`, `path==value`, `path!=value` over the fields a real server indexes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from explorer.lib.objects import labels_of, status_of
from explorer.lib.text import split_top_level

from .status import bad_request

Matcher = Callable[[dict], bool]


def match_all(_obj: dict) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class LabelRequirement:
    key: str
    operator: str  # "=", "!=", "in", "notin", "exists", "!"
    values: frozenset[str] = frozenset()

    def matches(self, labels: dict[str, str]) -> bool:
        present = self.key in labels
        if self.operator == "exists":
            return present
        if self.operator == "!":
            return not present
        if self.operator in ("=", "in"):
            return present and labels[self.key] in self.values
        # "!=" and "notin" match objects without the label too, as Kubernetes does.
        return not present or labels[self.key] not in self.values


_SET_RE = re.compile(r"^\s*(?P<key>[^\s!=(),]+)\s+(?P<op>in|notin)\s*\((?P<values>[^()]*)\)\s*$")
_EQ_RE = re.compile(r"^\s*(?P<key>[^\s!=(),]+)\s*(?P<op>==|=|!=)\s*(?P<value>[^\s!=(),]*)\s*$")
_EXISTS_RE = re.compile(r"^\s*(?P<neg>!?)\s*(?P<key>[^\s!=(),]+)\s*$")


def parse_label_selector(text: str) -> list[LabelRequirement]:
    requirements = []
    for term in split_top_level(text or ""):
        if m := _SET_RE.match(term):
            values = frozenset(v.strip() for v in m["values"].split(",") if v.strip())
            requirements.append(LabelRequirement(m["key"], m["op"], values))
        elif m := _EQ_RE.match(term):
            op = "!=" if m["op"] == "!=" else "="
            requirements.append(LabelRequirement(m["key"], op, frozenset({m["value"]})))
        elif m := _EXISTS_RE.match(term):
            requirements.append(LabelRequirement(m["key"], "!" if m["neg"] else "exists"))
        else:
            raise bad_request(f"unable to parse requirement: {term.strip()!r}")
    return requirements


def label_matcher(text: str | None) -> Matcher:
    requirements = parse_label_selector(text or "")
    if not requirements:
        return match_all

    def matches(obj: dict) -> bool:
        labels = labels_of(obj)
        return all(r.matches(labels) for r in requirements)

    return matches


# Fields every resource can be selected on, and those a kind adds (as kube-apiserver registers).
_COMMON_FIELDS = ("metadata.name", "metadata.namespace")
_KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "Pod": (
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.schedulerName",
        "spec.serviceAccountName",
        "spec.hostNetwork",
        "status.phase",
        "status.podIP",
        "status.nominatedNodeName",
    ),
    "Event": (
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
    ),
    "Node": ("spec.unschedulable",),
    "Namespace": ("status.phase",),
    "Secret": ("type",),
    "ReplicaSet": ("status.replicas",),
    "Job": ("status.successful",),
    "PersistentVolumeClaim": ("spec.volumeName",),
}


def _field_value(obj: dict, path: str) -> str:
    if path == "source":  # Events index `source` as the reporting component
        value = (obj.get("source") or {}).get("component") or obj.get("reportingComponent")
    elif path == "status.successful":
        value = status_of(obj).get("succeeded")
    else:
        value = obj
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
    if value is None:
        return "false" if path in ("spec.unschedulable", "spec.hostNetwork") else ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


_FIELD_RE = re.compile(r"^\s*(?P<path>[^\s!=]+)\s*(?P<op>==|=|!=)\s*(?P<value>.*?)\s*$")


def field_matcher(text: str | None, kind: str) -> Matcher:
    terms = []
    allowed = _COMMON_FIELDS + _KIND_FIELDS.get(kind, ())
    for term in split_top_level(text or ""):
        m = _FIELD_RE.match(term)
        if not m:
            raise bad_request(f"invalid selector: '{text}'; can't understand '{term.strip()}'")
        if m["path"] not in allowed:
            raise bad_request(f"field label not supported: {m['path']}")
        terms.append((m["path"], m["op"] != "!=", m["value"]))
    if not terms:
        return match_all

    def matches(obj: dict) -> bool:
        return all((_field_value(obj, path) == value) == equal for path, equal, value in terms)

    return matches


def combine(*matchers: Matcher) -> Matcher:
    active = [m for m in matchers if m is not match_all]
    if not active:
        return match_all
    if len(active) == 1:
        return active[0]
    return lambda obj: all(m(obj) for m in active)
