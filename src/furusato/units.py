"""Units people write and read: token amounts, durations, times and time zones.

Parsers take the raw value (a YAML scalar or a command-line string) and the name of the field it came from, and
raise :class:`~furusato.errors.InvalidValueError` naming that field. Formatters are exact (no floats).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from furusato.constants import DECIMALS, JST
from furusato.errors import InvalidValueError

__all__ = [
    "format_units",
    "iso_time",
    "local_time",
    "parse_duration",
    "parse_time",
    "parse_tz",
    "parse_units",
]

_DURATION = re.compile(r"^\s*(\d+)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?|w|weeks?)?\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


# ------------------------------------------------------------------------------------------------ token amounts


def format_units(amount: int, decimals: int = DECIMALS, *, grouping: bool = True) -> str:
    """Base units as an exact decimal amount without trailing zeros: ``12345 * 10**15`` → ``12.345``,
    ``10**24`` → ``1,000,000`` (``1000000`` with ``grouping=False``, for files and round trips)."""
    sign = "-" if amount < 0 else ""
    whole, fraction = divmod(abs(amount), 10**decimals)
    text = f"{whole:,}" if grouping else str(whole)
    if fraction:
        text += f".{fraction:0{decimals}d}".rstrip("0")
    return sign + text


def parse_units(value: Any, field: str, decimals: int = DECIMALS, *, positive: bool = False) -> int:
    """Base units from whole units (``decimals`` places) written as an int or a decimal string (``"1000.5"``,
    ``"1_000"``); never a float. Zero is refused with ``positive``, negative amounts always."""
    if isinstance(value, float | bool) or value is None:
        raise InvalidValueError(f'{field}: write amounts as integers or quoted decimals ("1.5"), not {value!r}')
    try:
        amount = Decimal(str(value).replace("_", ""))
    except InvalidOperation as exc:
        raise InvalidValueError(f"{field}: {value!r} is not a number") from exc
    if positive and (not amount.is_finite() or amount <= 0):
        raise InvalidValueError(f"{field}: {value!r} must be positive")
    if not amount.is_finite() or amount < 0:
        raise InvalidValueError(f"{field}: {value!r} must be a finite, non-negative amount")
    units = amount.scaleb(decimals)
    if units != units.to_integral_value():
        raise InvalidValueError(f"{field}: {value!r} has more than {decimals} decimal places")
    return int(units)


# ------------------------------------------------------------------------------------------------ durations


def parse_duration(value: Any, field: str) -> int:
    """Seconds from an int or a string like ``"90s"``, ``"5 minutes"``, ``"1 day"``, ``"2 weeks"``."""
    if isinstance(value, bool):
        raise InvalidValueError(f"{field}: expected a duration, got {value!r}")
    if isinstance(value, int):
        seconds = value
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise InvalidValueError(f"{field}: {value!r} is not a duration (use seconds or e.g. '7 days')")
        unit = (match.group(2) or "s")[0]
        seconds = int(match.group(1)) * _UNIT_SECONDS[unit]
    if seconds < 0:
        raise InvalidValueError(f"{field}: duration must not be negative, got {value!r}")
    return seconds


# ------------------------------------------------------------------------------------------------ times


def format_duration(seconds: int) -> str:
    """``30 days``, ``1 hour``, ``90 seconds``: ``seconds`` in the largest unit that divides it."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return "0 seconds"


def parse_time(
    value: Any, field: str, *, tz: dt.tzinfo = JST, require_zone: bool = False, now: int | None = None,
    base: int | None = None,
) -> int:  # fmt: skip
    """A Unix timestamp from an int, a date or datetime, or an ISO 8601 string.

    A time without an offset is in ``tz`` (JST), or refused with ``require_zone``; a date is its midnight. Given
    ``now``, relative times are read too: ``in 2 days`` (from ``now``) and ``+30 days`` (from ``base``, else ``now``).
    """
    relative = now is not None
    if isinstance(value, bool) or value is None:
        raise InvalidValueError(f"{field} is required: {_time_forms(relative, require_zone)}")
    if isinstance(value, int):
        return value
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip()
        if now is not None and text.startswith("in "):
            return now + parse_duration(text[3:], field)
        if now is not None and text.startswith("+"):
            return (base if base is not None else now) + parse_duration(text[1:], field)
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            kind = "time" if relative else "date or time"
            raise InvalidValueError(
                f"{field}: {value!r} is not a {kind} ({_time_forms(relative, require_zone)})"
            ) from None
    if moment.tzinfo is None:
        if require_zone:
            raise InvalidValueError(f"{field}: {value!r} has no time zone (write e.g. 2027-04-01T09:00:00+09:00)")
        moment = moment.replace(tzinfo=tz)
    return int(moment.timestamp())


def _time_forms(relative: bool, require_zone: bool) -> str:
    if relative:
        return f"ISO 8601{' with a zone' if require_zone else ''}, unix seconds, 'in 2 days' or '+30 days'"
    return "use 2027-03-31 or 2027-03-31T18:00"


def parse_tz(name: str | None) -> dt.tzinfo:
    """A time zone from ``JST`` (default), ``UTC``, an offset like ``+09:00`` or an IANA name (``Asia/Tokyo``)."""
    if name is None or name.upper() == "JST":
        return JST
    if name.upper() == "UTC":
        return dt.UTC
    if name[:1] in "+-" and len(name) == 6 and name[3] == ":":
        try:
            sign = 1 if name[0] == "+" else -1
            delta = dt.timedelta(hours=int(name[1:3]), minutes=int(name[4:6]))
            return dt.timezone(sign * delta, f"UTC{name}")
        except ValueError:
            pass
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidValueError(
            f"unknown time zone {name!r} (use JST, UTC, +09:00 or a name like Asia/Tokyo)"
        ) from None


def local_time(ts: int, tz: dt.tzinfo | None = None) -> str:
    """A Unix time for people, in ``tz`` (JST unless told otherwise): ``2027-03-31 18:00:00 JST``."""
    return dt.datetime.fromtimestamp(ts, tz or JST).strftime("%Y-%m-%d %H:%M:%S %Z")


def iso_time(ts: int, tz: dt.tzinfo = JST) -> str:
    """A Unix time as ISO 8601 with its offset, in ``tz`` (JST): ``2027-03-31T18:00:00+09:00``."""
    return dt.datetime.fromtimestamp(ts, tz).isoformat()
