"""What an object page shows besides its YAML, in one shape for every kind: facts (term and
value) and sections (a titled table), whose cells are text, a link to another page, or a bar
(a part of a whole, with its text: a volume's used bytes). Each kind's
module says what is worth showing; `static/js/objects/object.js` draws every kind the same way.
Every string is plain text: the page puts it in the DOM as text.
"""

from __future__ import annotations

from typing import NamedTuple, TypedDict

from explorer.lib.objects import key_of

from ..links import Link, object_link


class Linked(TypedDict):
    text: str
    link: Link


class Amount(TypedDict):
    value: int
    max: int


class Bar(TypedDict):
    text: str
    bar: Amount


Cell = str | Linked | Bar | list[Linked]  # a list: several links in one cell


class Section(TypedDict):
    id: str  # stable, for the page and its tests
    title: str
    note: str  # a sentence under the title, or ""
    headers: list[str]
    rows: list[list[Cell]]
    empty: str  # what to say when there are no rows


class Described(NamedTuple):
    """What a kind's module says about one object."""

    facts: list[tuple[str, Cell]]
    sections: list[Section]


NOTHING = Described([], [])
MAX_ROWS = 200


def linked(text: object, link: Link) -> Linked:
    return {"text": str(text), "link": link}


def bar(value: int, maximum: int, text: str) -> Bar:
    return {"text": text, "bar": {"value": max(0, min(value, maximum)), "max": max(maximum, 1)}}


def to(obj: dict | None, kind: str = "", text: str = "") -> Cell:
    """A link to an object's page, named by its name (or `text`); "" for no object."""
    if obj is None:
        return ""
    namespace, name = key_of(obj)
    return linked(text or name, object_link(kind or str(obj.get("kind") or ""), namespace, name))


def to_named(kind: str, namespace: str, name: str, text: str = "") -> Cell:
    """A link to the page of an object known by its names (held or not)."""
    return linked(text or name, object_link(kind, namespace, name)) if name else ""


def section(
    key: str,
    title: str,
    headers: list[str],
    rows: list[list[Cell]],
    *,
    note: str = "",
    empty: str = "none",
) -> Section:
    """A section of at most MAX_ROWS rows (a Service of 5,000 pods must not make a page, or a
    websocket message, of 5,000 rows); the note says how many there were."""
    if len(rows) > MAX_ROWS:
        note = f"{note} The first {MAX_ROWS} of {len(rows)}.".strip()
        rows = rows[:MAX_ROWS]
    return {
        "id": key,
        "title": title,
        "note": note,
        "headers": headers,
        "rows": rows,
        "empty": empty,
    }


def pairs(mapping: dict | None) -> str:
    """Labels, a selector: `key=value, …`, sorted."""
    return ", ".join(f"{key}={value}" for key, value in sorted((mapping or {}).items()))


def only_links(cells: list[Cell]) -> list[Linked]:
    """The cells that are links (a list of them is one cell)."""
    return [cell for cell in cells if isinstance(cell, dict) and "link" in cell]  # type: ignore[misc]
