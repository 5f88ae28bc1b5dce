"""Fixtures shared by the contract tests: passing a proposal as a fixture, and a minter made by governance."""

from __future__ import annotations

from typing import Any

import pytest
from brownie import accounts, chain
from helpers import advance
from web3 import Web3

from furusato.governance import Proposal, Support

MINTER_ROLE = bytes(Web3.keccak(text="MINTER_ROLE"))


@pytest.fixture
def run_proposal(governor: Any, timelock: Any, members: list[Any]) -> Any:
    """Factory: propose, vote (all members for), queue and execute; returns the proposal id."""

    def run(proposal: Proposal, proposer: Any = None, voters: list[Any] | None = None, execute: bool = True) -> int:
        proposer = proposer or members[0]
        governor.propose(*proposal.args(), proposal.description, {"from": proposer})
        pid = proposal.proposal_id
        advance(governor.votingDelay() + 1)
        for voter in voters if voters is not None else members:
            governor.castVote(pid, Support.For, {"from": voter})
        advance(governor.proposalDeadline(pid) - chain.time() + 1)
        if execute:
            governor.queue(*proposal.args(), proposal.description_hash, {"from": proposer})
            advance(timelock.getMinDelay() + 1)
            governor.execute(*proposal.args(), proposal.description_hash, {"from": proposer})
        return pid

    return run


@pytest.fixture
def minter(token: Any, make_proposal: Any, run_proposal: Any) -> Any:
    """An account (accounts[8]) governance made a minter: one proposal, inside the test's snapshot."""
    account = accounts[8]
    run_proposal(make_proposal((token, "grantRole", MINTER_ROLE, account.address), description="grant minter"))
    assert token.hasRole(MINTER_ROLE, account)
    return account
