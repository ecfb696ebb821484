"""The key space as the page's treemap: sectors (explorer/viewmodels/sectors.py) from
explorer/etcd/key_space.py's tree, sized by count (`value`) with the bytes beside (`size`) for the
page's toggle, each leaf leading to its key's page; and what dominates, in words, both ways.

Labels and hover text are cluster strings (a key is anyone's object name): escaped for Plotly
here, plain beside them for the DOM.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict

from explorer.etcd.key_space import DOMINANT_SHOWN, KEY_ID, KeySpace, Share, SpaceKey, key_space

from ..links import etcd_key_link
from ..plotly_text import described, labelled
from ..sectors import Sector

MAX_LEAVES = 40
PALETTE = (
    "#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#eeca3b", "#b279a2", "#ff9da6",
    "#9d755d", "#bab0ac", "#5778a4", "#e49444", "#85b6b2", "#6a9f58", "#d1615d",
)  # fmt: skip
ROOT_COLOUR = "#dddddd"


class SpaceModel(TypedDict):
    sectors: dict[str, Sector]
    keys: int
    total_bytes: int | None  # None: sizes not read (derived, or not in time)
    headline: str  # what dominates by count
    headline_bytes: str  # by bytes; "" when sizes are not known
    derived: bool


def space_model(keys: Iterable[SpaceKey], prefix: str, max_leaves: int = MAX_LEAVES) -> SpaceModel:
    listed = list(keys)
    tree = key_space(listed, prefix=prefix, max_leaves=max_leaves)
    sized = tree["bytes"] is not None
    colours: dict[str, str] = {}
    sectors: dict[str, Sector] = {}
    for index, node_id in enumerate(tree["ids"]):
        parent = tree["parents"][index]
        label = tree["labels"][index]
        count = tree["counts"][index]
        size = tree["bytes"][index] if tree["bytes"] is not None else None
        if parent == prefix or not parent:
            colour = ROOT_COLOUR if not parent else PALETTE[len(colours) % len(PALETTE)]
            colours[node_id] = colour
        else:
            colour = colours.get(parent, ROOT_COLOUR)  # a parent comes before its children
            colours[node_id] = colour
        is_key = node_id.startswith(KEY_ID)
        title = node_id[len(KEY_ID) :] if is_key else label
        rows: list[tuple[str, object]] = [("keys", f"{count:,}")]
        if size is not None:
            rows.append(("bytes", f"{size:,}"))
        sector = Sector(
            parent=parent,
            value=count,
            colour=colour,
            kind="key" if is_key else "branch",
            **labelled(label),  # type: ignore[typeddict-item]
            **described(title, rows),  # type: ignore[typeddict-item]
        )
        if size is not None:
            sector["size"] = size
        if is_key:
            sector["link"] = etcd_key_link(title)
        sectors[node_id] = sector
    return SpaceModel(
        sectors=sectors,
        keys=tree["keys"],
        total_bytes=tree["total_bytes"],
        headline=dominance(_ranked(tree, prefix, by_bytes=False), tree["keys"], by_bytes=False),
        headline_bytes=(
            dominance(_ranked(tree, prefix, by_bytes=True), tree["keys"], by_bytes=True)
            if sized
            else ""
        ),
        derived=tree["derived"],
    )


def _ranked(tree: KeySpace, prefix: str, *, by_bytes: bool) -> list[Share]:
    """The resources that dominate, by count or by bytes (key_space's own ranking is by bytes
    whenever it knows them)."""
    sizes = tree["bytes"] or [0] * len(tree["ids"])
    total_bytes = tree["total_bytes"] or 0
    shares = [
        Share(
            group="",
            resource=tree["labels"][i],
            label=tree["labels"][i],
            keys=tree["counts"][i],
            share=tree["counts"][i] / tree["keys"] if tree["keys"] else 0.0,
            bytes=sizes[i],
            bytes_share=sizes[i] / total_bytes if total_bytes else 0.0,
        )
        for i, parent in enumerate(tree["parents"])
        if parent == prefix
    ]
    shares.sort(key=lambda s: (-(s["bytes"] or 0) if by_bytes else -s["keys"], s["label"]))
    return shares[:DOMINANT_SHOWN]


def dominance(shares: list[Share], keys: int, *, by_bytes: bool) -> str:
    """What dominates, in a sentence: "Events are 54 % of the 540 keys, then leases (20 %)…"."""
    if not keys or not shares:
        return "There are no keys under the prefix."
    whole = "the bytes stored" if by_bytes else f"the {keys:,} keys"

    def percent(share: Share) -> str:
        part = share["bytes_share"] if by_bytes else share["share"]
        return f"{100 * (part or 0):.0f} %"

    first, rest = shares[0], shares[1:]
    said = f"{first['label'].capitalize()} are {percent(first)} of {whole}"
    if rest:
        said += ", then " + " and ".join(f"{s['label']} ({percent(s)})" for s in rest)
    return said + "."
