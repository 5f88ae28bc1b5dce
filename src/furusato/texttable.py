"""Aligned text for terminals: column widths that count East Asian wide characters (漢字, カナ) as two cells."""

from __future__ import annotations

from collections.abc import Sequence

from wcwidth import wcswidth

__all__ = ["pad", "table", "text_width"]


def text_width(text: str) -> int:
    """How many terminal cells ``text`` takes (wide characters count 2; non-printable ones as 1)."""
    width = wcswidth(text)
    return width if width >= 0 else sum(max(wcswidth(c), 1) for c in text)


def pad(text: str, width: int) -> str:
    """``text`` padded with spaces on the right to ``width`` terminal cells."""
    return text + " " * max(width - text_width(text), 0)


def table(rows: Sequence[tuple[str, str]], width: int | None = None) -> str:
    """Two aligned columns, indented by two spaces; the left one ``width`` cells wide (default: the widest)."""
    left = width or max((text_width(k) for k, _ in rows), default=0)
    return "\n".join(f"  {pad(k, left)}  {v}" for k, v in rows)
