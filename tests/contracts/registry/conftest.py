"""Fixtures of the ResidentRegistry tests: a registry wired as deploy wires it, and its registrar."""

from __future__ import annotations

from typing import Any

import pytest
from brownie import ResidentRegistry, accounts
from web3 import Web3

ADMIN_ROLE = b"\x00" * 32
REGISTRAR_ROLE = bytes(Web3.keccak(text="REGISTRAR_ROLE"))


@pytest.fixture(scope="module")
def registrar() -> Any:
    """Town staff (役場職員) holding REGISTRAR_ROLE."""
    return accounts[8]


@pytest.fixture(scope="module")
def registry(dao: Any, deployer: Any, registrar: Any) -> Any:
    """A registry wired as deploy should wire it: registrar granted, admin handed to the timelock."""
    reg = ResidentRegistry.deploy("Furusato Resident Card", "FRC", deployer, {"from": deployer})
    reg.grantRole(REGISTRAR_ROLE, registrar, {"from": deployer})
    reg.grantRole(ADMIN_ROLE, dao.timelock, {"from": deployer})
    reg.renounceRole(ADMIN_ROLE, deployer, {"from": deployer})
    return reg
