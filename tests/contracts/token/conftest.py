"""Fixtures of the RegionToken tests: a transfer-restricted token (and its registry) as deploy would make it."""

from __future__ import annotations

from typing import Any

import pytest
from brownie import RegionToken, ResidentRegistry, accounts
from web3 import Web3

TOKEN = 10**18
MINTER_ROLE = bytes(Web3.keccak(text="MINTER_ROLE"))
REGISTRAR_ROLE = bytes(Web3.keccak(text="REGISTRAR_ROLE"))
RESIDENT, RELATIONSHIP, SUPPORTER = 0, 1, 2
NO_RECORD = b"\x00" * 32


@pytest.fixture(scope="module")
def registry(deployer: Any) -> Any:
    reg = ResidentRegistry.deploy("Furusato Resident Card", "FRC", deployer, {"from": deployer})
    reg.grantRole(REGISTRAR_ROLE, deployer, {"from": deployer})
    return reg


@pytest.fixture(scope="module")
def protocol() -> Any:
    """An account standing in for a protocol contract: excluded from voting, so it may hold restricted tokens."""
    return accounts[6]


@pytest.fixture(scope="module")
def rtoken(deployer: Any, registry: Any, alice: Any, bob: Any, protocol: Any) -> Any:
    """A restricted token as deploy would make it: restricted before the first mint; alice and bob members."""
    tok = RegionToken.deploy("Restricted Region Token", "RRT", 10**9 * TOKEN, deployer, "", {"from": deployer})
    tok.restrictTransfers(registry, {"from": deployer})
    tok.grantRole(MINTER_ROLE, deployer, {"from": deployer})
    tok.excludeFromVoting(protocol, {"from": deployer})
    registry.registerBatch([alice, bob], [RESIDENT, SUPPORTER], [NO_RECORD] * 2, {"from": deployer})
    tok.mint(alice, 1_000 * TOKEN, {"from": deployer})
    tok.mint(bob, 1_000 * TOKEN, {"from": deployer})
    return tok
