"""ActivityRewards: budgets, publish / challenge window / void, push by multiproof, claims, and no double pay.

The contract under test is deployed here (not by the deploy code) and wired by one governance proposal: the token
makes it a minter and excludes it from voting, and it makes `steward` (accounts[8]) a coordinator. Reward trees
are built with the Python ``StandardMerkleTree`` and the tools' leaf encoding (epoch, index, account, amount).
"""

from __future__ import annotations

import random
from functools import reduce
from typing import Any

import pytest
from brownie import ActivityRewards, accounts, chain, interface, web3
from brownie.test import given
from eth_utils.abi import function_abi_to_4byte_selector
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from helpers import advance, pass_proposal, reverts, w3c
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from web3 import Web3

from furusato.governance import Proposal, call_action
from furusato.merkle import StandardMerkleTree
from furusato.rewards.tree import LEAF_ENCODING

pytestmark = pytest.mark.usefixtures("epochs_started")  # reward epochs are months that have started

TOKEN = 10**18
ZERO = "0x0000000000000000000000000000000000000000"
HOUR = 3_600
DAY = 86_400
WINDOW = DAY
CAP = 2_500 * TOKEN
STANDING = 20_000 * TOKEN
EPOCH = 202612
NEXT = 202701  # the following month (epochs are calendar months YYYYMM)
LATER = 202702
ADMIN_ROLE = b"\x00" * 32
MINTER_ROLE = bytes(Web3.keccak(text="MINTER_ROLE"))
COORDINATOR_ROLE = bytes(Web3.keccak(text="COORDINATOR_ROLE"))
GUARDIAN_ROLE = bytes(Web3.keccak(text="GUARDIAN_ROLE"))


# ------------------------------------------------------------------------------------------------ helpers


def next_block_at(timestamp: int) -> None:
    """The next block (and the pending block transactions are estimated in) gets ``timestamp``.

    Mine a block afterwards (`chain.mine()`, or a transaction then `chain.mine()`) so the setting is used up and
    Brownie's clock follows the chain again.
    """
    web3.provider.make_request("evm_setNextBlockTimestamp", [timestamp])


def new_member(seed: int) -> str:
    """A fresh address that never held tokens nor chose a delegate; addresses increase with ``seed`` (a reward tree
    lists accounts by address ascending, so entries given in seed order keep their order)."""
    tail = keccak(b"furusato-rewards-member" + seed.to_bytes(32, "big"))[:16]
    return to_checksum_address((0x10000000 + seed).to_bytes(4, "big") + tail)


