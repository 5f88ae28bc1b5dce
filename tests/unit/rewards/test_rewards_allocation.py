"""furusato.rewards.allocation and .tree: exact sums, rounding, cap, pro-rata with largest remainders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from furusato.errors import InputError
from furusato.rewards.activity_log import ActivityRow
from furusato.rewards.allocation import allocate
from furusato.rewards.policy import Activity, OverBudget, Policy, normalize_name, parse_epoch, to_base_units
from furusato.rewards.tree import LEAF_ENCODING, build_tree
from furusato.units import format_units

DECEMBER = parse_epoch("2026-12")
# Anvil accounts 1-6; address order (lowercase hex): 15d3 < 3c44 < 7099 < 90f7 < 976e < 9965
A1 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
A2 = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"
A3 = "0x90F79bf6EB2c4f870365E785982E1f101E93b906"
A4 = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65"
A5 = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc"
A6 = "0x976EA74026E726554dB657fA54763abd0C3a0aa9"


def _policy(
    *,
    decimals: int = 0,
    budget: int = 10**30,
    cap: int = 10**30,
    over: OverBudget = OverBudget.PRO_RATA,
    guide_rate: str = "3",
) -> Policy:
    activities = tuple(
        Activity(name, Decimal(rate), to_base_units(Decimal(rate), decimals), (), Decimal(1000))
        for name, rate in [("work", "1"), ("guide", guide_rate)]
    )
    by_name = {normalize_name(a.name): a for a in activities}
    return Policy(Path("policy.yaml"), "0" * 64, decimals, budget, cap, over, activities, by_name, None)


def _rows(*entries: tuple[str, str, str]) -> list[ActivityRow]:
    return [
        ActivityRow(line, member, activity, Decimal(quantity), dt.date(2026, 12, 1), f"row {line}")
        for line, (member, activity, quantity) in enumerate(entries, start=2)
    ]


def test_sums_are_exact_and_rounded_down_once_per_member() -> None:
    rows = _rows((A1, "work", "0.5"), (A1, "work", "0.6"), (A2, "work", "0.4"), (A3, "guide", "1.25"))
    result = allocate(rows, _policy(), DECEMBER)
    amounts = {m.member: m.amount for m in result.members}
    assert amounts == {A1: 1, A2: 0, A3: 3}  # 1.1 → 1 (per row it would be 0), 0.4 → 0, 1.25 × 3 = 3.75 → 3
    assert [m.member for m in result.members] == [A2, A1, A3]  # by address
    assert [m.member for m in result.recipients] == [A1, A3]
    assert result.total == result.capped_total == result.earned_total == 4
    assert not result.scaled
    assert result.scale == 1
    assert [r.line for r in result.members[1].rows] == [2, 3]


def test_token_decimals() -> None:
    result = allocate(_rows((A1, "guide", "1.25")), _policy(decimals=18, guide_rate="2.5"), DECEMBER)
    assert result.total == 3_125 * 10**15
    assert format_units(result.total, 18, grouping=False) == "3.125"


def test_member_cap() -> None:
    rows = _rows((A1, "work", "150"), (A2, "work", "60"))
    result = allocate(rows, _policy(cap=100), DECEMBER)
    assert {m.member: (m.earned, m.amount, m.capped) for m in result.members} == {
        A1: (150, 100, True),
        A2: (60, 60, False),
    }
    assert [m.member for m in result.capped_members] == [A1]
    assert (result.earned_total, result.capped_total, result.total) == (210, 160, 160)


def test_pro_rata_gives_leftover_units_to_largest_remainders() -> None:
    rows = _rows((A1, "work", "5"), (A2, "work", "3"), (A3, "work", "2"))
    result = allocate(rows, _policy(budget=7), DECEMBER)
    # 5·7/10 = 3.5, 3·7/10 = 2.1, 2·7/10 = 1.4 → floors 3, 2, 1 (6); the 1 left goes to the .5 remainder.
    assert {m.member: m.amount for m in result.members} == {A1: 4, A2: 2, A3: 1}
    assert result.scaled
    assert result.scale == Fraction(7, 10)
    assert result.total == 7


def test_pro_rata_ties_go_to_the_lowest_addresses() -> None:
    rows = _rows((A5, "work", "3"), (A1, "work", "3"), (A6, "work", "3"), (A4, "work", "3"))
    result = allocate(rows, _policy(budget=10), DECEMBER)
    # Each share is 2.5: floors give 8, the 2 left go to the two lowest addresses (A4 = 0x15d3…, A1 = 0x7099…).
    assert {m.member: m.amount for m in result.members} == {A4: 3, A1: 3, A6: 2, A5: 2}


def test_pro_rata_after_cap() -> None:
    rows = _rows((A1, "work", "500"), (A2, "work", "100"))
    result = allocate(rows, _policy(budget=100, cap=200), DECEMBER)
    # capped: 200 + 100 = 300 > 100 → × 1/3
    assert {m.member: m.amount for m in result.members} == {A1: 67, A2: 33}
    assert result.capped_total == 300
    assert result.scale == Fraction(1, 3)


def test_reject_when_over_budget() -> None:
    rows = _rows((A1, "work", "8"), (A2, "work", "3"))
    with pytest.raises(InputError) as info:
        allocate(rows, _policy(budget=10, over=OverBudget.REJECT), DECEMBER, log_name="dec.csv")
    message = str(info.value)
    assert message.startswith("dec.csv: ")
    assert "earned 11 tokens" in message
    assert "epoch budget 10" in message
    assert "over_budget: reject" in message
    assert allocate(rows[:1], _policy(budget=10, over=OverBudget.REJECT), DECEMBER).total == 8


def test_rows_of_an_activity_not_in_the_policy() -> None:
    with pytest.raises(InputError, match="activity type 'dancing' is not in the policy"):
        allocate(_rows((A1, "dancing", "1")), _policy(), DECEMBER)


def test_tree_has_one_leaf_per_recipient_by_address() -> None:
    rows = _rows((A1, "work", "2"), (A2, "work", "0"), (A3, "work", "1"))
    tree = build_tree(allocate(rows, _policy(), DECEMBER))
    assert tree.leaf_encoding == LEAF_ENCODING
    assert LEAF_ENCODING == ("uint256", "uint256", "address", "uint256")
    assert tree.values == ((202612, 0, A1, 2), (202612, 1, A3, 1))


def test_no_tree_when_nobody_earned_anything() -> None:
    with pytest.raises(InputError, match=r"dec\.csv: no member earned any tokens in epoch 202612"):
        build_tree(allocate(_rows((A1, "work", "0.4")), _policy(), DECEMBER), log_name="dec.csv")


@pytest.mark.parametrize(
    ("units", "decimals", "text"),
    [(0, 18, "0"), (10**18, 18, "1"), (15 * 10**17, 18, "1.5"), (1, 18, "0.000000000000000001"), (1234, 0, "1234")],
)
def test_format_units(units: int, decimals: int, text: str) -> None:
    assert format_units(units, decimals, grouping=False) == text
