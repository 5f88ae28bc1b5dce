"""Attacks on the ResidentRegistry (issue 10): revocation escape (F4) and restricted-mode escapes."""

from __future__ import annotations

from typing import Any

import pytest
from brownie import ResidentRegistry
from helpers import reverts
from web3 import Web3

REGISTRAR_ROLE = bytes(Web3.keccak(text="REGISTRAR_ROLE"))
NO_RECORD = b"\x00" * 32
RESIDENT, RELATIONSHIP = 0, 1


@pytest.fixture
def registry(deployer: Any) -> Any:
    contract = ResidentRegistry.deploy("Test Resident Card", "TRC", deployer, {"from": deployer})
    contract.grantRole(REGISTRAR_ROLE, deployer, {"from": deployer})
    contract.setSelfRegistrationKinds(0b111, {"from": deployer})
    return contract


def test_revocation_escape_resign_then_come_back_is_barred(registry: Any, deployer: Any, alice: Any):
    """F4: a member front-runs `revoke` with `resign`; the registrar bars the card-less address."""
    registry.selfRegister(RELATIONSHIP, NO_RECORD, {"from": alice})
    registry.resign({"from": alice})  # front-runs the registrar's revoke
    with reverts("RegistryNotMember", alice):
        registry.revoke(alice, {"from": deployer})
    tx = registry.bar(alice, {"from": deployer})
    assert dict(tx.events["AccountBarred"][0]) == {"account": alice.address, "by": deployer.address}
    assert registry.isRevoked(alice)
    with reverts("RegistryRevokedAccount", alice):
        registry.selfRegister(RELATIONSHIP, NO_RECORD, {"from": alice})
    registry.unbar(alice, {"from": deployer})
    registry.selfRegister(RELATIONSHIP, NO_RECORD, {"from": alice})
    assert registry.isMember(alice)


def test_revocation_escape_bar_rules(registry: Any, deployer: Any, alice: Any, bob: Any, outsider: Any):
    registry.selfRegister(RESIDENT, NO_RECORD, {"from": alice})
    with reverts("RegistryAlreadyMember", alice, registry.cardOf(alice)):  # a member is revoked, not barred
        registry.bar(alice, {"from": deployer})
    with reverts("AccessControlUnauthorizedAccount", outsider, REGISTRAR_ROLE):
        registry.bar(bob, {"from": outsider})
    with reverts("RegistryZeroAddress"):
        registry.bar("0x0000000000000000000000000000000000000000", {"from": deployer})
    with reverts("RegistryNotBarred", bob):
        registry.unbar(bob, {"from": deployer})
    registry.bar(bob, {"from": deployer})  # barred before ever registering
    with reverts("RegistryRevokedAccount", bob):
        registry.bar(bob, {"from": deployer})
    registry.register(bob, RESIDENT, NO_RECORD, {"from": deployer})  # a registrar may still register it
    assert registry.isMember(bob)
    assert not registry.isRevoked(bob)


def test_revocation_escape_revoked_member_cannot_self_register(registry: Any, deployer: Any, alice: Any):
    registry.selfRegister(RESIDENT, NO_RECORD, {"from": alice})
    registry.revoke(alice, {"from": deployer})
    with reverts("RegistryRevokedAccount", alice):
        registry.selfRegister(RESIDENT, NO_RECORD, {"from": alice})


def test_restricted_mode_escape_card_cannot_be_transferred(registry: Any, alice: Any, bob: Any):
    registry.selfRegister(RESIDENT, NO_RECORD, {"from": alice})
    card = registry.cardOf(alice)
    with reverts("RegistryCardLocked", card):
        registry.transferFrom(alice, bob, card, {"from": alice})
    with reverts("RegistryCardLocked", card):
        registry.approve(bob, card, {"from": alice})
