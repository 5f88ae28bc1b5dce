"""Stateful test of ActivityRewards: a coordinator publishing honest and bad trees month after month, pushes in
batches, claims by anyone, voids by the guardian, and time; after every step the invariants of issue 10 hold
(each account paid at most one of its leaves per epoch and never above the cap, minted within the published total
and the budget, a voided root never pays, Σ paid = token supply)."""

from __future__ import annotations

from typing import Any

import pytest
from brownie import ActivityRewards, RegionToken, web3
from brownie.exceptions import VirtualMachineError
from brownie.test import strategy
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from helpers import stateful_settings
from web3 import Web3

from furusato.merkle import StandardMerkleTree
from furusato.rewards.tree import LEAF_ENCODING

pytestmark = pytest.mark.usefixtures("epochs_started")  # reward epochs are months that have started

TOKEN = 10**18
CAP = 1_000 * TOKEN
BUDGET = 4_000 * TOKEN
WINDOW = 3_600
MINTER_ROLE = bytes(Web3.keccak(text="MINTER_ROLE"))
COORDINATOR_ROLE = bytes(Web3.keccak(text="COORDINATOR_ROLE"))
POOL = [to_checksum_address((0x30000000 + i).to_bytes(4, "big") + keccak(bytes([i]))[:16]) for i in range(6)]


@pytest.fixture(scope="module")
def system(deployer: Any, guardian: Any, coordinator: Any) -> tuple[Any, Any]:
    token = RegionToken.deploy("Town", "TWN", 10**30, deployer, "", {"from": deployer})
    rewards = ActivityRewards.deploy(token, deployer, guardian, WINDOW, CAP, BUDGET, {"from": deployer})
    token.grantRole(MINTER_ROLE, rewards, {"from": deployer})
    token.excludeFromVoting(rewards, {"from": deployer})
    rewards.grantRole(COORDINATOR_ROLE, coordinator, {"from": deployer})
    return token, rewards


def now() -> int:
    return int(web3.eth.get_block("latest").timestamp)


def next_month(epoch: int) -> int:
    return epoch + 89 if epoch % 100 == 12 else epoch + 1


