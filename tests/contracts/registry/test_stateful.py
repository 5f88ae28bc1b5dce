"""Stateful test of ResidentRegistry: registrations, self-registrations, updates, revocations and departures over a
pool of seven addresses; counts by kind always equal the cards that exist."""

from __future__ import annotations

from typing import Any

from brownie import accounts
from brownie.exceptions import VirtualMachineError
from brownie.test import strategy
from helpers import reverts, stateful_settings
from web3 import Web3

RESIDENT, RELATIONSHIP, SUPPORTER = 0, 1, 2
KINDS = (RESIDENT, RELATIONSHIP, SUPPORTER)
RECORD = bytes(Web3.keccak(text="off-chain record #1 (salted)"))


class RegistryMachine:
    """Registrations, self-registrations, updates, revocations and departures over a pool of seven addresses."""

    st_who = strategy("uint8", max_value=6)
    st_kind = strategy("uint8", max_value=2)

    def __init__(cls, registry: Any, registrar: Any, pool: list[Any]) -> None:  # noqa: N805 - Brownie's convention
        cls.registry, cls.registrar, cls.pool = registry, registrar, pool

    def setup(self) -> None:
        self.kinds: dict[str, int] = {}  # member -> kind
        self.revoked: set[str] = set()
        self.issued = 0

    def rule_register(self, st_who: int, st_kind: int) -> None:
        who = self.pool[st_who]
        if who.address in self.kinds:
            with reverts("RegistryAlreadyMember", ...):
                self.registry.register(who, st_kind, RECORD, {"from": self.registrar})
            return
        self.registry.register(who, st_kind, RECORD, {"from": self.registrar})
        self.issued += 1
        self.kinds[who.address] = st_kind
        self.revoked.discard(who.address)

    def rule_self_register(self, st_who: int, st_kind: int) -> None:
        who = self.pool[st_who]
        if st_kind == RESIDENT:
            with reverts("RegistrySelfRegistrationClosed", RESIDENT):
                self.registry.selfRegister(st_kind, RECORD, {"from": who})
        elif who.address in self.revoked:
            with reverts("RegistryRevokedAccount", who):
                self.registry.selfRegister(st_kind, RECORD, {"from": who})
        elif who.address in self.kinds:
            with reverts("RegistryAlreadyMember", ...):
                self.registry.selfRegister(st_kind, RECORD, {"from": who})
        else:
            self.registry.selfRegister(st_kind, RECORD, {"from": who})
            self.issued += 1
            self.kinds[who.address] = st_kind

    def rule_update(self, st_who: int, st_kind: int) -> None:
        who = self.pool[st_who]
        if who.address not in self.kinds:
            with reverts("RegistryNotMember", who):
                self.registry.updateCard(who, st_kind, RECORD, {"from": self.registrar})
            return
        self.registry.updateCard(who, st_kind, RECORD, {"from": self.registrar})
        self.kinds[who.address] = st_kind

    def rule_revoke(self, st_who: int) -> None:
        who = self.pool[st_who]
        if who.address not in self.kinds:
            with reverts("RegistryNotMember", who):
                self.registry.revoke(who, {"from": self.registrar})
            return
        self.registry.revoke(who, {"from": self.registrar})
        del self.kinds[who.address]
        self.revoked.add(who.address)

    def rule_leave(self, st_who: int) -> None:
        who = self.pool[st_who]
        if who.address not in self.kinds:
            with reverts("RegistryNotMember", who):
                self.registry.resign({"from": who})
            return
        self.registry.resign({"from": who})
        del self.kinds[who.address]

    def invariant_counts_equal_the_cards_that_exist(self) -> None:
        on_chain = [self.registry.countOf(k) for k in KINDS]
        # the cards that exist, read card by card from the chain
        existing = [0, 0, 0]
        for token_id in range(1, self.issued + 1):
            try:
                existing[self.registry.card(token_id)[1]] += 1
            except VirtualMachineError:  # a burned card
                continue
        assert on_chain == existing
        assert on_chain == [sum(1 for k in self.kinds.values() if k == kind) for kind in KINDS]
        assert self.registry.memberCount() == len(self.kinds)

    def invariant_membership_matches(self) -> None:
        for who in self.pool:
            member = who.address in self.kinds
            assert self.registry.isMember(who) == member
            assert self.registry.balanceOf(who) == int(member)
            assert self.registry.isRevoked(who) == (who.address in self.revoked)


def test_counts_always_equal_existing_cards(state_machine, registry, registrar, dao, members, outsider, project):
    tl = accounts.at(dao.timelock.address, force=True)
    registry.setSelfRegistrationKinds(0b110, {"from": tl})
    state_machine(
        RegistryMachine,
        registry,
        registrar,
        [*members, outsider, project],
        settings=stateful_settings(12, 15),
    )
