"""Small text helpers the parsers share."""

from __future__ import annotations


def split_top_level(
    text: str, *, sep: str = ",", brackets: str = "()", quote: str | None = None
) -> list[str]:
    """Split `text` on `sep` (one character or more) where it stands outside `brackets` (an
    opening and a closing character) and, when `quote` is given, outside quoted text. Blank
    parts are dropped; the others are returned as they stand (not stripped)."""
    opening, closing = brackets
    parts, depth, quoted, start = [], 0, False, 0
    for index, char in enumerate(text):
        if index < start:
            continue  # inside a separator of more than one character
        if char == quote:
            quoted = not quoted
        elif quoted:
            continue
        elif char == opening:
            depth += 1
        elif char == closing:
            depth = max(0, depth - 1)  # a stray closing bracket does not hide what follows
        elif depth == 0 and text.startswith(sep, index):
            parts.append(text[start:index])
            start = index + len(sep)
    parts.append(text[start:])
    return [part for part in parts if part.strip()]
