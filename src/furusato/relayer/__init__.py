"""Gasless voting: the relayer's core (checks, simulation, sending), its journal and rate limits, and batch mode.
Its HTTP face is the member portal's (:mod:`furusato.portal`: ``/api/relay``, ``/relay``, ``/ballot``,
``/delegation``, ``/health``, ``/api/relayer/status``)."""

from __future__ import annotations

from furusato.relayer.batch import BatchResult, relay_folder
from furusato.relayer.core import Relayer, RelayerSettings
from furusato.relayer.journal import Journal

__all__ = ["BatchResult", "Journal", "Relayer", "RelayerSettings", "relay_folder"]
