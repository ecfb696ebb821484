"""Cluster strings on their way into a figure.

Plotly reads labels and hover text as pseudo-HTML (`<b>`, `<br>`, `<a href>`, entities), so a
string from the cluster (a label value, a name) must have `&`, `<` and `>` escaped before it goes
there; Plotly turns the entities back into plain characters when it draws text.
"""

from __future__ import annotations

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def plotly_text(value: object) -> str:
    """`value` as text Plotly will show literally."""
    return str(value).translate(_ESCAPES)


def hover_lines(title: str, rows: list[tuple[str, object]]) -> str:
    """Hover text: a bold title, then `name: value` lines; everything from the cluster escaped."""
    lines = [f"<b>{plotly_text(title)}</b>"]
    lines += [f"{plotly_text(name)}: {plotly_text(value)}" for name, value in rows]
    return "<br>".join(lines)


def labelled(text: str) -> dict[str, str]:
    """A sector's name twice: `label` escaped for Plotly, `text` plain for the DOM."""
    return {"label": plotly_text(text), "text": text}


def described(title: str, rows: list[tuple[str, object]]) -> dict[str, object]:
    """A sector's description twice: `hover` for Plotly (hover_lines), `facts` the same lines
    plain for the DOM."""
    return {
        "hover": hover_lines(title, rows),
        "facts": [title, *(f"{name}: {value}" for name, value in rows)],
    }
