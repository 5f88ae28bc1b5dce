"""Attacks on ActivityRewards (issue 10): reward limits (F3a one payment per account, F3b epochs bound to time),
budget overspend, reward double pay (push + claim, withheld + claim), a voided root, unauthorized minting, a cap
lowered after publish (L2) and parameter griefing."""

from __future__ import annotations

from typing import Any

import pytest
from brownie import accounts, web3
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from helpers import advance, reverts

from furusato.merkle import StandardMerkleTree
from furusato.rewards.tree import LEAF_ENCODING

pytestmark = pytest.mark.usefixtures("epochs_started")  # reward epochs are months that have started

TOKEN = 10**18
EPOCH = 202612
NEXT = 202701
WINDOW = 60  # the `local` preset
CAP = 2_500 * TOKEN
STANDING = 20_000 * TOKEN


def person(seed: int) -> str:
    """Fresh addresses, increasing with ``seed``."""
    return to_checksum_address((0x20000000 + seed).to_bytes(4, "big") + keccak(seed.to_bytes(32, "big"))[:16])


def raw_tree(epoch: int, entries: list[tuple[str, int]]) -> StandardMerkleTree:
    """A tree in the order given: a coordinator's tree may be anything."""
    return StandardMerkleTree.of([(epoch, i, a, amount) for i, (a, amount) in enumerate(entries)], LEAF_ENCODING)


def publish(rewards: Any, tree: StandardMerkleTree, coordinator: Any) -> None:
    total = sum(v[3] for v in tree.values)
    rewards.publish(tree.values[0][0], tree.root, total, len(tree), {"from": coordinator})


def push(rewards: Any, tree: StandardMerkleTree, start: int, count: int, coordinator: Any) -> Any:
    leaves, proof, flags = tree.get_multi_proof(list(range(start, start + count)))
    return rewards.distribute(
        tree.values[0][0], [(v[1], v[2], v[3]) for v in leaves], proof, flags, {"from": coordinator}
    )


def claim(rewards: Any, tree: StandardMerkleTree, index: int, sender: Any) -> Any:
    epoch, i, account, amount = tree.values[index]
    return rewards.claim(epoch, i, account, amount, tree.get_proof(index), {"from": sender})


@pytest.fixture
def admin(timelock: Any) -> Any:
    return accounts.at(timelock.address, force=True)


# ------------------------------------------------------------------------------------------------ F3a


def test_reward_limits_repeated_account_is_never_paid_twice_by_push(rewards: Any, token: Any, coordinator: Any):
    a, b = person(1), person(2)
    tree = raw_tree(EPOCH, [(a, CAP), (b, CAP), (a, CAP)])  # a listed twice: 2 x cap
    publish(rewards, tree, coordinator)
    advance(WINDOW + 1)
    with reverts("RewardsAccountsNotIncreasing", EPOCH, 2, a, b):
        push(rewards, tree, 0, 3, coordinator)
    push(rewards, tree, 0, 2, coordinator)
    with reverts("RewardsAccountsNotIncreasing", EPOCH, 2, a, b):  # across batches, through the cursor
        push(rewards, tree, 2, 1, coordinator)
    with reverts("RewardsAccountAlreadyPaid", EPOCH, a):  # nor by claim past the cursor
        claim(rewards, tree, 2, coordinator)
    assert token.balanceOf(a) == CAP


def test_reward_limits_repeated_account_claims_once_and_push_skips_it(
    rewards: Any, token: Any, coordinator: Any, outsider: Any
):
    a, b = person(3), person(4)
    tree = raw_tree(EPOCH, [(a, CAP), (b, CAP), (a, CAP)])
    publish(rewards, tree, coordinator)
    advance(WINDOW + 1)
    claim(rewards, tree, 2, outsider)  # the second copy first
    assert rewards.hasClaimed(EPOCH, a)
    with reverts("RewardsAccountAlreadyPaid", EPOCH, a):
        claim(rewards, tree, 0, outsider)
    tx = push(rewards, tree, 0, 2, coordinator)  # skips a (claimed), pays b
    assert [e["account"] for e in tx.events["RewardPaid"]] == [b]
    assert token.balanceOf(a) == CAP


def test_reward_limits_sorted_tree_pays_everyone_across_batches(rewards: Any, token: Any, coordinator: Any):
    people = [person(100 + i) for i in range(7)]
    tree = raw_tree(EPOCH, [(p, TOKEN) for p in people])
    publish(rewards, tree, coordinator)
    advance(WINDOW + 1)
    for start, count in ((0, 3), (3, 1), (4, 3)):
        push(rewards, tree, start, count, coordinator)
    assert all(token.balanceOf(p) == TOKEN for p in people)


# ------------------------------------------------------------------------------------------------ F3b


def test_reward_limits_several_epochs_in_one_window_are_refused(rewards: Any, coordinator: Any):
    """F3b: a coordinator cannot mint several budgets at once: only started months, in order."""
    tree = raw_tree(EPOCH, [(person(5), TOKEN)])
    now = web3.eth.get_block("latest").timestamp
    for bogus in (1, 202613, 199912, 2**200):
        with reverts("RewardsInvalidEpoch", bogus):
            rewards.publish(bogus, tree.root, TOKEN, 1, {"from": coordinator})
    future = 209912
    with reverts("RewardsEpochNotStarted", future, rewards.epochStart(future)):
        rewards.publish(future, tree.root, TOKEN, 1, {"from": coordinator})
    assert rewards.epochStart(NEXT) <= now
    rewards.publish(NEXT, tree.root, TOKEN, 1, {"from": coordinator})
    assert rewards.latestEpoch() == NEXT
    with reverts("RewardsEpochOutOfOrder", EPOCH, NEXT):  # an earlier month can no longer be published
        rewards.publish(EPOCH, tree.root, TOKEN, 1, {"from": coordinator})