def month_after(epoch: int, n: int) -> int:
    """The epoch ``n`` calendar months after ``epoch`` (YYYYMM)."""
    months = (epoch // 100) * 12 + (epoch % 100 - 1) + n
    return (months // 12) * 100 + months % 12 + 1


def start_epoch(rewards: Any, epoch: int) -> None:
    """Move the clock to the start of ``epoch``'s month if it is still ahead (epochs publish once started)."""
    gap = rewards.epochStart(epoch) - web3.eth.get_block("latest").timestamp
    if gap > 0:
        advance(gap + 1)


def make_tree(epoch: int, entries: list[tuple[Any, int]]) -> StandardMerkleTree:
    """The reward tree of ``(account, amount)`` entries, by account ascending as ActivityRewards requires; leaf ``i``
    is ``(epoch, i, account, amount)``."""
    ordered = sorted(((getattr(a, "address", a), amount) for a, amount in entries), key=lambda e: int(e[0], 16))
    values = [(epoch, i, account, amount) for i, (account, amount) in enumerate(ordered)]
    return StandardMerkleTree.of(values, LEAF_ENCODING)


def tree_total(tree: StandardMerkleTree) -> int:
    return sum(v[3] for v in tree.values)


def batch(tree: StandardMerkleTree, start: int, count: int) -> tuple[list[tuple[int, str, int]], list[str], list[bool]]:
    """``distribute`` arguments for indices ``[start, start + count)``: leaves in multiproof order."""
    leaves, proof, flags = tree.get_multi_proof(list(range(start, start + count)))
    return [(v[1], v[2], v[3]) for v in leaves], proof, flags


def epoch_of(tree: StandardMerkleTree) -> int:
    return int(tree.values[0][0])


def push(rewards: Any, tree: StandardMerkleTree, start: int, count: int, sender: Any) -> Any:
    leaves, proof, flags = batch(tree, start, count)
    return rewards.distribute(epoch_of(tree), leaves, proof, flags, {"from": sender})


def claim(rewards: Any, tree: StandardMerkleTree, index: int, sender: Any) -> Any:
    epoch, i, account, amount = tree.values[index]
    return rewards.claim(epoch, i, account, amount, tree.get_proof(index), {"from": sender})


def leaf_rows(tree: StandardMerkleTree, start: int, count: int) -> list[tuple[int, str, int]]:
    """Leaves ``start`` … ``start + count - 1`` of ``tree`` as (index, account, amount), sorted like `events_of`."""
    return sorted((int(v[1]), str(v[2]), int(v[3])) for v in tree.values[start : start + count])


def info(rewards: Any, epoch: int) -> dict[str, Any]:
    fields = ("root", "total", "minted", "leafCount", "payableAt", "cursor", "voided")
    return dict(zip(fields, rewards.epochInfo(epoch), strict=True))


def paid_events(rewards: Any, epoch: int) -> list[tuple[int, str, int]]:
    """Every RewardPaid of ``epoch`` ever emitted: (index, account, amount)."""
    logs = w3c(rewards).events.RewardPaid.get_logs(from_block=0, argument_filters={"epoch": epoch})
    return [(e["args"]["index"], e["args"]["account"], e["args"]["amount"]) for e in logs]


# ------------------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def rewards(
    dao: Any, deployer: Any, guardian: Any, coordinator: Any, governor: Any, timelock: Any, members: Any
) -> Any:
    """A fresh ActivityRewards (not the one the deploy code wires), set up by one governance proposal.

    Admin is the timelock; the proposal makes it a token minter, excludes it from voting and makes `coordinator`
    a coordinator. Overrides the suite's `rewards` fixture within this module.
    """
    token = dao.token
    advance(2)
    contract = ActivityRewards.deploy(token, timelock, guardian, WINDOW, CAP, STANDING, {"from": deployer})
    calls = [
        call_action(w3c(token), "grantRole", MINTER_ROLE, contract.address),
        call_action(w3c(token), "excludeFromVoting", contract.address),
        call_action(w3c(contract), "grantRole", COORDINATOR_ROLE, coordinator.address),
    ]
    proposal = Proposal(tuple(calls), "活動報酬: ActivityRewards を発行者に / make ActivityRewards the reward minter")
    pass_proposal(governor, timelock, members, proposal)  # module-scoped: shared by the whole module
    return contract


@pytest.fixture
def as_admin(timelock: Any) -> Any:
    """The timelock impersonated: reaches admin-only checks without a proposal per case."""
    return accounts.at(timelock.address, force=True)


@pytest.fixture
def newcomers() -> list[str]:
    return [new_member(i) for i in range(25)]


@pytest.fixture
def tree25(newcomers: list[str]) -> StandardMerkleTree:
    """25 new members, amounts 60, 120, ..., 1,500 tokens (19,500 in all, within the standing budget)."""
    return make_tree(EPOCH, [(m, (i + 1) * 60 * TOKEN) for i, m in enumerate(newcomers)])


@pytest.fixture
def published(rewards: Any, tree25: StandardMerkleTree, coordinator: Any) -> StandardMerkleTree:
    """``tree25`` published for EPOCH and its challenge window passed."""
    rewards.publish(EPOCH, tree25.root, tree_total(tree25), len(tree25), {"from": coordinator})
    advance(WINDOW + 1)
    return tree25


# ------------------------------------------------------------------------------------------------ setup


def test_wired_by_governance(rewards: Any, token: Any, timelock: Any, guardian: Any, coordinator: Any) -> None:
    assert token.hasRole(MINTER_ROLE, rewards)
    assert token.isVotingExcluded(rewards)
    assert rewards.token() == token.address
    assert rewards.hasRole(ADMIN_ROLE, timelock)
    assert rewards.hasRole(GUARDIAN_ROLE, guardian)
    assert rewards.hasRole(COORDINATOR_ROLE, coordinator)
    assert rewards.getRoleAdmin(COORDINATOR_ROLE) == rewards.getRoleAdmin(GUARDIAN_ROLE) == "0x" + "00" * 32
    assert rewards.COORDINATOR_ROLE() == "0x" + COORDINATOR_ROLE.hex()
    assert rewards.GUARDIAN_ROLE() == "0x" + GUARDIAN_ROLE.hex()
    assert (rewards.challengeWindow(), rewards.memberCap(), rewards.standingBudget()) == (WINDOW, CAP, STANDING)
    assert rewards.budgetOf(EPOCH) == STANDING
    assert rewards.epochBudget(EPOCH) == (False, 0)
    assert info(rewards, EPOCH) == {
        "root": "0x" + "00" * 32,
        "total": 0,
        "minted": 0,
        "leafCount": 0,
        "payableAt": 0,
        "cursor": 0,
        "voided": False,
    }
    selectors = [function_abi_to_4byte_selector(f) for f in interface.IActivityRewards.abi if f["type"] == "function"]
    interface_id = reduce(lambda a, b: a ^ b, (int.from_bytes(s, "big") for s in selectors))
    assert rewards.supportsInterface(interface_id.to_bytes(4, "big"))
    assert rewards.supportsInterface("0x01ffc9a7")  # ERC-165
    assert rewards.supportsInterface("0x7965db0b")  # IAccessControl


def test_constructor_checks_and_initial_events(token: Any, timelock: Any, deployer: Any) -> None:
    with reverts("RewardsZeroAddress"):
        ActivityRewards.deploy(ZERO, timelock, ZERO, WINDOW, CAP, STANDING, {"from": deployer})
    with reverts("RewardsZeroAddress"):
        ActivityRewards.deploy(token, ZERO, ZERO, WINDOW, CAP, STANDING, {"from": deployer})
    lone = ActivityRewards.deploy(token, timelock, ZERO, 7, 8, 9, {"from": deployer})  # no guardian is allowed
    tx = lone.tx
    assert dict(tx.events["ChallengeWindowChanged"][0]) == {"oldWindow": 0, "newWindow": 7}
    assert dict(tx.events["MemberCapChanged"][0]) == {"oldCap": 0, "newCap": 8}
    assert dict(tx.events["StandingBudgetChanged"][0]) == {"oldBudget": 0, "newBudget": 9}
    assert "RoleGranted" in tx.events
    assert [e["role"] for e in tx.events["RoleGranted"]] == ["0x" + "00" * 32]


# ------------------------------------------------------------------------------------------------ settings


def test_admin_setters_emit_old_and_new_values(rewards: Any, as_admin: Any) -> None:
    tx = rewards.setStandingBudget(30_000 * TOKEN, {"from": as_admin})
    assert dict(tx.events["StandingBudgetChanged"][0]) == {"oldBudget": STANDING, "newBudget": 30_000 * TOKEN}
    tx = rewards.setMemberCap(3_000 * TOKEN, {"from": as_admin})
    assert dict(tx.events["MemberCapChanged"][0]) == {"oldCap": CAP, "newCap": 3_000 * TOKEN}
    tx = rewards.setChallengeWindow(2 * DAY, {"from": as_admin})
    assert dict(tx.events["ChallengeWindowChanged"][0]) == {"oldWindow": WINDOW, "newWindow": 2 * DAY}
    assert (rewards.standingBudget(), rewards.memberCap(), rewards.challengeWindow()) == (
        30_000 * TOKEN,
        3_000 * TOKEN,
        2 * DAY,
    )


def test_epoch_budget_overrides_standing_and_zero_is_not_unset(rewards: Any, as_admin: Any) -> None:
    tx = rewards.setEpochBudget(EPOCH, 50_000 * TOKEN, {"from": as_admin})
    assert dict(tx.events["EpochBudgetChanged"][0]) == {
        "epoch": EPOCH,
        "wasSet": False,
        "oldBudget": 0,
        "isSet": True,
        "newBudget": 50_000 * TOKEN,
    }
    assert rewards.budgetOf(EPOCH) == 50_000 * TOKEN
    assert rewards.budgetOf(NEXT) == STANDING  # other epochs keep the standing budget
    tx = rewards.setEpochBudget(EPOCH, 0, {"from": as_admin})
    assert dict(tx.events["EpochBudgetChanged"][0]) == {
        "epoch": EPOCH,
        "wasSet": True,
        "oldBudget": 50_000 * TOKEN,
        "isSet": True,
        "newBudget": 0,
    }
    assert rewards.budgetOf(EPOCH) == 0  # explicitly zero: nothing may be published
    assert rewards.epochBudget(EPOCH) == (True, 0)
    tx = rewards.clearEpochBudget(EPOCH, {"from": as_admin})
    assert dict(tx.events["EpochBudgetChanged"][0]) == {
        "epoch": EPOCH,
        "wasSet": True,
        "oldBudget": 0,
        "isSet": False,
        "newBudget": 0,
    }
    assert rewards.epochBudget(EPOCH) == (False, 0)
    assert rewards.budgetOf(EPOCH) == STANDING


@pytest.mark.parametrize(
    ("fn", "args"),
    [
        ("setStandingBudget", (1,)),
        ("setEpochBudget", (EPOCH, 1)),
        ("clearEpochBudget", (EPOCH,)),
        ("setMemberCap", (1,)),
        ("setChallengeWindow", (1,)),
    ],
)
def test_setters_are_admin_only(
    rewards: Any, coordinator: Any, guardian: Any, outsider: Any, fn: str, args: tuple
) -> None:
    for caller in (coordinator, guardian, outsider):
        with reverts("AccessControlUnauthorizedAccount", caller, ADMIN_ROLE):
            getattr(rewards, fn)(*args, {"from": caller})


# ------------------------------------------------------------------------------------------------ publish


def test_publish_within_and_over_the_standing_budget(rewards: Any, coordinator: Any, alice: Any) -> None:
    over = make_tree(EPOCH, [(alice, 1)])
    with reverts("RewardsEpochBudgetExceeded", EPOCH, STANDING + 1, STANDING):
        rewards.publish(EPOCH, over.root, STANDING + 1, 1, {"from": coordinator})
    tx = rewards.publish(EPOCH, over.root, STANDING, 1, {"from": coordinator})  # exactly the budget is fine
    payable_at = tx.timestamp + WINDOW
    assert dict(tx.events["EpochPublished"][0]) == {
        "epoch": EPOCH,
        "root": over.root,
        "total": STANDING,
        "leafCount": 1,
        "payableAt": payable_at,
    }
    assert info(rewards, EPOCH) == {
        "root": over.root,
        "total": STANDING,
        "minted": 0,
        "leafCount": 1,
        "payableAt": payable_at,
        "cursor": 0,
        "voided": False,
    }


def test_publish_uses_the_epoch_budget_when_set(rewards: Any, coordinator: Any, as_admin: Any, alice: Any) -> None:
    root = make_tree(EPOCH, [(alice, 1)]).root
    rewards.setEpochBudget(EPOCH, 30_000 * TOKEN, {"from": as_admin})
    rewards.publish(EPOCH, root, 30_000 * TOKEN, 1, {"from": coordinator})  # above standing, within its own
    rewards.setEpochBudget(NEXT, 100 * TOKEN, {"from": as_admin})
    with reverts("RewardsEpochBudgetExceeded", NEXT, 101 * TOKEN, 100 * TOKEN):
        rewards.publish(NEXT, root, 101 * TOKEN, 1, {"from": coordinator})  # below standing, over its own
    rewards.setEpochBudget(LATER, 0, {"from": as_admin})
    with reverts("RewardsEpochBudgetExceeded", LATER, 1, 0):
        rewards.publish(LATER, root, 1, 1, {"from": coordinator})


def test_publish_rejects_a_live_epoch_and_empty_trees(rewards: Any, coordinator: Any, alice: Any, bob: Any) -> None:
    first, second = make_tree(EPOCH, [(alice, 1)]), make_tree(EPOCH, [(bob, 1)])
    with reverts("RewardsEmptyTree", EPOCH):
        rewards.publish(EPOCH, "0x" + "00" * 32, 1, 1, {"from": coordinator})
    with reverts("RewardsEmptyTree", EPOCH):
        rewards.publish(EPOCH, first.root, 1, 0, {"from": coordinator})
    rewards.publish(EPOCH, first.root, 1, 1, {"from": coordinator})
    with reverts("RewardsEpochAlreadyPublished", ...):
        rewards.publish(EPOCH, second.root, 1, 1, {"from": coordinator})
    advance(WINDOW + 1)
    with reverts("RewardsEpochAlreadyPublished", ...):  # still live after the window: never replaced
        rewards.publish(EPOCH, second.root, 1, 1, {"from": coordinator})


def test_only_coordinators_publish_and_distribute(
    rewards: Any, published: StandardMerkleTree, guardian: Any, outsider: Any, alice: Any, as_admin: Any
) -> None:
    leaves, proof, flags = batch(published, 0, 3)
    for caller in (guardian, outsider, alice, as_admin):
        with reverts("AccessControlUnauthorizedAccount", caller, COORDINATOR_ROLE):
            rewards.publish(NEXT, published.root, 1, 1, {"from": caller})
        with reverts("AccessControlUnauthorizedAccount", caller, COORDINATOR_ROLE):
            rewards.distribute(EPOCH, leaves, proof, flags, {"from": caller})


def test_governance_revokes_a_coordinator(
    rewards: Any, published: StandardMerkleTree, coordinator: Any, make_proposal: Any, run_proposal: Any
) -> None:
    run_proposal(
        make_proposal((rewards, "revokeRole", COORDINATOR_ROLE, coordinator.address), description="解任 / revoke")
    )
    assert not rewards.hasRole(COORDINATOR_ROLE, coordinator)
    with reverts("AccessControlUnauthorizedAccount", coordinator, COORDINATOR_ROLE):
        push(rewards, published, 0, 1, coordinator)


# ------------------------------------------------------------------------------------------------ challenge window


def test_nothing_is_payable_before_the_window_closes(
    rewards: Any, tree25: StandardMerkleTree, coordinator: Any, outsider: Any
) -> None:
    with reverts("RewardsEpochNotPublished", EPOCH):
        push(rewards, tree25, 0, 2, coordinator)
    with reverts("RewardsEpochNotPublished", EPOCH):
        claim(rewards, tree25, 0, outsider)
    tx = rewards.publish(EPOCH, tree25.root, tree_total(tree25), len(tree25), {"from": coordinator})
    payable_at = tx.timestamp + WINDOW
    with reverts("RewardsChallengeWindowOpen", EPOCH, payable_at):
        push(rewards, tree25, 0, 2, coordinator)
    next_block_at(payable_at - 1)
    with reverts("RewardsChallengeWindowOpen", EPOCH, payable_at):
        claim(rewards, tree25, 0, outsider)
    next_block_at(payable_at)
    tx = claim(rewards, tree25, 0, outsider)
    assert tx.timestamp == payable_at
    chain.mine()
    push(rewards, tree25, 0, 2, coordinator)  # index 0 skipped (claimed), index 1 paid


def test_guardian_voids_during_the_window_and_a_corrected_root_is_published(
    rewards: Any, token: Any, tree25: StandardMerkleTree, coordinator: Any, guardian: Any, newcomers: list[str]
) -> None:
    rewards.publish(EPOCH, tree25.root, tree_total(tree25), len(tree25), {"from": coordinator})
    advance(WINDOW - HOUR)
    tx = rewards.voidEpoch(EPOCH, {"from": guardian})
    assert dict(tx.events["EpochVoided"][0]) == {"epoch": EPOCH, "root": tree25.root, "by": guardian.address}
    assert info(rewards, EPOCH)["voided"]
    with reverts("RewardsEpochNotPublished", EPOCH):
        rewards.voidEpoch(EPOCH, {"from": guardian})
    advance(2 * HOUR)  # past the old window: a voided root never becomes payable
    with reverts("RewardsEpochNotPublished", EPOCH):
        push(rewards, tree25, 0, 3, coordinator)
    with reverts("RewardsEpochNotPublished", EPOCH):
        claim(rewards, tree25, 0, coordinator)

    corrected = make_tree(EPOCH, [(m, 50 * TOKEN) for m in newcomers[:10]])
    tx = rewards.publish(EPOCH, corrected.root, tree_total(corrected), len(corrected), {"from": coordinator})
    assert info(rewards, EPOCH) == {
        "root": corrected.root,
        "total": 500 * TOKEN,
        "minted": 0,
        "leafCount": 10,
        "payableAt": tx.timestamp + WINDOW,
        "cursor": 0,
        "voided": False,
    }
    with reverts("RewardsChallengeWindowOpen", EPOCH, tx.timestamp + WINDOW):
        push(rewards, corrected, 0, 10, coordinator)
    advance(WINDOW)
    with reverts("RewardsInvalidProof", EPOCH):  # the voided tree's proofs are worthless now
        claim(rewards, tree25, 0, coordinator)
    push(rewards, corrected, 0, 10, coordinator)
    assert [token.balanceOf(m) for m in newcomers[:10]] == [50 * TOKEN] * 10
    assert info(rewards, EPOCH)["minted"] == 500 * TOKEN


def test_governance_voids_during_the_window(
    rewards: Any, timelock: Any, coordinator: Any, make_proposal: Any, run_proposal: Any
) -> None:
    # The window (a day) is longer than a proposal takes in the `local` preset (about 13 minutes).
    other = make_tree(NEXT, [(new_member(1000), TOKEN)])
    rewards.publish(NEXT, other.root, TOKEN, 1, {"from": coordinator})
    run_proposal(make_proposal((rewards, "voidEpoch", NEXT), description="無効化 / void 202701"))
    assert info(rewards, NEXT)["voided"]
    voided = w3c(rewards).events.EpochVoided.get_logs(from_block=0, argument_filters={"epoch": NEXT})
    assert [(e["args"]["root"], e["args"]["by"]) for e in voided] == [(bytes.fromhex(other.root[2:]), timelock.address)]
    with reverts("RewardsEpochNotPublished", NEXT):
        claim(rewards, other, 0, coordinator)


def test_void_is_refused_after_the_window_and_to_others(
    rewards: Any, tree25: StandardMerkleTree, coordinator: Any, guardian: Any, outsider: Any, alice: Any, as_admin: Any
) -> None:
    tx = rewards.publish(EPOCH, tree25.root, tree_total(tree25), len(tree25), {"from": coordinator})
    payable_at = tx.timestamp + WINDOW
    for caller in (coordinator, outsider, alice):
        with reverts("RewardsUnauthorizedVoider", caller):
            rewards.voidEpoch(EPOCH, {"from": caller})
    with reverts("RewardsEpochNotPublished", EPOCH + 5):
        rewards.voidEpoch(EPOCH + 5, {"from": guardian})
    next_block_at(payable_at)
    with reverts("RewardsChallengeWindowClosed", EPOCH, payable_at):
        rewards.voidEpoch(EPOCH, {"from": guardian})
    with reverts("RewardsChallengeWindowClosed", EPOCH, payable_at):
        rewards.voidEpoch(EPOCH, {"from": as_admin})
    chain.mine()  # at payable_at
    assert not info(rewards, EPOCH)["voided"]


def test_admin_voids_directly_and_window_changes_apply_to_later_roots(
    rewards: Any, tree25: StandardMerkleTree, coordinator: Any, as_admin: Any
) -> None:
    tx = rewards.publish(EPOCH, tree25.root, tree_total(tree25), len(tree25), {"from": coordinator})
    rewards.setChallengeWindow(HOUR, {"from": as_admin})
    assert info(rewards, EPOCH)["payableAt"] == tx.timestamp + WINDOW  # fixed at publish
    tx = rewards.voidEpoch(EPOCH, {"from": as_admin})
    assert tx.events["EpochVoided"][0]["by"] == as_admin.address
    tx = rewards.publish(EPOCH, tree25.root, tree_total(tree25), len(tree25), {"from": coordinator})
    assert info(rewards, EPOCH)["payableAt"] == tx.timestamp + HOUR


# ------------------------------------------------------------------------------------------------ push


def test_push_in_batches_makes_new_members_vote_ready(
    rewards: Any, token: Any, published: StandardMerkleTree, coordinator: Any, newcomers: list[str]
) -> None:
    supply, voting = token.totalSupply(), token.votingSupply()
    cursor = 0
    for size in (10, 10, 5):
        tx = push(rewards, published, cursor, size, coordinator)
        events = tx.events["RewardPaid"]
        assert sorted(e["index"] for e in events) == list(range(cursor, cursor + size))
        for e in events:
            _, index, account, amount = published.values[e["index"]]
            assert (e["epoch"], e["account"], e["amount"]) == (EPOCH, account, amount)
        minted = sum(v[3] for v in published.values[: cursor + size])
        assert dict(tx.events["RewardsDistributed"][0]) == {
            "epoch": EPOCH,
            "cursorBefore": cursor,
            "cursorAfter": cursor + size,
            "paid": size,
            "amount": sum(e["amount"] for e in events),
            "mintedAfter": minted,
        }
        assert tx.return_value == (size, sum(e["amount"] for e in events))
        assert len(tx.events["Transfer"]) == size  # one mintBatch
        cursor += size
        assert info(rewards, EPOCH)["cursor"] == cursor
    total = tree_total(published)
    assert info(rewards, EPOCH)["minted"] == total
    for _, index, account, amount in published.values:
        assert rewards.isPaid(EPOCH, index)
        assert token.balanceOf(account) == amount
        assert token.getVotes(account) == amount  # vote-ready without any delegate transaction
        assert token.delegates(account) == account
        assert not token.hasChosenDelegate(account)
    assert token.totalSupply() == supply + total
    assert token.votingSupply() == voting + total
    assert token.balanceOf(rewards) == 0
    with reverts("RewardsIndexOutOfRange", EPOCH, 25, 25):  # everything pushed
        rewards.distribute(EPOCH, [(25, newcomers[0], 1)], [], [], {"from": coordinator})


def test_push_the_whole_tree_in_one_batch_and_a_single_leaf_tree(
    rewards: Any, token: Any, published: StandardMerkleTree, coordinator: Any, alice: Any
) -> None:
    tx = push(rewards, published, 0, 25, coordinator)
    assert len(tx.events["RewardPaid"]) == 25
    assert info(rewards, EPOCH)["minted"] == tree_total(published)
    single = make_tree(NEXT, [(alice, 7 * TOKEN)])
    rewards.publish(NEXT, single.root, 7 * TOKEN, 1, {"from": coordinator})
    advance(WINDOW)
    before = token.balanceOf(alice)
    _, proof, flags = batch(single, 0, 1)
    assert (proof, flags) == ([], [])
    push(rewards, single, 0, 1, coordinator)
    assert token.balanceOf(alice) == before + 7 * TOKEN


def test_push_rejects_ranges_other_than_the_next_one(
    rewards: Any, published: StandardMerkleTree, coordinator: Any
) -> None:
    leaves, proof, flags = batch(published, 1, 4)  # skips index 0: 4 lies outside [0, 4)
    with reverts("RewardsOutOfOrder", EPOCH, 4, 0, 4):
        rewards.distribute(EPOCH, leaves, proof, flags, {"from": coordinator})
    first = (0, *published.values[0][2:])
    with reverts("RewardsDuplicateIndex", EPOCH, 0):
        rewards.distribute(EPOCH, [first, first], proof, flags, {"from": coordinator})
    with reverts("RewardsEmptyBatch", EPOCH):
        rewards.distribute(EPOCH, [], [published.root], [], {"from": coordinator})
    # the right set, but in index order instead of multiproof order: the proof does not match
    leaves, proof, flags = batch(published, 0, 6)
    assert sorted(leaves) != leaves
    with reverts("RewardsInvalidProof", EPOCH):
        rewards.distribute(EPOCH, sorted(leaves), proof, flags, {"from": coordinator})
    push(rewards, published, 0, 6, coordinator)
    # the same range again: its indices now lie below the cursor
    with reverts("RewardsOutOfOrder", EPOCH, leaves[0][0], 6, 6):
        push(rewards, published, 0, 6, coordinator)
    with reverts("RewardsIndexOutOfRange", EPOCH, 25, 25):
        rewards.distribute(EPOCH, [(6, *published.values[6][2:])] * 20, proof, flags, {"from": coordinator})
    push(rewards, published, 6, 19, coordinator)
    assert info(rewards, EPOCH)["cursor"] == 25


def test_push_rejects_a_wrong_proof_or_leaf(rewards: Any, published: StandardMerkleTree, coordinator: Any) -> None:
    leaves, proof, flags = batch(published, 0, 5)
    cheat = [(i, a, amount + 1 if i == 2 else amount) for i, a, amount in leaves]
    with reverts("RewardsInvalidProof", EPOCH):
        rewards.distribute(EPOCH, cheat, proof, flags, {"from": coordinator})
    # a stranger between leaves 2 and 4 (so the order check passes and the proof is what refuses it)
    stranger = [(i, to_checksum_address(hex(int(a, 16) + 1)) if i == 3 else a, amount) for i, a, amount in leaves]
    with reverts("RewardsInvalidProof", EPOCH):
        rewards.distribute(EPOCH, stranger, proof, flags, {"from": coordinator})
    _, other_proof, other_flags = batch(published, 5, 5)
    with reverts("RewardsInvalidProof", EPOCH):
        rewards.distribute(EPOCH, leaves, other_proof, other_flags, {"from": coordinator})
    with reverts("MerkleProofInvalidMultiproof"):
        rewards.distribute(EPOCH, leaves, [*proof, published.root], flags, {"from": coordinator})
    assert info(rewards, EPOCH)["cursor"] == 0
    assert info(rewards, EPOCH)["minted"] == 0


# ------------------------------------------------------------------------------------------------ claim


def test_claim_by_the_member_and_on_behalf(
    rewards: Any, token: Any, published: StandardMerkleTree, outsider: Any, newcomers: list[str]
) -> None:
    member = accounts.at(newcomers[4], force=True)  # the member itself (impersonated; it holds ETH on Anvil)
    tx = claim(rewards, published, 4, member)
    assert dict(tx.events["RewardPaid"][0]) == {
        "epoch": EPOCH,
        "index": 4,
        "account": newcomers[4],
        "amount": 300 * TOKEN,
    }
    tx = claim(rewards, published, 7, outsider)  # on behalf: the tokens still go to the leaf's account
    assert tx.events["RewardPaid"][0]["account"] == newcomers[7]
    assert token.balanceOf(newcomers[7]) == 480 * TOKEN
    assert token.getVotes(newcomers[7]) == 480 * TOKEN
    assert token.balanceOf(outsider) == 0
    assert [rewards.isPaid(EPOCH, i) for i in (4, 5, 7)] == [True, False, True]
    assert info(rewards, EPOCH)["minted"] == 780 * TOKEN
    assert info(rewards, EPOCH)["cursor"] == 0


def test_claim_rejects_wrong_proofs_and_indices(
    rewards: Any, published: StandardMerkleTree, outsider: Any, newcomers: list[str]
) -> None:
    epoch, index, account, amount = published.values[3]
    proof = published.get_proof(3)
    with reverts("RewardsInvalidProof", EPOCH):
        rewards.claim(epoch, index, account, amount + 1, proof, {"from": outsider})
    with reverts("RewardsInvalidProof", EPOCH):
        rewards.claim(epoch, index, outsider.address, amount, proof, {"from": outsider})  # redirect to oneself
    with reverts("RewardsInvalidProof", EPOCH):
        rewards.claim(epoch, 4, account, amount, proof, {"from": outsider})  # another index
    with reverts("RewardsInvalidProof", EPOCH):
        rewards.claim(epoch, index, account, amount, published.get_proof(4), {"from": outsider})
    with reverts("RewardsEpochNotPublished", NEXT):
        rewards.claim(NEXT, index, account, amount, proof, {"from": outsider})
    with reverts("RewardsIndexOutOfRange", EPOCH, 25, 25):
        rewards.claim(epoch, 25, account, amount, proof, {"from": outsider})
    with reverts("RewardsZeroAddress"):
        rewards.claim(epoch, index, ZERO, amount, proof, {"from": outsider})
    assert not rewards.isPaid(EPOCH, 3)


# ------------------------------------------------------------------------------------------------ never twice


def test_push_then_claim(rewards: Any, published: StandardMerkleTree, coordinator: Any, outsider: Any) -> None:
    push(rewards, published, 0, 10, coordinator)
    with reverts("RewardsAlreadyPaid", EPOCH, 9):
        claim(rewards, published, 9, outsider)
    with reverts("RewardsAlreadyPaid", EPOCH, 0):
        claim(rewards, published, 0, outsider)
    claim(rewards, published, 10, outsider)  # at the cursor: still claimable


def test_claim_then_push_skips_the_claimed_leaf(
    rewards: Any, token: Any, published: StandardMerkleTree, coordinator: Any, outsider: Any, newcomers: list[str]
) -> None:
    claim(rewards, published, 2, outsider)
    claim(rewards, published, 6, outsider)
    tx = push(rewards, published, 0, 8, coordinator)
    assert sorted(e["index"] for e in tx.events["RewardPaid"]) == [0, 1, 3, 4, 5, 7]
    distributed = tx.events["RewardsDistributed"][0]
    assert (distributed["paid"], distributed["cursorBefore"], distributed["cursorAfter"]) == (6, 0, 8)
    assert len(tx.events["Transfer"]) == 6
    for _, _, account, amount in published.values[:8]:
        assert token.balanceOf(account) == amount  # once, not twice
    assert info(rewards, EPOCH)["minted"] == sum(v[3] for v in published.values[:8])
    push(rewards, published, 8, 17, coordinator)
    assert info(rewards, EPOCH)["minted"] == tree_total(published)
    assert sorted(i for i, _, _ in paid_events(rewards, EPOCH)) == list(range(25))


def test_a_batch_of_claimed_leaves_pays_nothing_and_moves_the_cursor(
    rewards: Any, published: StandardMerkleTree, coordinator: Any, outsider: Any
) -> None:
    for i in range(3):
        claim(rewards, published, i, outsider)
    minted = info(rewards, EPOCH)["minted"]
    tx = push(rewards, published, 0, 3, coordinator)
    assert "RewardPaid" not in tx.events
    assert "Transfer" not in tx.events  # no mintBatch at all
    assert tx.return_value == (0, 0)
    assert info(rewards, EPOCH)["cursor"] == 3
    assert info(rewards, EPOCH)["minted"] == minted


def test_claim_twice(rewards: Any, published: StandardMerkleTree, outsider: Any, alice: Any) -> None:
    claim(rewards, published, 11, outsider)
    with reverts("RewardsAlreadyPaid", EPOCH, 11):
        claim(rewards, published, 11, alice)


def test_random_interleaving_pays_every_leaf_exactly_once(
    rewards: Any, token: Any, published: StandardMerkleTree, coordinator: Any, outsider: Any
) -> None:
    rng = random.Random(202612)
    claimed = set(rng.sample(range(25), 9))
    cursor = 0
    pending = sorted(claimed)
    while cursor < 25:
        # claim a few not-yet-pushed leaves, then push a random-sized batch
        while pending and pending[0] >= cursor and rng.random() < 0.6:
            claim(rewards, published, pending.pop(0), outsider)
        pending = [i for i in pending if i >= cursor]
        size = min(rng.randint(1, 7), 25 - cursor)
        push(rewards, published, cursor, size, coordinator)
        cursor += size
        for i in [i for i in pending if i < cursor]:
            with reverts("RewardsAlreadyPaid", EPOCH, i):
                claim(rewards, published, i, outsider)
        pending = [i for i in pending if i >= cursor]
    events = paid_events(rewards, EPOCH)
    assert sorted(i for i, _, _ in events) == list(range(25))
    assert sum(amount for _, _, amount in events) == info(rewards, EPOCH)["minted"] == tree_total(published)
    for _, _, account, amount in published.values:
        assert token.balanceOf(account) == amount


# ------------------------------------------------------------------------------------------------ caps


def test_member_cap(rewards: Any, token: Any, coordinator: Any, outsider: Any, as_admin: Any) -> None:
    a, b, c = new_member(500), new_member(501), new_member(502)
    tree = make_tree(EPOCH, [(a, CAP), (b, CAP + 1), (c, CAP + 1)])
    rewards.publish(EPOCH, tree.root, tree_total(tree), 3, {"from": coordinator})
    advance(WINDOW)
    push(rewards, tree, 0, 1, coordinator)  # exactly the cap is fine
    tx = push(rewards, tree, 1, 1, coordinator)  # over the cap: withheld (L2), the cursor moves on
    assert [(e["index"], e["account"]) for e in tx.events["RewardWithheld"]] == [(1, b)]
    with reverts("RewardsMemberCapExceeded", EPOCH, c, CAP + 1, CAP):
        claim(rewards, tree, 2, outsider)  # ... and cannot be claimed either
    rewards.setMemberCap(CAP + 1, {"from": as_admin})  # until governance raises the cap
    claim(rewards, tree, 2, outsider)
    claim(rewards, tree, 1, outsider)  # the withheld b, now within the cap
    push(rewards, tree, 2, 1, coordinator)  # skips the claimed c
    assert [token.balanceOf(x) for x in (a, b, c)] == [CAP, CAP + 1, CAP + 1]


def test_never_mints_beyond_the_published_total(
    rewards: Any, token: Any, coordinator: Any, outsider: Any, newcomers: list[str]
) -> None:
    # A wrong tree: its leaves sum to 1,000 tokens but only 600 were published (and approved).
    tree = make_tree(EPOCH, [(m, 100 * TOKEN) for m in newcomers[:10]])
    rewards.publish(EPOCH, tree.root, 600 * TOKEN, 10, {"from": coordinator})
    advance(WINDOW)
    with reverts("RewardsMintExceedsTotal", EPOCH, 0, 700 * TOKEN, 600 * TOKEN):
        push(rewards, tree, 0, 7, coordinator)
    push(rewards, tree, 0, 5, coordinator)
    claim(rewards, tree, 5, outsider)
    with reverts("RewardsMintExceedsTotal", EPOCH, 600 * TOKEN, 100 * TOKEN, 600 * TOKEN):
        claim(rewards, tree, 6, outsider)
    with reverts("RewardsMintExceedsTotal", EPOCH, 600 * TOKEN, 100 * TOKEN, 600 * TOKEN):
        push(rewards, tree, 5, 2, coordinator)  # 5 was claimed (skipped), 6 would exceed
    assert info(rewards, EPOCH)["minted"] == 600 * TOKEN
    assert sum(token.balanceOf(m) for m in newcomers[:10]) == 600 * TOKEN


# ------------------------------------------------------------------------------------------------ end to end


def test_a_plan_from_the_tools_is_published_and_paid(rewards: Any, token: Any, coordinator: Any, tmp_path: Any) -> None:
    import json
    from pathlib import Path

    from furusato.rewards import plan

    examples = Path(__file__).resolve().parents[3] / "examples"
    result = plan(examples / "activity-2026-12.csv", examples / "rewards-policy.yaml", "2026-12", tmp_path / "plan")
    document = json.loads(result.files["plan.json"])
    tree = StandardMerkleTree.load(json.loads(result.files["tree.json"]))
    assert document["leaf_encoding"] == list(LEAF_ENCODING)
    epoch = document["epoch"]["id"]
    rewards.publish(epoch, document["root"], int(document["total"]), document["count"], {"from": coordinator})
    advance(WINDOW)
    before = {v[2]: token.balanceOf(v[2]) for v in tree.values}
    push(rewards, tree, 0, len(tree), coordinator)
    for _, _, account, amount in tree.values:
        assert token.balanceOf(account) == before[account] + amount
    assert info(rewards, epoch)["minted"] == int(document["total"])


# ------------------------------------------------------------------------------------------------ gas


def test_pushes_of_every_batch_size_and_claims_pay_each_leaf_once_and_make_members_vote_ready(
    rewards: Any, token: Any, coordinator: Any, outsider: Any, as_admin: Any
) -> None:
    """Pushes to new members in batches of 1 to 200, to returning members (100) and claims by a third party: every
    leaf pays its member exactly once, the member can vote with it at once, and a claimed leaf is not pushed again.
    (The gas of the same operations is measured by `make bench`: gas.reward.push.new / .returning / .claim.)"""
    rewards.setStandingBudget(10**9 * TOKEN, {"from": as_admin})
    people = [new_member(10_000 + i) for i in range(362)]

    def amount(i: int) -> int:
        return (1_000 + 7 * i) * TOKEN + 123_456_789

    def publish(n: int, who: list[str]) -> StandardMerkleTree:
        epoch = month_after(NEXT, n)
        start_epoch(rewards, epoch)
        tree = make_tree(epoch, [(p, amount(i)) for i, p in enumerate(who)])
        rewards.publish(epoch, tree.root, tree_total(tree), len(tree), {"from": coordinator})
        return tree

    month, again = publish(1, people[:101]), publish(2, people[:101])
    sizes = {1: people[101:102], 10: people[102:112], 50: people[112:162], 200: people[162:362]}
    others = {size: publish(10 + size, who) for size, who in sizes.items()}
    advance(WINDOW)
    assert events_of(push(rewards, month, 0, 100, coordinator), "RewardPaid") == leaf_rows(month, 0, 100)
    assert events_of(claim(rewards, month, 100, outsider), "RewardPaid") == leaf_rows(month, 100, 1)
    for size, tree in others.items():
        assert events_of(push(rewards, tree, 0, size, coordinator), "RewardPaid") == leaf_rows(tree, 0, size)
    advance(60)  # a later block: returning members get a new vote checkpoint, as in a later month
    assert events_of(claim(rewards, again, 100, outsider), "RewardPaid") == leaf_rows(again, 100, 1)
    assert events_of(push(rewards, again, 0, 100, coordinator), "RewardPaid") == leaf_rows(again, 0, 100)
    assert all(token.getVotes(p) == 2 * amount(i) for i, p in enumerate(people[:101]))
    assert all(token.getVotes(p) == amount(i) for size, who in sizes.items() for i, p in enumerate(who))
    for tree in (month, again, *others.values()):
        assert all(rewards.isPaid(epoch_of(tree), i) for i in range(len(tree.values)))
        with reverts("RewardsAlreadyPaid", ...):
            claim(rewards, tree, 0, outsider)


# ------------------------------------------------------------------------------------------------ members only

REGISTRAR_ROLE = bytes(Web3.keccak(text="REGISTRAR_ROLE"))
NO_RECORD = b"\x00" * 32


@pytest.fixture(scope="module")
def registry(deployer: Any) -> Any:
    """A ResidentRegistry administered by the deployer, who is also its registrar (nobody registered)."""
    from brownie import ResidentRegistry

    contract = ResidentRegistry.deploy("Test Resident Card", "TRC", deployer, {"from": deployer})
    contract.grantRole(REGISTRAR_ROLE, deployer, {"from": deployer})
    return contract


def register(registry: Any, deployer: Any, *who: str) -> None:
    registry.registerBatch(list(who), [0] * len(who), [NO_RECORD] * len(who), {"from": deployer})


def events_of(tx: Any, name: str) -> list[tuple[int, str, int]]:
    """A transaction's ``RewardPaid`` or ``RewardWithheld`` events as sorted (index, account, amount)."""
    if name not in tx.events:  # a Brownie EventDict has no .get
        return []
    events = tx.events[name]
    return sorted((e["index"], e["account"], e["amount"]) for e in events)


def withheld_events(tx: Any) -> list[tuple[int, str, int]]:
    if "RewardWithheld" in tx.events:
        assert all(e["epoch"] == EPOCH for e in tx.events["RewardWithheld"])
    return events_of(tx, "RewardWithheld")


def test_member_registry_is_unset_by_default_and_pushes_pay_anyone(
    rewards: Any, token: Any, published: StandardMerkleTree, coordinator: Any, registry: Any
) -> None:
    assert rewards.memberRegistry() == ZERO
    assert not any(registry.isMember(v[2]) for v in published.values)  # nobody in the tree is a member
    tx = push(rewards, published, 0, 25, coordinator)
    assert "RewardWithheld" not in tx.events
    assert len(tx.events["RewardPaid"]) == 25
    assert info(rewards, EPOCH)["minted"] == tree_total(published)
    assert not any(rewards.isWithheld(EPOCH, i) for i in range(25))
    assert all(rewards.isPaid(EPOCH, i) for i in range(25))


def test_set_member_registry_emits_old_and_new_values(
    rewards: Any, registry: Any, as_admin: Any, deployer: Any
) -> None:
    from brownie import ResidentRegistry

    other = ResidentRegistry.deploy("Other Card", "OC", deployer, {"from": deployer})
    tx = rewards.setMemberRegistry(registry, {"from": as_admin})
    assert dict(tx.events["MemberRegistryChanged"][0]) == {"oldRegistry": ZERO, "newRegistry": registry.address}
    assert rewards.memberRegistry() == registry.address
    tx = rewards.setMemberRegistry(other, {"from": as_admin})
    assert dict(tx.events["MemberRegistryChanged"][0]) == {
        "oldRegistry": registry.address,
        "newRegistry": other.address,
    }
    tx = rewards.setMemberRegistry(ZERO, {"from": as_admin})  # off again: anyone may be rewarded
    assert dict(tx.events["MemberRegistryChanged"][0]) == {"oldRegistry": other.address, "newRegistry": ZERO}
    assert rewards.memberRegistry() == ZERO


def test_set_member_registry_is_admin_only_and_rejects_non_registries(
    rewards: Any, registry: Any, token: Any, as_admin: Any, coordinator: Any, guardian: Any, outsider: Any
) -> None:
    for caller in (coordinator, guardian, outsider):
        with reverts("AccessControlUnauthorizedAccount", caller, ADMIN_ROLE):
            rewards.setMemberRegistry(registry, {"from": caller})
    for bad in (outsider.address, token.address, rewards.address):  # an EOA; contracts without isMember
        with reverts("RewardsInvalidRegistry", bad):
            rewards.setMemberRegistry(bad, {"from": as_admin})
    assert rewards.memberRegistry() == ZERO


def test_members_only_push_withholds_non_members_then_they_register_and_claim(
    rewards: Any,
    token: Any,
    registry: Any,
    published: StandardMerkleTree,
    coordinator: Any,
    outsider: Any,
    as_admin: Any,
    deployer: Any,
    newcomers: list[str],
) -> None:
    members = [m for i, m in enumerate(newcomers) if i % 3 != 1]  # every third one (1, 4, 7, ...) is not
    register(registry, deployer, *members)
    rewards.setMemberRegistry(registry, {"from": as_admin})
    supply = token.totalSupply()

    tx = push(rewards, published, 0, 10, coordinator)  # a mixed batch does not revert
    held = [(i, newcomers[i], (i + 1) * 60 * TOKEN) for i in (1, 4, 7)]
    assert withheld_events(tx) == held
    paid_indices = sorted(e["index"] for e in tx.events["RewardPaid"])
    assert paid_indices == [0, 2, 3, 5, 6, 8, 9]
    paid_amount = sum((i + 1) * 60 * TOKEN for i in paid_indices)
    assert dict(tx.events["RewardsDistributed"][0]) == {
        "epoch": EPOCH,
        "cursorBefore": 0,
        "cursorAfter": 10,
        "paid": 7,
        "amount": paid_amount,
        "mintedAfter": paid_amount,  # withheld leaves are not minted
    }
    assert tx.return_value == (7, paid_amount)
    assert len(tx.events["Transfer"]) == 7
    assert info(rewards, EPOCH)["cursor"] == 10
    assert info(rewards, EPOCH)["minted"] == paid_amount
    assert token.totalSupply() == supply + paid_amount
    for i, account, _ in held:
        assert token.balanceOf(account) == 0
        assert not rewards.isPaid(EPOCH, i)
        assert rewards.isWithheld(EPOCH, i)
    assert all(rewards.isPaid(EPOCH, i) and not rewards.isWithheld(EPOCH, i) for i in paid_indices)

    # A non-member cannot claim the withheld leaf (nor can anyone for them) ...
    with reverts("RewardsNotMember", newcomers[4]):
        claim(rewards, published, 4, outsider)
    with reverts("RewardsNotMember", newcomers[4]):
        claim(rewards, published, 4, accounts.at(newcomers[4], force=True))
    # ... nor a not-yet-pushed leaf; a member's leaf beyond the cursor is claimable as before.
    with reverts("RewardsNotMember", newcomers[10]):
        claim(rewards, published, 10, outsider)
    claim(rewards, published, 11, outsider)
    # A paid leaf below the cursor still cannot be claimed.
    with reverts("RewardsAlreadyPaid", EPOCH, 3):
        claim(rewards, published, 3, outsider)

    register(registry, deployer, newcomers[4])  # registers: the withheld leaf becomes claimable
    tx = claim(rewards, published, 4, outsider)
    assert dict(tx.events["RewardPaid"][0]) == {
        "epoch": EPOCH,
        "index": 4,
        "account": newcomers[4],
        "amount": 300 * TOKEN,
    }
    assert token.balanceOf(newcomers[4]) == 300 * TOKEN
    assert token.getVotes(newcomers[4]) == 300 * TOKEN
    assert rewards.isPaid(EPOCH, 4)
    assert not rewards.isWithheld(EPOCH, 4)
    assert info(rewards, EPOCH)["minted"] == paid_amount + 300 * TOKEN + 720 * TOKEN  # + leaf 4 + leaf 11
    with reverts("RewardsAlreadyPaid", EPOCH, 4):
        claim(rewards, published, 4, outsider)
    assert info(rewards, EPOCH)["cursor"] == 10  # claims never move the cursor

    # The rest: leaf 10 withheld (leaf 11 skipped as claimed); every leaf settled exactly once.
    tx = push(rewards, published, 10, 15, coordinator)
    assert [i for i, _, _ in withheld_events(tx)] == [10, 13, 16, 19, 22]
    assert 11 not in [e["index"] for e in tx.events["RewardPaid"]]
    withheld_total = sum((i + 1) * 60 * TOKEN for i in (1, 7, 10, 13, 16, 19, 22))
    assert info(rewards, EPOCH)["minted"] + withheld_total == tree_total(published)
    assert sorted(i for i, _, _ in paid_events(rewards, EPOCH)) == sorted(set(range(25)) - {1, 7, 10, 13, 16, 19, 22})


def test_a_member_revoked_between_publish_and_push_is_withheld(
    rewards: Any, token: Any, registry: Any, coordinator: Any, as_admin: Any, deployer: Any, outsider: Any
) -> None:
    people = [new_member(700 + i) for i in range(4)]
    register(registry, deployer, *people)
    rewards.setMemberRegistry(registry, {"from": as_admin})
    tree = make_tree(EPOCH, [(p, 100 * TOKEN) for p in people])
    rewards.publish(EPOCH, tree.root, tree_total(tree), 4, {"from": coordinator})
    registry.revoke(people[2], {"from": deployer})  # during the challenge window
    advance(WINDOW)
    tx = push(rewards, tree, 0, 4, coordinator)
    assert withheld_events(tx) == [(2, people[2], 100 * TOKEN)]
    assert [token.balanceOf(p) for p in people] == [100 * TOKEN, 100 * TOKEN, 0, 100 * TOKEN]
    with reverts("RewardsNotMember", people[2]):
        claim(rewards, tree, 2, outsider)
    register(registry, deployer, people[2])  # a registrar registers them again
    claim(rewards, tree, 2, outsider)
    assert token.balanceOf(people[2]) == 100 * TOKEN
    assert info(rewards, EPOCH)["minted"] == 400 * TOKEN


def test_withheld_leaves_respect_the_cap_and_become_claimable_by_anyone_when_members_only_is_lifted(
    rewards: Any, token: Any, registry: Any, coordinator: Any, as_admin: Any, outsider: Any
) -> None:
    a, b = new_member(800), new_member(801)
    rewards.setMemberRegistry(registry, {"from": as_admin})
    tree = make_tree(EPOCH, [(a, 10 * TOKEN), (b, CAP + 1)])
    rewards.publish(EPOCH, tree.root, tree_total(tree), 2, {"from": coordinator})
    advance(WINDOW)
    tx = push(rewards, tree, 0, 2, coordinator)  # b is over the cap: withheld too (L2), not a revert
    assert sorted(withheld_events(tx)) == [(0, a, 10 * TOKEN), (1, b, CAP + 1)]
    assert tx.return_value == (0, 0)
    assert "Transfer" not in tx.events  # nothing paid: no mintBatch
    rewards.setMemberRegistry(ZERO, {"from": as_admin})  # governance lifts members-only rewards
    claim(rewards, tree, 0, outsider)  # the withheld leaf is claimable by a non-member now
    assert token.balanceOf(a) == 10 * TOKEN
    assert not rewards.isWithheld(EPOCH, 0)
    assert rewards.isPaid(EPOCH, 0)


def test_members_only_on_a_transfer_restricted_token_withholds_instead_of_blocking_the_cursor(
    timelock: Any, registry: Any, coordinator: Any, deployer: Any
) -> None:
    """A mint to a non-member reverts on a restricted token: without members-only rewards that leaf would block the
    push cursor for everyone after it; with the same registry set, it is withheld and the push goes on."""
    from brownie import RegionToken

    admin = accounts.at(timelock.address, force=True)
    restricted = RegionToken.deploy("Restricted", "RST", 10**9 * TOKEN, admin, "", {"from": deployer})
    restricted.restrictTransfers(registry, {"from": admin})
    contract = ActivityRewards.deploy(restricted, admin, ZERO, WINDOW, CAP, STANDING, {"from": deployer})
    restricted.grantRole(MINTER_ROLE, contract, {"from": admin})
    restricted.excludeFromVoting(contract, {"from": admin})
    contract.grantRole(COORDINATOR_ROLE, coordinator, {"from": admin})
    member, stranger, later = new_member(900), new_member(901), new_member(902)
    register(registry, deployer, member, later)
    tree = make_tree(EPOCH, [(member, TOKEN), (stranger, 2 * TOKEN), (later, 3 * TOKEN)])
    contract.publish(EPOCH, tree.root, tree_total(tree), 3, {"from": coordinator})
    advance(WINDOW)
    with reverts("RegionTokenTransferRestricted", stranger):
        push(contract, tree, 0, 3, coordinator)  # not members-only: the whole batch reverts
    contract.setMemberRegistry(registry, {"from": admin})
    tx = push(contract, tree, 0, 3, coordinator)
    assert tx.events["RewardWithheld"][0]["account"] == stranger
    assert [restricted.balanceOf(x) for x in (member, stranger, later)] == [TOKEN, 0, 3 * TOKEN]
    assert info(contract, EPOCH)["cursor"] == 3


_property_run = iter(range(10**6))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    leaves=st.lists(st.tuples(st.booleans(), st.integers(1, 1_000)), min_size=1, max_size=12),
    claims=st.sets(st.integers(0, 11), max_size=4),
    sizes=st.lists(st.integers(1, 5), min_size=1, max_size=12),
)
def test_minted_plus_withheld_equals_the_pushed_leaves(
    rewards: Any,
    registry: Any,
    coordinator: Any,
    deployer: Any,
    timelock: Any,
    leaves: list[tuple[bool, int]],
    claims: set[int],
    sizes: list[int],
) -> None:
    """Any tree of members and non-members, claims of members' leaves before the push, any batch sizes: every
    leaf is paid or withheld exactly once, withheld exactly when not a member, and minted + withheld = total."""
    run = next(_property_run)  # the chain is not reverted between examples: a fresh epoch and fresh people
    epoch = month_after(NEXT, 300 + run)  # a month of its own, after every other epoch this module publishes
    start_epoch(rewards, epoch)
    if rewards.memberRegistry() != registry.address:
        rewards.setMemberRegistry(registry, {"from": accounts.at(timelock.address, force=True)})
    people = [new_member(1_000_000 + run * 100 + i) for i in range(len(leaves))]
    is_member = {p: m for p, (m, _) in zip(people, leaves, strict=True)}
    joining = [p for p in people if is_member[p]]
    if joining:
        register(registry, deployer, *joining)
    tree = make_tree(epoch, [(p, amount * TOKEN) for p, (_, amount) in zip(people, leaves, strict=True)])
    rewards.publish(epoch, tree.root, tree_total(tree), len(tree), {"from": coordinator})
    advance(WINDOW)
    claimed = sorted(i for i in claims if i < len(people) and is_member[people[i]])
    for i in claimed:
        claim(rewards, tree, i, coordinator)
    cursor, k = 0, 0
    withheld: dict[int, int] = {}
    pushed_paid: dict[int, int] = {}
    while cursor < len(tree):
        size = min(sizes[k % len(sizes)], len(tree) - cursor)
        tx = push(rewards, tree, cursor, size, coordinator)
        withheld.update((i, amount) for i, _, amount in events_of(tx, "RewardWithheld"))
        pushed_paid.update((i, amount) for i, _, amount in events_of(tx, "RewardPaid"))
        cursor, k = cursor + size, k + 1
    assert set(withheld) == {i for i, p in enumerate(people) if not is_member[p]}
    assert set(pushed_paid) == {i for i, p in enumerate(people) if is_member[p]} - set(claimed)
    state = info(rewards, epoch)
    assert state["cursor"] == len(tree)
    assert state["minted"] + sum(withheld.values()) == tree_total(tree)
    for i in range(len(tree)):
        assert rewards.isPaid(epoch, i) == (i not in withheld)
        assert rewards.isWithheld(epoch, i) == (i in withheld)


