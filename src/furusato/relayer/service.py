"""Kept for code that imports ``furusato.relayer.service`` (the bench): the relayer is now :mod:`.core` (checks and
sending), :mod:`.journal`, :mod:`.http` and :mod:`.batch`; import them, or :mod:`furusato.relayer`."""

from __future__ import annotations

from furusato.relayer.core import Relayer, RelayerSettings
from furusato.relayer.http import RelayerServer, make_server, start_in_thread

__all__ = ["Relayer", "RelayerServer", "RelayerSettings", "make_server", "start_in_thread"]