def test_epoch_start_is_the_first_of_the_month_in_jst(rewards: Any):
    import datetime as dt

    jst = dt.timezone(dt.timedelta(hours=9))
    for epoch in (200001, 202402, 202403, 202612, 202701, 210012, 999912):
        year, month = divmod(epoch, 100)
        assert rewards.epochStart(epoch) == int(dt.datetime(year, month, 1, tzinfo=jst).timestamp())


def test_reward_limits_a_voided_epoch_may_be_published_again(rewards: Any, coordinator: Any, guardian: Any):
    first = raw_tree(EPOCH, [(person(6), TOKEN)])
    second = raw_tree(EPOCH, [(person(7), TOKEN)])
    publish(rewards, first, coordinator)
    rewards.voidEpoch(EPOCH, {"from": guardian})
    publish(rewards, second, coordinator)
    assert rewards.epochInfo(EPOCH)[0] == second.root


# ------------------------------------------------------------------------------------------------ other attacks


def test_budget_overspend_is_refused(rewards: Any, coordinator: Any):
    tree = raw_tree(EPOCH, [(person(8), STANDING + 1)])
    with reverts("RewardsEpochBudgetExceeded", EPOCH, STANDING + 1, STANDING):
        publish(rewards, tree, coordinator)


def test_reward_double_pay_push_then_claim(rewards: Any, coordinator: Any, outsider: Any):
    tree = raw_tree(EPOCH, [(person(9), TOKEN), (person(10), TOKEN)])
    publish(rewards, tree, coordinator)
    advance(WINDOW + 1)
    push(rewards, tree, 0, 2, coordinator)
    with reverts("RewardsAlreadyPaid", EPOCH, 1):
        claim(rewards, tree, 1, outsider)


def test_reward_double_pay_claim_then_push(rewards: Any, token: Any, coordinator: Any, outsider: Any):
    a, b = person(11), person(12)
    tree = raw_tree(EPOCH, [(a, TOKEN), (b, TOKEN)])
    publish(rewards, tree, coordinator)
    advance(WINDOW + 1)
    claim(rewards, tree, 0, outsider)
    with reverts("RewardsAlreadyPaid", EPOCH, 0):
        claim(rewards, tree, 0, outsider)
    push(rewards, tree, 0, 2, coordinator)
    assert token.balanceOf(a) == token.balanceOf(b) == TOKEN
    assert rewards.epochInfo(EPOCH)[2] == 2 * TOKEN


def test_reward_double_pay_withheld_then_claim_twice(
    rewards: Any, token: Any, coordinator: Any, outsider: Any, admin: Any
):
    """L2: a leaf over a cap lowered after publish is withheld (the cursor moves on); it is claimable once, after
    governance raises the cap again."""
    a, b = person(13), person(14)
    tree = raw_tree(EPOCH, [(a, CAP), (b, TOKEN)])
    publish(rewards, tree, coordinator)
    rewards.setMemberCap(CAP - 1, {"from": admin})
    advance(WINDOW + 1)
    tx = push(rewards, tree, 0, 2, coordinator)
    assert [e["account"] for e in tx.events["RewardWithheld"]] == [a]
    assert rewards.epochInfo(EPOCH)[5] == 2  # cursor past both
    with reverts("RewardsMemberCapExceeded", EPOCH, a, CAP, CAP - 1):
        claim(rewards, tree, 0, outsider)
    rewards.setMemberCap(CAP, {"from": admin})
    claim(rewards, tree, 0, outsider)
    with reverts("RewardsAlreadyPaid", EPOCH, 0):
        claim(rewards, tree, 0, outsider)
    assert token.balanceOf(a) == CAP


def test_root_voided_in_window_never_pays(rewards: Any, coordinator: Any, guardian: Any, outsider: Any):
    tree = raw_tree(EPOCH, [(person(15), TOKEN)])
    publish(rewards, tree, coordinator)
    rewards.voidEpoch(EPOCH, {"from": guardian})
    advance(WINDOW + 1)
    with reverts("RewardsEpochNotPublished", EPOCH):
        push(rewards, tree, 0, 1, coordinator)
    with reverts("RewardsEpochNotPublished", EPOCH):
        claim(rewards, tree, 0, outsider)
    with reverts("RewardsUnauthorizedVoider", outsider):
        rewards.voidEpoch(EPOCH, {"from": outsider})


def test_unauthorized_mint_is_refused(token: Any, rewards: Any, outsider: Any, coordinator: Any):
    with reverts("AccessControlUnauthorizedAccount", outsider, token.MINTER_ROLE()):
        token.mint(outsider, TOKEN, {"from": outsider})
    with reverts("AccessControlUnauthorizedAccount", coordinator, token.MINTER_ROLE()):
        token.mintBatch([coordinator], [TOKEN], {"from": coordinator})
    tree = raw_tree(EPOCH, [(person(16), TOKEN)])
    with reverts("AccessControlUnauthorizedAccount", outsider, rewards.COORDINATOR_ROLE()):
        publish(rewards, tree, outsider)


def test_parameter_griefing_member_cap_zero_and_challenge_window_bounds(rewards: Any, admin: Any):
    with reverts("RewardsParameterOutOfBounds", 0, 1, 2**256 - 1):
        rewards.setMemberCap(0, {"from": admin})
    for window in (0, 59 * 60, 31 * 86400, 2**64 - 1):
        with reverts("RewardsParameterOutOfBounds", window, 3600, 30 * 86400):
            rewards.setChallengeWindow(window, {"from": admin})
    rewards.setChallengeWindow(3600, {"from": admin})
    assert rewards.challengeWindow() == 3600
