"""Dates as the town reads them: Japan Standard Time, months as ``YYYY-MM``."""

from __future__ import annotations

import datetime as dt

JST = dt.timezone(dt.timedelta(hours=9), "JST")


def month_of(timestamp: int) -> str:
    """``YYYY-MM`` of a unix time, in JST."""
    return dt.datetime.fromtimestamp(timestamp, JST).strftime("%Y-%m")


def day_of(timestamp: int) -> str:
    """``YYYY-MM-DD`` of a unix time, in JST."""
    return dt.datetime.fromtimestamp(timestamp, JST).strftime("%Y-%m-%d")


def iso(timestamp: int) -> str:
    """ISO 8601 with the JST offset."""
    return dt.datetime.fromtimestamp(timestamp, JST).isoformat()


def months_between(first: str, last: str) -> list[str]:
    """Every ``YYYY-MM`` from ``first`` to ``last`` inclusive."""
    y, m = (int(p) for p in first.split("-"))
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


def end_of_day(date_text: str) -> int:
    """The last second of ``YYYY-MM-DD`` in JST, as unix time (what ``--until DATE`` means)."""
    day = dt.date.fromisoformat(date_text)
    start_next = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), JST)
    return int(start_next.timestamp()) - 1
