"""Proposals from YAML specs, their status on chain, and the steps of their life (create, vote, queue, execute).

The names below load on first use (PEP 562), so reading a proposal's status never imports the spec loader's
web3.py machinery.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "Dao": "dao",
    "load_dao": "dao",
    "BuiltProposal": "spec",
    "build": "spec",
    "build_file": "spec",
    "load_spec": "spec",
    "ProposalInfo": "status",
    "Status": "status",
    "find_proposal": "status",
    "find_proposals": "status",
    "format_status": "status",
    "read_status": "status",
    "require_step": "status",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
