"""Gasless voting: an HTTP relayer for signed ballots and delegations, and its batch mode."""

from __future__ import annotations

from furusato.relayer.batch import BatchResult, relay_folder
from furusato.relayer.core import Relayer, RelayerSettings
from furusato.relayer.http import RelayerServer, make_server, start_in_thread
from furusato.relayer.journal import Journal

__all__ = [
    "BatchResult",
    "Journal",
    "Relayer",
    "RelayerServer",
    "RelayerSettings",
    "make_server",
    "relay_folder",
    "start_in_thread",
]
