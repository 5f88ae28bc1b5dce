"""Deprecated shim: ``furusato.bench`` still imports ``table`` from here. Use :mod:`furusato.texttable` and
:func:`furusato.units.format_units`; delete this module once the bench code imports them."""

from __future__ import annotations

from furusato.texttable import table
from furusato.units import format_units as units

__all__ = ["table", "units"]
