"""Proposals from YAML specs, their status on chain, and the steps of their life (create, vote, queue, execute)."""

from __future__ import annotations

from furusato.proposals.dao import Dao, load_dao
from furusato.proposals.spec import BuiltProposal, build, build_file, load_spec
from furusato.proposals.status import (
    ProposalInfo,
    Status,
    find_proposal,
    find_proposals,
    format_status,
    read_status,
    require_step,
)

__all__ = [
    "BuiltProposal",
    "Dao",
    "ProposalInfo",
    "Status",
    "build",
    "build_file",
    "find_proposal",
    "find_proposals",
    "format_status",
    "load_dao",
    "load_spec",
    "read_status",
    "require_step",
]
