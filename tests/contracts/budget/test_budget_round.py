"""BudgetRound at contract level: the rule (ties, a plan larger than the budget, budget exactly used, nobody
voting), the electorate (members at the snapshot, a member revoked mid-round, token weight), signed ballots (relayed,
replayed, cross-round), finalization (front-run, treasury drained below the line), and the opening checks."""

from __future__ import annotations

from typing import Any

from brownie import chain, web3
from eth_account import Account
from eth_account.messages import encode_typed_data
from helpers import advance, reverts

from furusato.budget import Ballot, mask_of, tally_ballots, winners
from furusato.budget.ballot import round_ballot, round_domain

from .conftest import ETH, ETHER, PERIOD, recipient


def sign(key: Any, rnd: Any, choices: int) -> bytes:
    typed = round_ballot(round_domain(web3.eth.chain_id, rnd.address), choices, key.address)
    return bytes(Account.sign_message(encode_typed_data(full_message=typed), private_key=key.key).signature)


def end_voting(rnd: Any) -> None:
    _, _, end = rnd.window()
    advance(end - chain.time() + 1)


def paid_to(n: int) -> list[int]:
    return [web3.eth.get_balance(recipient(i)) for i in range(n)]


def finalized(tx: Any) -> dict[str, Any]:
    return dict(tx.events["RoundFinalized"])


# ------------------------------------------------------------------------------------------------ the rule