class RewardsMachine:
    st_seed = strategy("uint256", max_value=2**32)
    st_index = strategy("uint8", max_value=3)
    st_size = strategy("uint8", min_value=1, max_value=4)
    st_seconds = strategy("uint32", min_value=60, max_value=20 * 86_400)

    def __init__(cls, token: Any, rewards: Any, coordinator: Any, guardian: Any, outsider: Any) -> None:  # noqa: N805 - Brownie calls it on the machine class
        cls.token, cls.rewards = token, rewards
        cls.coordinator, cls.guardian, cls.outsider = coordinator, guardian, outsider

    def setup(self) -> None:
        self.trees: dict[int, StandardMerkleTree] = {}
        self.voided: set[int] = set()
        self.paid: dict[tuple[int, str], int] = {}
        self.month = 202702
        self.supply = self.token.totalSupply()

    def _current_month(self) -> int:
        while self.rewards.epochStart(next_month(self.month)) <= now():
            self.month = next_month(self.month)
        return self.month

    def _pay(self, epoch: int, fn: Any, *args: Any) -> None:
        tree = self.trees[epoch]
        accounts = sorted({v[2] for v in tree.values})
        before = {a: self.token.balanceOf(a) for a in accounts}
        try:
            fn(*args)
        except VirtualMachineError:
            return
        assert epoch not in self.voided, "a voided root paid"
        for a in accounts:
            self.paid[(epoch, a)] = self.paid.get((epoch, a), 0) + self.token.balanceOf(a) - before[a]

    # -------------------------------------------------------------------------------------------- rules

    def rule_publish(self, st_seed: int) -> None:
        epoch = self._current_month()
        bad = st_seed % 4 == 0
        start = (st_seed >> 2) % 3
        accounts = [POOL[start + i] for i in range(4)]
        if bad:
            accounts[2] = accounts[0]  # an account twice, out of order
        amounts = [(1 + (st_seed >> (4 + 3 * i)) % 1_250) * TOKEN for i in range(4)]  # some over the cap
        tree = StandardMerkleTree.of([(epoch, i, a, amounts[i]) for i, a in enumerate(accounts)], LEAF_ENCODING)
        try:
            self.rewards.publish(epoch, tree.root, sum(amounts), 4, {"from": self.coordinator})
        except VirtualMachineError:
            refused = True
        else:
            refused = False
        if refused:
            assert sum(amounts) > BUDGET or epoch in self.trees
            return
        self.trees[epoch] = tree
        self.voided.discard(epoch)

    def rule_publish_out_of_turn(self, st_seed: int) -> None:
        month = self._current_month()
        earlier = month - 1 if month % 100 != 1 else month - 89
        epoch = [month + 12, next_month(month), earlier][st_seed % 3]
        if epoch == earlier and self.rewards.latestEpoch() <= earlier:
            return  # an earlier month is refused only once a later one was published
        tree = StandardMerkleTree.of([(epoch, 0, POOL[0], TOKEN)], LEAF_ENCODING)
        with pytest.raises(VirtualMachineError):
            self.rewards.publish(epoch, tree.root, TOKEN, 1, {"from": self.coordinator})

    def rule_push(self, st_seed: int, st_size: int) -> None:
        if not self.trees:
            return
        epoch = sorted(self.trees)[st_seed % len(self.trees)]
        tree = self.trees[epoch]
        cursor = self.rewards.epochInfo(epoch)[5]
        size = min(st_size, 4 - cursor)
        if size <= 0:
            return
        leaves, proof, flags = tree.get_multi_proof(list(range(cursor, cursor + size)))
        batch = [(v[1], v[2], v[3]) for v in leaves]
        self._pay(epoch, self.rewards.distribute, epoch, batch, proof, flags, {"from": self.coordinator})

    def rule_claim(self, st_seed: int, st_index: int) -> None:
        if not self.trees:
            return
        epoch = sorted(self.trees)[st_seed % len(self.trees)]
        e, i, account, amount = self.trees[epoch].values[st_index]
        proof = self.trees[epoch].get_proof(st_index)
        self._pay(epoch, self.rewards.claim, e, i, account, amount, proof, {"from": self.outsider})

    def rule_void(self, st_seed: int) -> None:
        if not self.trees:
            return
        epoch = sorted(self.trees)[st_seed % len(self.trees)]
        try:
            self.rewards.voidEpoch(epoch, {"from": self.guardian})
        except VirtualMachineError:
            return
        self.voided.add(epoch)

    def rule_time_passes(self, st_seconds: int) -> None:
        web3.provider.make_request("evm_increaseTime", [st_seconds])
        web3.provider.make_request("evm_mine", [])

    # -------------------------------------------------------------------------------------------- invariants

    def invariant_each_account_paid_one_leaf_within_cap(self) -> None:
        for (epoch, account), paid in self.paid.items():
            amounts = {v[3] for v in self.trees[epoch].values if v[2] == account}
            assert paid == 0 or paid in amounts, (epoch, account, paid)
            assert paid <= CAP

    def invariant_minted_within_total_and_budget(self) -> None:
        for epoch in self.trees:
            info = self.rewards.epochInfo(epoch)
            assert info[2] <= info[1] <= BUDGET
            assert info[2] == sum(p for (e, _), p in self.paid.items() if e == epoch)

    def invariant_paid_is_supply(self) -> None:
        assert self.token.totalSupply() - self.supply == sum(self.paid.values())


def test_rewards_stateful(state_machine: Any, system: tuple[Any, Any], coordinator: Any, guardian: Any, outsider: Any):
    token, rewards = system
    state_machine(
        RewardsMachine,
        token,
        rewards,
        coordinator,
        guardian,
        outsider,
        settings=stateful_settings(30, 15),
    )
