"""Gasless voting: an HTTP relayer for signed ballots and delegations, and its batch mode."""

from __future__ import annotations

from furusato.relayer.service import (
    BatchResult,
    Relayer,
    RelayerServer,
    RelayerSettings,
    make_server,
    relay_folder,
    start_in_thread,
)

__all__ = [
    "BatchResult",
    "Relayer",
    "RelayerServer",
    "RelayerSettings",
    "make_server",
    "relay_folder",
    "start_in_thread",
]
