"""Stateful test of restriction, suspension and exclusion together (issue 10): a transfer-restricted RegionToken
whose registry suspends the votes of members who resign or are revoked, an admin that excludes accounts, a
registrar that bars (F4), members that delegate, opt out and come back. After every step: Σ votes + the balances
that count for nobody = supply, voting supply = supply − excluded balances, and every successful transfer or
mint was between accounts allowed to hold (asserted in the rules)."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from brownie import RegionToken, ResidentRegistry
from brownie.exceptions import VirtualMachineError
from brownie.test import strategy
from helpers import stateful_settings
from web3 import Web3

TOKEN = 10**18
ZERO = "0x0000000000000000000000000000000000000000"
MINTER_ROLE = bytes(Web3.keccak(text="MINTER_ROLE"))
REGISTRAR_ROLE = bytes(Web3.keccak(text="REGISTRAR_ROLE"))
NO_RECORD = b"\x00" * 32


@pytest.fixture(scope="module")
def restricted(deployer: Any) -> tuple[Any, Any]:
    token = RegionToken.deploy("Town", "TWN", 10**30, deployer, "", {"from": deployer})
    registry = ResidentRegistry.deploy("Card", "CRD", deployer, {"from": deployer})
    token.grantRole(MINTER_ROLE, deployer, {"from": deployer})
    registry.grantRole(REGISTRAR_ROLE, deployer, {"from": deployer})
    registry.setMembershipListener(token, {"from": deployer})
    registry.setSelfRegistrationKinds(0b111, {"from": deployer})
    token.restrictTransfers(registry, {"from": deployer})
    return token, registry


class RestrictedMachine:
    st_who = strategy("uint8", max_value=5)
    st_other = strategy("uint8", max_value=6)
    st_amount = strategy("uint256", min_value=1, max_value=10_000 * TOKEN)
    st_percent = strategy("uint8", max_value=110)

    def __init__(cls, token: Any, registry: Any, admin: Any, pool: list[Any]) -> None:  # noqa: N805 - Brownie calls it on the machine class
        cls.token, cls.registry, cls.admin, cls.pool = token, registry, admin, pool

    def _may_hold(self, account: Any) -> bool:
        return bool(self.token.isVotingExcluded(account)) or bool(self.registry.isMember(account))

    def _delegatee(self, st_other: int) -> str:
        return ZERO if st_other == 6 else self.pool[st_other].address

    # -------------------------------------------------------------------------------------------- rules

    def rule_register(self, st_who: int) -> None:
        with contextlib.suppress(VirtualMachineError):
            self.registry.register(self.pool[st_who], 0, NO_RECORD, {"from": self.admin})

    def rule_self_register(self, st_who: int) -> None:
        account = self.pool[st_who]
        barred = self.registry.isRevoked(account)
        try:
            self.registry.selfRegister(1, NO_RECORD, {"from": account})
        except VirtualMachineError:
            return
        assert not barred, "a barred or revoked account registered itself"

    def rule_resign(self, st_who: int) -> None:
        with contextlib.suppress(VirtualMachineError):
            self.registry.resign({"from": self.pool[st_who]})

    def rule_revoke_or_bar(self, st_who: int, st_other: int) -> None:
        account = self.pool[st_who]
        try:
            if st_other % 2:
                self.registry.revoke(account, {"from": self.admin})
            else:
                self.registry.bar(account, {"from": self.admin})
        except VirtualMachineError:
            pass

    def rule_mint(self, st_who: int, st_amount: int) -> None:
        account = self.pool[st_who]
        allowed = self._may_hold(account)
        try:
            self.token.mint(account, st_amount, {"from": self.admin})
        except VirtualMachineError:
            return
        assert allowed, "minted to an account that may not hold"

    def rule_transfer(self, st_who: int, st_other: int, st_percent: int) -> None:
        sender, receiver = self.pool[st_who], self.pool[st_other % len(self.pool)]
        allowed = self._may_hold(sender) and self._may_hold(receiver)
        amount = self.token.balanceOf(sender) * st_percent // 100
        try:
            self.token.transfer(receiver, amount, {"from": sender})
        except VirtualMachineError:
            return
        assert allowed, "a transfer involving a non-member went through"

    def rule_delegate(self, st_who: int, st_other: int) -> None:
        with contextlib.suppress(VirtualMachineError):
            self.token.delegate(self._delegatee(st_other), {"from": self.pool[st_who]})

    def rule_exclude(self, st_who: int) -> None:
        if st_who != 5:  # one dedicated account may be excluded
            return
        with contextlib.suppress(VirtualMachineError):
            self.token.excludeFromVoting(self.pool[st_who], {"from": self.admin})

    def rule_suspend(self, st_who: int, st_other: int) -> None:
        self.token.suspendVotes(self.pool[st_who], {"from": self.pool[st_other % len(self.pool)]})

    # -------------------------------------------------------------------------------------------- invariants

    def invariant_votes_and_supply(self) -> None:
        supply = self.token.totalSupply()
        votes = uncounted = excluded = 0
        for account in self.pool:
            balance = self.token.balanceOf(account)
            votes += self.token.getVotes(account)
            if self.token.delegates(account) == ZERO:
                uncounted += balance
            if self.token.isVotingExcluded(account):
                excluded += balance
        assert votes + uncounted == supply
        assert self.token.votingSupply() == supply - excluded


def test_restriction_suspension_exclusion_stateful(
    state_machine: Any, restricted: tuple[Any, Any], deployer: Any, members: list[Any], outsider: Any
) -> None:
    token, registry = restricted
    state_machine(
        RestrictedMachine,
        token,
        registry,
        deployer,
        [*members[:5], outsider],
        settings=stateful_settings(12, 20),
    )
