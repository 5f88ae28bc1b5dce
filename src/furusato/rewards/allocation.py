"""Turn checked log rows into per-member token allocations, in integer base units.

The rules, in order:

1. **Earned.** For each member, ``Σ quantity × rate`` over their rows, computed exactly (Decimal quantities
   times integer base-unit rates), then rounded *down* once, per member, to a whole base unit.
2. **Cap.** Each member gets at most the policy's ``member_cap``; members above it are listed as capped.
3. **Budget.** If the capped total exceeds ``epoch_budget``: with ``over_budget: reject`` the plan is refused;
   with ``pro_rata`` every member's amount ``a`` is scaled to ``a × budget / total``. Shares are rounded down and
   the leftover base units (fewer than the number of members) go one each to the members with the largest
   remainders — the largest-remainder (Hamilton) method; equal remainders are broken by address ascending
   (as a number, i.e. lowercase hex order). The scaled total then equals the budget exactly, and nobody
   gets more than their capped amount.

Guarantees: ``total ≤ budget``, every amount ``≤ member_cap``, the result depends only on the set of rows
(not their order) and is deterministic. Members whose amount is 0 stay in :attr:`Allocation.members` (so
reports can show their rows) but not in :attr:`Allocation.recipients` (the Merkle tree's members).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Context, Decimal, Inexact, InvalidOperation, Overflow
from fractions import Fraction
from functools import reduce

from furusato.errors import InputError
from furusato.rewards.activity_log import ActivityRow
from furusato.rewards.policy import Activity, Epoch, OverBudget, Policy
from furusato.units import format_units

__all__ = ["Allocation", "MemberAllocation", "activity_of", "allocate", "row_value"]

# Exact arithmetic: quantities have at most 18 decimal places and are bounded by the policy, so 1000 digits
# never round; should they ever, Inexact is raised rather than a silently rounded amount used.
_EXACT = Context(prec=1000, traps=[Inexact, InvalidOperation, Overflow])


@dataclass(frozen=True)
class MemberAllocation:
    """One member's rows and amounts (base units)."""

    member: str
    rows: tuple[ActivityRow, ...]
    """The member's log rows, by line."""
    earned: int
    """``Σ quantity × rate`` rounded down to a base unit, before cap and scaling."""
    capped: bool
    """Whether the member cap cut ``earned``."""
    amount: int
    """The final allocation."""


@dataclass(frozen=True)
class Allocation:
    """Per-member allocations of one epoch."""

    epoch: Epoch
    decimals: int
    budget: int
    cap: int
    members: tuple[MemberAllocation, ...]
    """Every member with log rows, by address ascending (lowercase hex order)."""
    earned_total: int
    """Σ earned, before cap and scaling."""
    capped_total: int
    """Σ min(earned, cap): the total before scaling."""
    total: int
    """Σ amount: what the tree pays out."""
    scale: Fraction
    """``budget / capped_total`` when scaled, else 1."""

    @property
    def scaled(self) -> bool:
        """Whether amounts were scaled down pro rata to fit the budget."""
        return self.scale != 1

    @property
    def recipients(self) -> tuple[MemberAllocation, ...]:
        """Members with a non-zero amount: exactly the Merkle tree's members."""
        return tuple(m for m in self.members if m.amount > 0)

    @property
    def capped_members(self) -> tuple[MemberAllocation, ...]:
        """Members whose earned amount was cut to the cap."""
        return tuple(m for m in self.members if m.capped)


def activity_of(row: ActivityRow, policy: Policy) -> Activity:
    """The policy's activity of ``row``; InputError if the row was not checked against this policy."""
    activity = policy.activity(row.activity)
    if activity is None:
        raise InputError(f"line {row.line}: activity type {row.activity!r} is not in the policy {policy.source}")
    return activity


def row_value(row: ActivityRow, policy: Policy) -> Decimal:
    """The exact base-unit value ``quantity × rate`` of one row (may have a fractional part)."""
    return _EXACT.multiply(row.quantity, Decimal(activity_of(row, policy).rate_units))


def _tokens(units: int, policy: Policy) -> str:
    return format_units(units, policy.decimals, grouping=False)


def _address_order(member: str) -> str:
    return member.lower()


def _pro_rata(amounts: list[int], members: list[str], budget: int) -> list[int]:
    """Scale ``amounts`` to sum to ``budget`` exactly: largest remainder, ties by address ascending."""
    total = sum(amounts)
    shares = [divmod(a * budget, total) for a in amounts]
    scaled = [quotient for quotient, _ in shares]
    leftover = budget - sum(scaled)
    order = sorted(range(len(amounts)), key=lambda i: (-shares[i][1], _address_order(members[i])))
    for i in order[:leftover]:
        scaled[i] += 1
    return scaled


def allocate(
    rows: Iterable[ActivityRow], policy: Policy, epoch: Epoch, *, log_name: str = "activity log"
) -> Allocation:
    """Compute the epoch's allocations from checked rows under ``policy``.

    Raises :class:`~furusato.errors.InputError` (naming ``log_name``) when the total exceeds the budget and
    the policy says ``over_budget: reject``.
    """
    by_member: defaultdict[str, list[ActivityRow]] = defaultdict(list)
    for row in rows:
        by_member[row.member].append(row)
    members = sorted(by_member, key=_address_order)
    member_rows = [tuple(sorted(by_member[m], key=lambda r: r.line)) for m in members]
    # int() truncates, which is rounding down for these non-negative sums.
    earned = [int(reduce(_EXACT.add, [row_value(r, policy) for r in rs], Decimal(0))) for rs in member_rows]
    capped = [min(e, policy.member_cap) for e in earned]
    capped_total = sum(capped)
    amounts, scale = capped, Fraction(1)
    if capped_total > policy.epoch_budget:
        if policy.over_budget is OverBudget.REJECT:
            raise InputError(
                f"{log_name}: the members earned {_tokens(capped_total, policy)} tokens (after the "
                f"member cap), more than the epoch budget {_tokens(policy.epoch_budget, policy)}; "
                f"the policy says over_budget: reject"
            )
        amounts = _pro_rata(capped, members, policy.epoch_budget)
        scale = Fraction(policy.epoch_budget, capped_total)
    allocations = tuple(
        MemberAllocation(m, rs, e, e > policy.member_cap, a)
        for m, rs, e, a in zip(members, member_rows, earned, amounts, strict=True)
    )
    return Allocation(
        epoch=epoch,
        decimals=policy.decimals,
        budget=policy.epoch_budget,
        cap=policy.member_cap,
        members=allocations,
        earned_total=sum(earned),
        capped_total=capped_total,
        total=sum(amounts),
        scale=scale,
    )
