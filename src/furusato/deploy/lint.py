"""The plan's lint: a DAO that could never work is an error, a DAO with a trap a warning — each says what to change.

Read-only and chain-free: it looks at the validated config alone. The preflight refuses on an error (before the
question, before anything is sent); warnings are printed with the plan.
"""

from __future__ import annotations

from dataclasses import dataclass

from furusato.config import MIN_TIMELOCK_DELAY, DeployConfig
from furusato.units import format_duration, format_units


@dataclass(frozen=True)
class Finding:
    """One lint finding: ``level`` is ``"error"`` (the DAO could never work) or ``"warning"``."""

    level: str
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.message}"


def _days(seconds: int) -> str:
    if seconds % 86400 == 0:
        return f"{seconds // 86400} day(s)"
    if seconds % 3600 == 0:
        return f"{seconds // 3600} hour(s)"
    return f"{seconds} s"


def lint_plan(config: DeployConfig, *, live: bool = False) -> list[Finding]:
    """Every finding of ``config``, errors first; ``live`` adds what only matters off a development chain."""
    c = config
    found: list[Finding] = []
    if live and c.timelock_delay < MIN_TIMELOCK_DELAY:
        found.append(Finding("warning", (
            f"timelock.min_delay is {_days(c.timelock_delay)}: a passed proposal runs that soon after it is queued, "
            "leaving members less than a day to react, and governance could never set it this short again "
            f'(RegionTimelock.MIN_DELAY). Use at least "{format_duration(MIN_TIMELOCK_DELAY)}" (the town preset has '
            '"2 days")'
        )))  # fmt: skip
    holdings: dict[str, int] = {}
    for a in c.genesis:
        holdings[a.to] = holdings.get(a.to, 0) + a.amount
    richest = max(holdings.values(), default=0)
    threshold = format_units(c.proposal_threshold)
    rewards_can_mint = bool(c.rewards and c.rewards.coordinators and c.rewards.standing_budget > 0)
    if c.proposal_threshold > 0 and richest < c.proposal_threshold:
        fix = (
            f"give at least one genesis allocation of {threshold} tokens or more (genesis: [{{to: …, amount: …}}]), "
            "or lower governor.proposal_threshold"
        )
        if rewards_can_mint:
            found.append(Finding("warning", (
                f"nobody can propose at first: no genesis holder has the proposal threshold ({threshold} tokens); only "
                f"rewards can give someone enough. To propose from day one, {fix}"
            )))  # fmt: skip
        else:
            found.append(Finding("error", (
                f"nobody could ever propose: no genesis holder has the proposal threshold ({threshold} tokens) and "
                "no tokens can be minted without a proposal (no reward coordinator with a standing budget). "
                f"Change the config: {fix}"
            )))  # fmt: skip
    if c.rewards and c.rewards.coordinators and c.rewards.standing_budget == 0:
        found.append(Finding("warning", (
            f"rewards.standing_budget is 0 with {len(c.rewards.coordinators)} coordinator(s): they can publish no "
            "rewards until a proposal sets an epoch's budget (setEpochBudget). Set rewards.standing_budget to the "
            "tokens an epoch may pay, or plan that proposal each epoch"
        )))  # fmt: skip
    if c.rewards and c.guardian is None:
        governance = c.voting_delay + c.voting_period + c.timelock_delay
        if c.rewards.challenge_window < governance:
            found.append(Finding("warning", (
                f"no guardian, and governance cannot void a wrong reward root in time: the challenge window "
                f"({_days(c.rewards.challenge_window)}) is shorter than a proposal takes (voting delay + period + "
                f"timelock = {_days(governance)}). Set governor.guardian (the resident council's multisig), or make "
                f"rewards.challenge_window at least {_days(governance)}"
            )))  # fmt: skip
    if 0 < c.voting_period < c.late_quorum_extension:
        found.append(Finding("warning", (
            f"governor.voting_period ({_days(c.voting_period)}) is shorter than governor.late_quorum_extension "
            f"({_days(c.late_quorum_extension)}): a quorum reached late extends a vote by more than its whole length. "
            "Make voting_period longer or late_quorum_extension shorter"
        )))  # fmt: skip
    return sorted(found, key=lambda f: f.level != "error")
