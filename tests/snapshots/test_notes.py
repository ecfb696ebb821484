"""A snapshot's notes are Markdown from whoever took it — or from an imported file: what they
render to is safe on every page, in share sessions and in the export."""

from __future__ import annotations

import pytest

from explorer.snapshots.notes import MAX_NOTES, render_notes


def test_notes_render_as_markdown():
    html = render_notes("**web** lost its endpoints at 03:12\n\n- see `kube-proxy`")
    assert "<strong>web</strong>" in html and "<li>see <code>kube-proxy</code></li>" in html


def test_raw_html_in_notes_is_shown_as_text():
    html = render_notes('<script>alert(1)</script> <img src=x onerror=alert(1)> <a href="x">y</a>')
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<b>x</b>",
        "vbscript:x",
        "file:///etc/passwd",
        "//evil.example/x",
    ],
)
def test_a_link_to_anything_but_the_web_mail_or_this_site_is_not_a_link(target):
    html = render_notes(f"[click]({target}) <{target}>")
    assert "<a " not in html


def test_web_mail_and_site_links_stay_links_that_pass_on_no_referrer():
    html = render_notes(
        "[a](https://status.example.com/x) [b](mailto:oncall@example.com) [c](/pods/shop/db-0)"
    )
    assert html.count('rel="noopener noreferrer nofollow"') == 3


def test_no_image_is_loaded_from_notes():
    assert "<img" not in render_notes("![graph](https://grafana.example.com/render.png)")


def test_notes_beyond_the_limit_are_cut():
    assert render_notes("x" * (MAX_NOTES + 500)).count("x") == MAX_NOTES
