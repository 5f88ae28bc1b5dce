"""The budget round's rule, recomputed off-chain exactly as ``BudgetRound.previewWinners`` does on chain.

Plans are ordered by approvals (total weight) descending, ties by plan order (lower index first). Going down that
order with ``left = budget``: a plan with at least one approval whose amount is at most ``left`` wins and
``left -= amount``; a plan that no longer fits is skipped and the next one is considered. Plans nobody approved never
win. Ballots are bitmasks (bit i approves plan i); each voter counts once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from furusato.errors import BudgetRoundError


@dataclass(frozen=True)
class Ballot:
    """One counted ballot, as the ``BallotCast`` event carries it."""

    voter: str
    choices: int
    weight: int


@dataclass(frozen=True)
class RoundResult:
    """What the rule picks: the winners (plan indices, ascending), their total and what is left of the budget."""

    winners: tuple[int, ...]
    total: int
    leftover: int

    @property
    def mask(self) -> int:
        return mask_of(self.winners)


def mask_of(plan_ids: Iterable[int]) -> int:
    """The ballot bitmask approving ``plan_ids``."""
    mask = 0
    for i in plan_ids:
        if i < 0:
            raise BudgetRoundError(f"plan index {i} is negative")
        mask |= 1 << i
    return mask


def plans_of(mask: int) -> tuple[int, ...]:
    """The plan indices a bitmask approves, ascending."""
    return tuple(i for i in range(mask.bit_length()) if mask >> i & 1)


def tally_ballots(plan_count: int, ballots: Iterable[Ballot]) -> list[int]:
    """Approvals per plan; refuses a voter seen twice or a ballot naming a plan beyond ``plan_count``."""
    tallies = [0] * plan_count
    seen: set[str] = set()
    for ballot in ballots:
        voter = ballot.voter.lower()
        if voter in seen:
            raise BudgetRoundError(f"voter {ballot.voter} has two ballots; each member counts once")
        seen.add(voter)
        if ballot.choices >> plan_count:
            raise BudgetRoundError(f"ballot of {ballot.voter} approves a plan beyond the {plan_count} plans")
        for i in plans_of(ballot.choices):
            tallies[i] += ballot.weight
    return tallies


def winners(amounts: Sequence[int], tallies: Sequence[int], budget: int) -> RoundResult:
    """The plans the rule funds from ``tallies`` within ``budget``."""
    if len(amounts) != len(tallies):
        raise BudgetRoundError(f"{len(amounts)} plan amounts but {len(tallies)} tallies")
    order = sorted(range(len(amounts)), key=lambda i: (-tallies[i], i))
    left, picked = budget, []
    for i in order:
        if tallies[i] == 0:
            break
        if amounts[i] <= left:
            picked.append(i)
            left -= amounts[i]
    return RoundResult(winners=tuple(sorted(picked)), total=budget - left, leftover=left)
