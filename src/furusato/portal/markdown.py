"""Proposal descriptions as HTML: markdown rendered on the server with raw HTML disabled, then sanitized."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

__all__ = ["render_markdown"]

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_TAGS = {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "code", "pre",
         "blockquote", "a", "table", "thead", "tbody", "tr", "th", "td"}  # fmt: skip


def render_markdown(text: str) -> str:
    """Safe HTML of a description: raw HTML in it is shown as text (markdown-it with ``html`` off), links other
    than http(s)/mailto and every image are dropped (nh3 with an allow-list; links get ``rel="noopener
    noreferrer nofollow"``)."""
    html = _MD.render(text)
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
