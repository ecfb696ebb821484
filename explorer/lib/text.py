"""Small text helpers the parsers share."""

from __future__ import annotations


def split_top_level(
    text: str, *, sep: str = ",", brackets: str = "()", quote: str | None = None
) -> list[str]:
    """Split `text` on `sep` where it stands outside `brackets` (an opening and a closing
    character) and, when `quote` is given, outside quoted text. Blank parts are dropped; the
    others are returned as they stand (not stripped)."""
    opening, closing = brackets
    parts, depth, quoted, start = [], 0, False, 0
    for index, char in enumerate(text):
        if char == quote:
            quoted = not quoted
        elif quoted:
            continue
        elif char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
        elif char == sep and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [part for part in parts if part.strip()]
