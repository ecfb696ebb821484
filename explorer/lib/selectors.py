"""Label selectors against labels: a Service's plain map, or a LabelSelector's matchLabels and
matchExpressions (a Deployment's, a PodDisruptionBudget's, a NetworkPolicy's)."""

from __future__ import annotations


def selector_matches(
    selector: dict | None, labels: dict, *, empty_selects_all: bool = False
) -> bool:
    """Whether `labels` satisfy `selector`. An empty (or missing) selector selects nothing — as a
    Service's does — unless `empty_selects_all`, as a LabelSelector's `{}` does."""
    if not selector:
        return empty_selects_all
    if "matchLabels" not in selector and "matchExpressions" not in selector:
        return all(labels.get(k) == v for k, v in selector.items())
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expr in selector.get("matchExpressions") or ():
        key, op, values = expr["key"], expr["operator"], expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True
