"""Who may read what: a small stand-in for RBAC, and the 403 a real server sends.

`Policy(forbidden={"secrets", "nodes"})` denies every verb on those resources everywhere; a `Rule`
narrows a denial to some verbs or namespaces. Resources are named as RBAC names them: the plural,
`plural.group` to pin the group (`deployments.apps`), `plural/subresource` (`pods/log`), or `*`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from explorer.lib.resources import Resource

from .status import ApiError, StatusDetails

ANONYMOUS = "system:anonymous"
READ_VERBS = ("get", "list", "watch")


@dataclass(frozen=True)
class Rule:
    resource: str
    verbs: frozenset[str] = field(default_factory=frozenset)  # empty: every verb
    namespaces: frozenset[str] = field(default_factory=frozenset)  # empty: everywhere

    def covers(self, verb: str, group: str, plural: str, namespace: str) -> bool:
        name, _, rule_group = self.resource.partition(".")
        if name != "*" and (name != plural or (rule_group and rule_group != group)):
            return False
        if self.verbs and verb not in self.verbs:
            return False
        return not self.namespaces or namespace in self.namespaces


class Policy:
    def __init__(self, forbidden: Iterable[str | Rule] = (), user: str = ANONYMOUS) -> None:
        self.rules = tuple(r if isinstance(r, Rule) else Rule(r) for r in forbidden)
        self.user = user

    @classmethod
    def from_text(cls, text: str | None) -> Policy:
        """`secrets,nodes` as the management command's `--forbid` spells it."""
        return cls(r.strip() for r in (text or "").split(",") if r.strip())

    def allows(self, verb: str, group: str, plural: str, namespace: str = "") -> bool:
        """`plural` may name a subresource (`pods/log`). Writes are never allowed here."""
        if verb not in READ_VERBS:
            return False
        return not any(rule.covers(verb, group, plural, namespace) for rule in self.rules)

    def check(
        self, verb: str, resource: Resource, namespace: str = "", name: str = "", sub: str = ""
    ) -> None:
        plural = f"{resource.plural}/{sub}" if sub else resource.plural
        if self.allows(verb, resource.group, plural, namespace):
            return
        subject = f'{resource.name} "{name}"' if name else resource.name
        scope = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
        message = (
            f'{subject} is forbidden: User "{self.user}" cannot {verb} resource "{plural}" '
            f'in API group "{resource.group}" {scope}'
        )
        details: StatusDetails = {"kind": resource.plural}
        if name:
            details["name"] = name
        if resource.group:
            details["group"] = resource.group
        raise ApiError(403, "Forbidden", message, details)
