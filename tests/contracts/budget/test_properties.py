"""Hypothesis properties of BudgetRound against the rule recomputed off-chain: for any plans, budget and ballots,
Σ paid ≤ budget, the treasury's outflow is exactly Σ paid, the winners are exactly what the rule picks from the
tallies, and each member is counted once (a second ballot reverts and changes no tally)."""

from __future__ import annotations

from typing import Any

from brownie import chain, web3
from brownie.exceptions import VirtualMachineError
from brownie.test import given
from helpers import advance
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from furusato.budget import Ballot, tally_ballots, winners

from .conftest import ETHER, recipient

amounts_st = st.lists(st.integers(1, 6).map(lambda x: x * ETHER // 2), min_size=2, max_size=8)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    amounts=amounts_st,
    budget_halves=st.integers(1, 16),
    k=st.integers(1, 3),
    raw=st.lists(st.tuples(st.integers(0, 19), st.integers(1, 2**8 - 1)), max_size=25),
)
def test_finalize_pays_exactly_what_the_rule_picks(
    make_round: Any, voters: list[Any], treasury: Any, amounts: list[int], budget_halves: int, k: int, raw: Any
) -> None:
    n = len(amounts)
    k = min(k, n)
    budget = budget_halves * ETHER // 2
    rnd = make_round(amounts, budget=budget, k=k)
    cast: list[Ballot] = []
    for who, bits in raw:
        choices = bits & ((1 << n) - 1)
        ok = choices != 0 and bin(choices).count("1") <= k and not rnd.hasVoted(voters[who])
        before = list(rnd.tallies())
        try:
            tx = rnd.castBallot(choices, {"from": voters[who]})
        except VirtualMachineError:
            assert not ok
            assert list(rnd.tallies()) == before  # a refused ballot (second one, too many, none) changes nothing
            continue
        assert ok
        cast.append(Ballot(voters[who].address, choices, tx.events["BallotCast"]["weight"]))
    assert rnd.ballotCount() == len({b.voter for b in cast}) == len(cast)
    tallies = tally_ballots(n, cast)
    assert list(rnd.tallies()) == tallies
    _, _, end = rnd.window()
    advance(end - chain.time() + 1)
    balances = [web3.eth.get_balance(recipient(i)) for i in range(n)]
    before = treasury.balance()
    tx = rnd.finalize({"from": voters[0]})
    expected = winners(amounts, tallies, budget)
    event = tx.events["RoundFinalized"]
    assert event["winners"] == expected.mask
    assert event["paid"] == expected.total <= budget
    assert before - treasury.balance() == expected.total
    paid = [web3.eth.get_balance(recipient(i)) - balances[i] for i in range(n)]
    assert paid == [amounts[i] if i in expected.winners else 0 for i in range(n)]
