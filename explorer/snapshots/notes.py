"""A snapshot's notes: Markdown (CommonMark) rendered to HTML that is safe to put into any page,
a share session's and the one-file export's included. Raw HTML in the text is shown as text, no
image is loaded, and a link may only lead to http(s), mailto or a path of this site: never
`javascript:`, `data:`, `vbscript:` or `file:`."""

from __future__ import annotations

import re

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

MAX_NOTES = 20_000  # characters
_SAFE_LINK = re.compile(r"^(https?://|mailto:|/(?!/)|#)", re.IGNORECASE)


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable("image")
    md.validateLink = lambda url: bool(_SAFE_LINK.match(url.strip()))

    def link_open(renderer, tokens, index, options, env):
        tokens[index].attrSet("rel", "noopener noreferrer nofollow")
        return renderer.renderToken(tokens, index, options, env)

    md.add_render_rule("link_open", link_open)
    return md


_MD = _markdown()


def render_notes(text: str) -> SafeString:
    """HTML for `text` (at most MAX_NOTES characters of it), safe to put into a page as it is."""
    return mark_safe(_MD.render(text[:MAX_NOTES]))  # noqa: S308  (no raw HTML, checked links)
