"""What the printers share: column definitions and the cell formats kube-apiserver uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypedDict

from explorer.lib.objects import annotations_of, meta_of, name_of, spec_of, template_spec_of

from ..duration import age


class Column(TypedDict):
    name: str
    type: str
    format: str
    description: str
    priority: int


Cells = list[Any]


@dataclass(frozen=True)
class Printer:
    columns: tuple[Column, ...]
    cells: Callable[[dict, float], Cells]
    # TableRowConditions of a row (a finished pod is "Completed"), when the kind has any
    conditions: Callable[[dict], list[dict] | None] = field(default=lambda _obj: None)


def col(
    name: str, kind: str = "string", *, priority: int = 0, fmt: str = "", doc: str = ""
) -> Column:
    return {"name": name, "type": kind, "format": fmt, "description": doc, "priority": priority}


NAME = col("Name", fmt="name", doc="Name must be unique within a namespace.")
AGE = col("Age", doc="CreationTimestamp is the time this object was created.")
CONTAINERS = col("Containers", priority=1, doc="Names of each container in the template.")
IMAGES = col("Images", priority=1, doc="Images referenced by each container in the template.")
SELECTOR = col("Selector", priority=1, doc="The label selector of the object.")


def created(obj: dict, now: float) -> str:
    return age(meta_of(obj).get("creationTimestamp"), now)


def is_terminating(obj: dict) -> bool:
    return bool(meta_of(obj).get("deletionTimestamp"))


def format_labels(labels: dict[str, str] | None) -> str:
    """`labels.FormatLabels`: `k=v` sorted by key, `<none>` when empty."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def selector_string(selector: dict | None) -> str:
    """`LabelSelectorAsSelector(...).String()`: requirements sorted by key."""
    if not selector:
        return ""
    terms: list[tuple[str, str]] = [
        (k, f"{k}={v}") for k, v in (selector.get("matchLabels") or {}).items()
    ]
    for expr in selector.get("matchExpressions") or ():
        key, op = expr.get("key", ""), expr.get("operator", "")
        values = ",".join(sorted(expr.get("values") or ()))
        text = {
            "In": f"{key} in ({values})",
            "NotIn": f"{key} notin ({values})",
            "Exists": key,
            "DoesNotExist": f"!{key}",
        }.get(op, f"{key} {op}")
        terms.append((key, text))
    return ",".join(text for _, text in sorted(terms))


def format_label_selector(selector: dict | None) -> str:
    """`metav1.FormatLabelSelector`: like `selector_string`, `<none>` when it selects nothing."""
    return selector_string(selector) or "<none>"


def container_cells(pod_spec: dict) -> tuple[str, str]:
    containers = pod_spec.get("containers") or ()
    return (
        ",".join(c.get("name", "") for c in containers),
        ",".join(c.get("image", "") for c in containers),
    )


def bool_text(value: bool | None) -> str:
    """`printBoolPtr`."""
    if value is None:
        return "<unset>"
    return "True" if value else "False"


def list_with_more(items: list[str], total: int, maximum: int = 3, empty: str = "<unset>") -> str:
    text = ",".join(items[:maximum])
    if total > maximum:
        return f"{text} + {total - maximum} more..."
    return text or empty


def int_or_string(value: Any, default: str = "N/A") -> str:
    return default if value is None else str(value)


def access_modes(modes: list[str] | None) -> str:
    """`GetAccessModesAsString`: abbreviations in a fixed order."""
    present = set(modes or ())
    order = (
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    )
    return ",".join(short for full, short in order if full in present)


def storage_class_of(obj: dict) -> str:
    annotations = annotations_of(obj)
    beta = annotations.get("volume.beta.kubernetes.io/storage-class")
    return beta if beta is not None else spec_of(obj).get("storageClassName") or ""


def named_rows(
    columns: tuple[Column, ...], cells: Callable[[dict, float], Cells], *, age_at: int | None = None
) -> Printer:
    """The usual table: NAME, then `columns` with AGE among them (before `columns[age_at]`, else
    last). `cells(obj, now)` gives the cells of `columns`; the name and the age are added here."""
    at = len(columns) if age_at is None else age_at

    def row(obj: dict, now: float) -> Cells:
        middle = cells(obj, now)
        return [name_of(obj), *middle[:at], created(obj, now), *middle[at:]]

    return Printer((NAME, *columns[:at], AGE, *columns[at:]), row)


def workload_rows(
    columns: tuple[Column, ...],
    cells: Callable[[dict, float], Cells],
    *,
    pod_spec: Callable[[dict], dict] = template_spec_of,
    selector: Callable[[dict], str] | None = None,
) -> Printer:
    """A workload controller's table: NAME, `columns`, AGE, then the CONTAINERS and IMAGES of its
    pod template (`pod_spec`) and, unless `selector` is None, its SELECTOR (`selector(obj)`)."""
    tail = (CONTAINERS, IMAGES, SELECTOR) if selector is not None else (CONTAINERS, IMAGES)

    def row(obj: dict, now: float) -> Cells:
        names, images = container_cells(pod_spec(obj))
        extra = [selector(obj)] if selector is not None else []
        return [*cells(obj, now), names, images, *extra]

    return named_rows((*columns, *tail), row, age_at=len(columns))


def spec_selector(obj: dict) -> str:
    """`spec.selector` as `FormatLabelSelector` writes it."""
    return format_label_selector(spec_of(obj).get("selector"))
