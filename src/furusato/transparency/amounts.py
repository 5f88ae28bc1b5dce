"""Amounts for people: base units shown as whole units with separators, exactly (no floats)."""

from __future__ import annotations

from decimal import Decimal


def human(base_units: int | str, decimals: int = 18, places: int = 4) -> str:
    """``1234500000000000000000`` → ``1,234.5`` (at most ``places`` decimals, rounded toward zero)."""
    value = int(base_units)
    sign = "-" if value < 0 else ""
    value = abs(value)
    whole, frac = divmod(value, 10**decimals)
    text = f"{whole:,}"
    if places and decimals:
        digits = str(frac).rjust(decimals, "0")[:places].rstrip("0")
        if digits:
            text += "." + digits
    return sign + text


def as_float(base_units: int | str, decimals: int = 18) -> float:
    """For charts only."""
    return float(Decimal(int(base_units)).scaleb(-decimals))