def test_round_pays_the_winners_the_rule_picks(make_round: Any, voters: list[Any], treasury: Any) -> None:
    amounts = [ETHER, 2 * ETHER, 3 * ETHER, ETHER // 2]
    rnd = make_round(amounts, budget=4 * ETHER, k=2)
    assert rnd.phase() == 1  # Voting
    ballots = [mask_of([2, 0]), mask_of([2]), mask_of([1, 3]), mask_of([0, 3]), mask_of([2, 3])]
    for voter, choices in zip(voters[:5], ballots, strict=True):
        tx = rnd.castBallot(choices, {"from": voter})
        assert tx.events["BallotCast"]["weight"] == 1
    assert list(rnd.tallies()) == [2, 1, 3, 3]
    end_voting(rnd)
    before = treasury.balance()
    tx = rnd.finalize({"from": voters[0]})
    # plan 2 (3 votes, 3 ETH), plan 3 (3 votes, 0.5 ETH), plan 0 (2 votes, 1 ETH) no longer fits, plan 1 neither
    assert finalized(tx) == {"winners": mask_of([2, 3]), "paid": 3.5 * ETHER, "leftoverBefore": 4 * ETHER,
                             "leftoverAfter": ETHER // 2}  # fmt: skip
    assert paid_to(4) == [0, 0, 3 * ETHER, ETHER // 2]
    assert before - treasury.balance() == 3.5 * ETHER
    assert treasury.remaining(rnd.lineId()) == ETHER // 2  # leftover stays in the line, unspent
    assert rnd.phase() == 3
    expected = winners(amounts, list(rnd.tallies()), 4 * ETHER)
    assert expected.mask == finalized(tx)["winners"]


def test_ties_are_broken_by_plan_order(make_round: Any, voters: list[Any]) -> None:
    rnd = make_round([2 * ETHER, 2 * ETHER, 2 * ETHER], budget=4 * ETHER, k=3)
    for voter in voters[:4]:
        rnd.castBallot(mask_of([0, 1, 2]), {"from": voter})  # all tied
    end_voting(rnd)
    tx = rnd.finalize({"from": voters[0]})
    assert finalized(tx)["winners"] == mask_of([0, 1])
    assert [e["planId"] for e in tx.events["PlanFunded"]] == [0, 1]


def test_a_plan_larger_than_the_budget_is_skipped_and_the_next_one_funded(make_round: Any, voters: list[Any]) -> None:
    rnd = make_round([10 * ETHER, ETHER, 2 * ETHER], budget=5 * ETHER, k=3)
    for voter in voters[:5]:
        rnd.castBallot(mask_of([0]), {"from": voter})  # the big plan is the most popular
    rnd.castBallot(mask_of([2]), {"from": voters[5]})
    end_voting(rnd)
    assert rnd.previewWinners() == (mask_of([2]), 2 * ETHER)  # plan 1 has no approvals: never funded
    tx = rnd.finalize({"from": voters[0]})
    assert finalized(tx)["winners"] == mask_of([2])
    assert paid_to(3) == [0, 0, 2 * ETHER]


def test_the_budget_can_be_used_exactly(make_round: Any, voters: list[Any], treasury: Any) -> None:
    rnd = make_round([3 * ETHER, 2 * ETHER, ETHER], budget=5 * ETHER, k=2)
    rnd.castBallot(mask_of([0, 1]), {"from": voters[0]})
    rnd.castBallot(mask_of([0, 2]), {"from": voters[1]})
    end_voting(rnd)
    tx = rnd.finalize({"from": voters[2]})
    assert finalized(tx)["winners"] == mask_of([0, 1])
    assert finalized(tx)["leftoverAfter"] == 0
    assert treasury.remaining(rnd.lineId()) == 0


def test_nobody_voting_funds_nothing(make_round: Any, voters: list[Any], treasury: Any) -> None:
    rnd = make_round([ETHER, ETHER], budget=2 * ETHER, k=1)
    end_voting(rnd)
    before = treasury.balance()
    tx = rnd.finalize({"from": voters[0]})
    assert finalized(tx) == {"winners": 0, "paid": 0, "leftoverBefore": 2 * ETHER, "leftoverAfter": 2 * ETHER}
    assert "PlanFunded" not in tx.events
    assert treasury.balance() == before


# ------------------------------------------------------------------------------------------------ electorate


def test_a_member_revoked_mid_round_cannot_vote_but_an_earlier_ballot_stays(
    make_round: Any, voters: list[Any], registry: Any, registrar: Any
) -> None:
    rnd = make_round([ETHER, ETHER], budget=ETHER, k=1)
    rnd.castBallot(mask_of([1]), {"from": voters[0]})
    registry.revoke(voters[0], {"from": registrar})
    registry.revoke(voters[1], {"from": registrar})
    with reverts("BudgetRoundNotEligible", voters[1]):
        rnd.castBallot(mask_of([0]), {"from": voters[1]})
    # the revoked voter's earlier ballot was valid when cast and still counts; it cannot vote again either
    with reverts("BudgetRoundAlreadyVoted", voters[0]):
        rnd.castBallot(mask_of([0]), {"from": voters[0]})
    assert list(rnd.tallies()) == [0, 1]


def test_members_registered_after_the_snapshot_and_outsiders_cannot_vote(
    make_round: Any, voters: list[Any], registry: Any, registrar: Any, keys: list[Any], deployer: Any
) -> None:
    from brownie import accounts

    rnd = make_round([ETHER, ETHER], budget=ETHER, k=1)
    late = accounts.add(keys[20].key.hex())
    deployer.transfer(late, ETHER)
    with reverts("BudgetRoundNotEligible", late):
        rnd.castBallot(mask_of([0]), {"from": late})
    registry.register(late, 0, b"\x00" * 32, {"from": registrar})
    advance(1)
    with reverts("BudgetRoundNotEligible", late):
        rnd.castBallot(mask_of([0]), {"from": late})


def test_token_weight_mode_counts_votes_at_the_snapshot(
    make_round: Any, voters: list[Any], members: list[Any], token: Any
) -> None:
    alice, bob = members[0], members[1]  # 50k and 30k genesis tokens, self-delegated
    rnd = make_round([ETHER, ETHER], budget=ETHER, k=1, mode=1)
    token.transfer(bob, token.balanceOf(alice) // 2, {"from": alice})  # after the snapshot: changes nothing
    snapshot, _, _ = rnd.window()
    tx = rnd.castBallot(mask_of([0]), {"from": alice})
    assert tx.events["BallotCast"]["weight"] == token.getPastVotes(alice, snapshot) == 50_000 * ETHER
    rnd.castBallot(mask_of([1]), {"from": bob})
    assert list(rnd.tallies()) == [50_000 * ETHER, 30_000 * ETHER]
    with reverts("BudgetRoundNotEligible", voters[0]):  # a member without tokens has no weight
        rnd.castBallot(mask_of([1]), {"from": voters[0]})


def test_ballots_must_approve_one_to_k_existing_plans(make_round: Any, voters: list[Any]) -> None:
    rnd = make_round([ETHER, ETHER, ETHER], budget=ETHER, k=2)
    for bad in (0, mask_of([0, 1, 2]), mask_of([3]), 2**255):
        with reverts("BudgetRoundInvalidBallot", bad):
            rnd.castBallot(bad, {"from": voters[0]})


# ------------------------------------------------------------------------------------------------ signed ballots


def test_a_relayed_ballot_counts_once_and_cannot_be_replayed(
    make_round: Any, voters: list[Any], keys: list[Any], outsider: Any
) -> None:
    rnd = make_round([ETHER, ETHER], budget=ETHER, k=1)
    signature = sign(keys[3], rnd, mask_of([1]))
    tx = rnd.castBallotBySig(voters[3], mask_of([1]), signature, {"from": outsider})
    assert tx.events["BallotCast"]["voter"] == voters[3]
    assert rnd.hasVoted(voters[3])
    with reverts("BudgetRoundAlreadyVoted", voters[3]):
        rnd.castBallotBySig(voters[3], mask_of([1]), signature, {"from": outsider})
    with reverts("BudgetRoundInvalidSignature", voters[4]):  # someone else's signature
        rnd.castBallotBySig(voters[4], mask_of([1]), signature, {"from": outsider})
    with reverts("BudgetRoundInvalidSignature", voters[3]):  # choices changed by the relayer
        rnd.castBallotBySig(voters[3], mask_of([0]), signature, {"from": outsider})
    assert list(rnd.tallies()) == [0, 1]


def test_a_ballot_signed_for_another_round_is_refused(
    make_round: Any, voters: list[Any], keys: list[Any], outsider: Any
) -> None:
    first = make_round([ETHER, ETHER], budget=ETHER, k=1)
    second = make_round([ETHER, ETHER], budget=ETHER, k=1)
    signature = sign(keys[5], first, mask_of([0]))
    with reverts("BudgetRoundInvalidSignature", voters[5]):
        second.castBallotBySig(voters[5], mask_of([0]), signature, {"from": outsider})
    first.castBallotBySig(voters[5], mask_of([0]), signature, {"from": outsider})


# ------------------------------------------------------------------------------------------------ finalization


def test_finalize_front_run_changes_nothing(make_round: Any, voters: list[Any], outsider: Any) -> None:
    rnd = make_round([ETHER, 2 * ETHER], budget=2 * ETHER, k=1)
    rnd.castBallot(mask_of([1]), {"from": voters[0]})
    end_voting(rnd)
    preview = rnd.previewWinners()
    tx = rnd.finalize({"from": outsider})  # a stranger gets there first
    assert (finalized(tx)["winners"], finalized(tx)["paid"]) == preview
    with reverts("BudgetRoundWrongPhase", 3):
        rnd.finalize({"from": voters[0]})
    assert paid_to(2) == [0, 2 * ETHER]


def test_a_treasury_drained_below_the_line_blocks_finalize_until_refilled(
    make_round: Any, voters: list[Any], treasury: Any, gov: Any, deployer: Any, outsider: Any
) -> None:
    rnd = make_round([3 * ETHER, ETHER], budget=4 * ETHER, k=2)
    rnd.castBallot(mask_of([0, 1]), {"from": voters[0]})
    end_voting(rnd)
    left = 2 * ETHER
    treasury.pay(ETH, outsider, treasury.balance() - left, "drained", {"from": gov})
    with reverts("BudgetRoundInsufficientFunds", 4 * ETHER, 4 * ETHER, left):
        rnd.finalize({"from": voters[0]})
    assert rnd.phase() == 2  # still counting: nothing paid, nothing decided
    deployer.transfer(treasury, 5 * ETHER)
    tx = rnd.finalize({"from": voters[0]})
    assert finalized(tx)["paid"] == 4 * ETHER


def test_a_cancelled_line_blocks_finalize_and_governance_can_cancel_the_round(
    make_round: Any, voters: list[Any], treasury: Any, gov: Any
) -> None:
    rnd = make_round([ETHER, ETHER], budget=ETHER, k=1)
    rnd.castBallot(mask_of([0]), {"from": voters[0]})
    end_voting(rnd)
    treasury.cancelBudgetLine(rnd.lineId(), {"from": gov})
    with reverts("BudgetRoundInsufficientFunds", ETHER, 0, treasury.balance()):
        rnd.finalize({"from": voters[0]})
    with reverts("BudgetRoundUnauthorized", voters[0]):
        rnd.cancel({"from": voters[0]})
    tx = rnd.cancel({"from": gov})
    assert tx.events["RoundCancelled"]["oldPhase"] == 2
    with reverts("BudgetRoundWrongPhase", 4):
        rnd.finalize({"from": voters[0]})


def test_finalize_and_votes_respect_the_window(make_round: Any, voters: list[Any]) -> None:
    rnd = make_round([ETHER, ETHER], budget=ETHER, k=1)
    with reverts("BudgetRoundWrongPhase", 1):
        rnd.finalize({"from": voters[0]})
    end_voting(rnd)
    with reverts("BudgetRoundWrongPhase", 2):
        rnd.castBallot(mask_of([0]), {"from": voters[0]})


# ------------------------------------------------------------------------------------------------ opening


def test_only_governance_opens_and_only_with_a_line_it_stewards(
    make_round: Any, voters: list[Any], treasury: Any, gov: Any, steward: Any
) -> None:
    rnd = make_round([ETHER, ETHER], budget=2 * ETHER, k=1, opened=False)
    assert rnd.phase() == 0
    with reverts("BudgetRoundWrongPhase", 0):
        rnd.castBallot(mask_of([0]), {"from": voters[0]})
    with reverts("BudgetRoundUnauthorized", voters[0]):
        rnd.open({"from": voters[0]})
    expiry = chain.time() + 86_400
    treasury.appropriate("someone else's", steward, ETH, 2 * ETHER, expiry, {"from": gov})
    line = treasury.budgetLineCount()
    with reverts("BudgetRoundLineMismatch", line):  # the newest line's steward is not the round
        rnd.open({"from": gov})
    treasury.appropriate("too small", rnd, ETH, ETHER, expiry, {"from": gov})
    with reverts("BudgetRoundLineMismatch", line + 1):  # less than the budget
        rnd.open({"from": gov})
    treasury.appropriate("expires too soon", rnd, ETH, 2 * ETHER, chain.time() + PERIOD // 2, {"from": gov})
    with reverts("BudgetRoundLineMismatch", line + 2):
        rnd.open({"from": gov})
    treasury.appropriate("right", rnd, ETH, 3 * ETHER, expiry, {"from": gov})
    tx = rnd.open({"from": gov})
    assert tx.events["RoundOpened"]["lineId"] == line + 3
    with reverts("BudgetRoundWrongPhase", 1):
        rnd.open({"from": gov})


def test_the_round_never_spends_beyond_its_budget_even_if_the_line_is_larger(
    make_round: Any, voters: list[Any], treasury: Any
) -> None:
    rnd = make_round([2 * ETHER, 2 * ETHER], budget=2 * ETHER, k=2, line=10 * ETHER)
    rnd.castBallot(mask_of([0, 1]), {"from": voters[0]})
    end_voting(rnd)
    tx = rnd.finalize({"from": voters[0]})
    assert finalized(tx)["paid"] == 2 * ETHER
    assert treasury.remaining(rnd.lineId()) == 8 * ETHER


def test_plans_and_config_are_checked_at_deployment(make_round: Any) -> None:
    with reverts("BudgetRoundInvalidPlan", 1):
        make_round([ETHER], budget=ETHER, k=1, opened=False)
    with reverts("BudgetRoundInvalidPlan", 65):
        make_round([ETHER] * 65, budget=ETHER, k=1, opened=False)
    with reverts("BudgetRoundInvalidPlan", 1):
        make_round([ETHER, 0], budget=ETHER, k=1, opened=False)
    with reverts("BudgetRoundInvalidConfig"):
        make_round([ETHER, ETHER], budget=ETHER, k=3, opened=False)
    with reverts("BudgetRoundInvalidConfig"):
        make_round([ETHER, ETHER], budget=0, k=1, opened=False)


def test_events_recompute_the_result(make_round: Any, voters: list[Any]) -> None:
    amounts = [ETHER, 2 * ETHER, ETHER, 3 * ETHER]
    rnd = make_round(amounts, budget=4 * ETHER, k=2)
    masks = [mask_of([0, 1]), mask_of([3]), mask_of([3, 2]), mask_of([1]), mask_of([0])]
    casts = [rnd.castBallot(m, {"from": v}) for v, m in zip(voters, masks, strict=False)]
    end_voting(rnd)
    tx = rnd.finalize({"from": voters[0]})
    ballots = [Ballot(c.events["BallotCast"]["voter"], c.events["BallotCast"]["choices"],
                      c.events["BallotCast"]["weight"]) for c in casts]  # fmt: skip
    tallies = tally_ballots(len(amounts), ballots)
    assert tallies == list(rnd.tallies())
    assert winners(amounts, tallies, 4 * ETHER).mask == finalized(tx)["winners"]


def test_an_erc20_budget_is_paid_in_the_token(make_round: Any, voters: list[Any], treasury: Any, deployer: Any) -> None:
    from brownie import MockERC20

    yen = MockERC20.deploy("Mock Yen", "mJPY", {"from": deployer})
    yen.mint(treasury, 1_000 * ETHER, {"from": deployer})
    rnd = make_round([300 * ETHER, 500 * ETHER, 400 * ETHER], budget=800 * ETHER, k=2, token_address=yen.address)
    rnd.castBallot(mask_of([1, 2]), {"from": voters[0]})
    rnd.castBallot(mask_of([1, 0]), {"from": voters[1]})
    end_voting(rnd)
    eth_before = treasury.balance()
    tx = rnd.finalize({"from": voters[0]})
    assert finalized(tx)["winners"] == mask_of([0, 1])  # #1 (2), then #0 and #2 tie at 1: #0 first, #2 no longer fits
    assert [yen.balanceOf(recipient(i)) for i in range(3)] == [300 * ETHER, 500 * ETHER, 0]
    assert yen.balanceOf(treasury) == 200 * ETHER
    assert treasury.balance() == eth_before
