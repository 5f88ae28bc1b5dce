"""Fixtures shared by the contract tests: passing a proposal as a fixture, and a minter made by governance."""

from __future__ import annotations

from typing import Any

import pytest
from brownie import accounts
from helpers import pass_proposal
from web3 import Web3

from furusato.governance import Proposal

MINTER_ROLE = bytes(Web3.keccak(text="MINTER_ROLE"))


@pytest.fixture
def run_proposal(governor: Any, timelock: Any, members: list[Any]) -> Any:
    """Factory: :func:`helpers.pass_proposal` on the module's DAO (all members vote for); returns the proposal id."""

    def run(proposal: Proposal, proposer: Any = None, voters: list[Any] | None = None, execute: bool = True) -> int:
        pass_proposal(governor, timelock, members if voters is None else voters, proposal, proposer=proposer,
                      execute=execute)  # fmt: skip
        return proposal.proposal_id

    return run


@pytest.fixture
def minter(token: Any, make_proposal: Any, run_proposal: Any) -> Any:
    """An account (accounts[8]) governance made a minter: one proposal, inside the test's snapshot."""
    account = accounts[8]
    run_proposal(make_proposal((token, "grantRole", MINTER_ROLE, account.address), description="grant minter"))
    assert token.hasRole(MINTER_ROLE, account)
    return account