def test_members_only_pushes_pay_members_withhold_the_rest_and_a_withheld_leaf_is_claimed_once_registered(
    rewards: Any, token: Any, registry: Any, coordinator: Any, outsider: Any, as_admin: Any, deployer: Any
) -> None:
    """With members-only rewards, pushes of 1 and 100 registered members pay each leaf (one `isMember` call each), a
    push of 100 non-members withholds every leaf and pays nothing, and a withheld leaf is claimed, once, after the
    member is registered. (`make bench` measures the gas of the same operations.)"""
    rewards.setStandingBudget(10**9 * TOKEN, {"from": as_admin})
    rewards.setMemberRegistry(registry, {"from": as_admin})
    people = [new_member(20_000 + i) for i in range(302)]
    for start in range(0, 202, 50):
        register(registry, deployer, *people[start : min(start + 50, 202)])

    def publish(n: int, who: list[str]) -> StandardMerkleTree:
        epoch = month_after(NEXT, n)
        start_epoch(rewards, epoch)
        tree = make_tree(epoch, [(p, (1_000 + 7 * i) * TOKEN + 123_456_789) for i, p in enumerate(who)])
        rewards.publish(epoch, tree.root, tree_total(tree), len(tree), {"from": coordinator})
        return tree

    one, hundred, strangers = publish(1, people[:1]), publish(2, people[1:102]), publish(3, people[202:302])
    advance(WINDOW)
    assert events_of(push(rewards, one, 0, 1, coordinator), "RewardPaid") == leaf_rows(one, 0, 1)
    assert events_of(push(rewards, hundred, 0, 100, coordinator), "RewardPaid") == leaf_rows(hundred, 0, 100)
    assert events_of(claim(rewards, hundred, 100, outsider), "RewardPaid") == leaf_rows(hundred, 100, 1)
    withheld = push(rewards, strangers, 0, 100, coordinator)
    assert events_of(withheld, "RewardWithheld") == leaf_rows(strangers, 0, 100)
    assert events_of(withheld, "RewardPaid") == []
    assert all(token.balanceOf(p) == 0 for p in people[202:302])
    register(registry, deployer, people[202])
    assert events_of(claim(rewards, strangers, 0, outsider), "RewardPaid") == leaf_rows(strangers, 0, 1)
    assert token.getVotes(people[202]) == leaf_rows(strangers, 0, 1)[0][2]
    with reverts("RewardsAlreadyPaid", ...):
        claim(rewards, strangers, 0, outsider)
