"""The budget round's rule and PLANS.yaml validation, without a chain: the rule's properties for any tallies
(hypothesis), its documented tie-break and skip, and plans-file mistakes named with what to do."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from furusato.budget import Ballot, mask_of, plans_of, tally_ballots, winners
from furusato.budget.plans import parse_round_spec
from furusato.budget.round import parse_plan_numbers
from furusato.errors import BudgetRoundError

R = "0x" + "11" * 20


@given(
    data=st.lists(st.tuples(st.integers(1, 50), st.integers(0, 9)), min_size=2, max_size=30),
    budget=st.integers(1, 200),
)
def test_the_rule_never_overspends_and_every_skipped_plan_did_not_fit(data: list[tuple[int, int]], budget: int) -> None:
    amounts, tallies = [a for a, _ in data], [t for _, t in data]
    result = winners(amounts, tallies, budget)
    assert result.total == sum(amounts[i] for i in result.winners) <= budget
    assert result.leftover == budget - result.total
    # walk the order again: each approved plan that lost did not fit in what was left when its turn came
    left = budget
    for i in sorted(range(len(data)), key=lambda i: (-tallies[i], i)):
        if i in result.winners:
            left -= amounts[i]
        elif tallies[i]:
            assert amounts[i] > left
        else:
            assert i not in result.winners


def test_ties_by_plan_order_and_skip_then_continue() -> None:
    assert winners([3, 3, 3], [5, 5, 5], 6).winners == (0, 1)
    assert winners([10, 2, 3], [9, 1, 5], 5).winners == (1, 2)  # #0 never fits, #2 then #1
    assert winners([1, 1], [0, 0], 5).winners == ()  # nobody voting funds nothing


def test_each_voter_counts_once() -> None:
    with pytest.raises(BudgetRoundError, match="has two ballots"):
        tally_ballots(3, [Ballot("0xA", 1, 1), Ballot("0xa", 2, 1)])
    assert tally_ballots(3, [Ballot("0xA", mask_of([0, 2]), 2), Ballot("0xB", 4, 1)]) == [2, 0, 3]
    assert plans_of(mask_of([4, 1])) == (1, 4)


def spec(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"title": "t", "budget": "5", "max_approvals": 2,
                            "plans": [{"title": "a", "description": "a", "recipient": R, "amount": "1"},
                                      {"title": "b", "description_hash": "0x" + "ab" * 32, "recipient": R,
                                       "amount": "2"}]}  # fmt: skip
    data.update(overrides)
    return data


def test_a_valid_plans_file() -> None:
    s = parse_round_spec(spec(), "plans.yaml")
    assert s.budget == 5 * 10**18
    assert s.plans[1].description_hash == bytes.fromhex("ab" * 32)
    assert s.voters == "members"
    assert "#2 b: 2 ETH" in s.description()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"budget": "0"}, "budget"),
        ({"colour": "red"}, "unknown key(s) colour"),
        ({"plans": [{"title": "a", "recipient": R, "amount": "1"}] * 2}, "plans[1].description must be non-empty"),
        ({"plans": [{"title": "a", "description": "a", "recipient": "0x" + "00" * 20, "amount": "1"}] * 2},
         "recipient is the zero address"),
        ({"plans": [{"title": "a", "description": "a", "recipient": R, "amount": 1.5}] * 2}, "amount"),
        ({"token": "0x1234"}, "token"),
    ],
)  # fmt: skip
def test_plans_file_mistakes_are_named(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(BudgetRoundError, match=None) as exc:
        parse_round_spec(spec(**overrides), "plans.yaml")
    assert message in str(exc.value)
    assert "plans.yaml" in str(exc.value) or "plans[" in str(exc.value)


def test_plan_numbers_from_the_command_line() -> None:
    assert parse_plan_numbers("1, 3", 3, 2) == 0b101
    for text, message in (("0", "not a plan number"), ("4", "not a plan number"), ("1,1", "named twice"),
                          ("1,2,3", "at most 2")):  # fmt: skip
        with pytest.raises(BudgetRoundError, match=message):
            parse_plan_numbers(text, 3, 2)
