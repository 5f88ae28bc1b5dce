"""Readable summaries for people: amounts in tokens/ETH, states by name."""

from __future__ import annotations

from decimal import Decimal


def units(amount: int, decimals: int = 18) -> str:
    """``12345000000000000000`` → ``12.345`` (exact, no float)."""
    value = Decimal(amount).scaleb(-decimals).normalize()
    text = f"{value:,f}"
    return text


def table(rows: list[tuple[str, str]], width: int | None = None) -> str:
    """Two aligned columns."""
    left = width or max((len(k) for k, _ in rows), default=0)
    return "\n".join(f"  {k.ljust(left)}  {v}" for k, v in rows)
