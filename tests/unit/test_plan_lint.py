"""The plan's lint (issue 11): each trap of a town config is named in the plan with what to change."""

from __future__ import annotations

from dataclasses import replace

from furusato.config import Allocation, load_config
from furusato.deploy.lint import lint_plan

TOKEN = 10**18
MEMBER = "0x1111111111111111111111111111111111111111"
COORDINATOR = "0x2222222222222222222222222222222222222222"


def messages(config, level):
    return [f.message for f in lint_plan(config) if f.level == level]


def test_the_local_preset_has_no_finding():
    assert lint_plan(load_config(preset="local")) == []


def test_the_shipped_town_preset_is_a_dao_in_which_nobody_could_ever_propose():
    """The trap: no genesis, threshold 1000, no coordinator: deployed without a word."""
    (error,) = messages(load_config(preset="town"), "error")
    assert "nobody could ever propose" in error
    assert "1,000 tokens" in error
    assert "genesis allocation of 1,000 tokens or more" in error
    assert "lower governor.proposal_threshold" in error


def test_a_genesis_holder_with_the_threshold_clears_the_error():
    town = load_config(preset="town")
    ok = replace(town, genesis=(Allocation(MEMBER, 1_000 * TOKEN),))
    assert messages(ok, "error") == []
    split = replace(town, genesis=(Allocation(MEMBER, 600 * TOKEN), Allocation(MEMBER, 400 * TOKEN)))
    assert messages(split, "error") == []  # one holder's allocations add up
    short = replace(town, genesis=(Allocation(MEMBER, 999 * TOKEN),))
    assert messages(short, "error")


def test_rewards_that_can_mint_make_it_a_warning():
    town = load_config(preset="town")
    assert town.rewards is not None
    rewards = replace(town.rewards, coordinators=(COORDINATOR,), standing_budget=500 * TOKEN)
    config = replace(town, rewards=rewards)
    assert messages(config, "error") == []
    assert any("nobody can propose at first" in w for w in messages(config, "warning"))


def test_a_zero_standing_budget_with_coordinators_is_a_warning():
    town = load_config(preset="town")
    assert town.rewards is not None
    config = replace(town, rewards=replace(town.rewards, coordinators=(COORDINATOR,)))
    assert any(
        "rewards.standing_budget is 0 with 1 coordinator(s)" in w and "setEpochBudget" in w
        for w in messages(config, "warning")
    )


def test_no_guardian_and_a_challenge_window_shorter_than_governance_is_a_warning():
    town = replace(load_config(preset="town"), genesis=(Allocation(MEMBER, 1_000 * TOKEN),))
    (warning,) = messages(town, "warning")  # town: 2-day window, 1 + 7 + 2 days of governance, no guardian
    assert "no guardian" in warning
    assert "challenge window (2 day(s))" in warning
    assert "10 day(s)" in warning
    assert "Set governor.guardian" in warning
    assert messages(replace(town, guardian=COORDINATOR), "warning") == []
    assert town.rewards is not None
    long_window = replace(town, rewards=replace(town.rewards, challenge_window=10 * 86400))
    assert messages(long_window, "warning") == []


def test_a_voting_period_shorter_than_the_late_quorum_extension_is_a_warning():
    local = load_config(preset="local")
    (warning,) = messages(replace(local, voting_period=3600, late_quorum_extension=7200), "warning")
    assert "voting_period (1 hour(s)) is shorter than governor.late_quorum_extension (2 hour(s))" in warning


def test_a_timelock_delay_under_a_day_is_a_warning_on_a_live_network_only():
    """Governance may not set less than RegionTimelock.MIN_DELAY; a live deployment with less is warned."""
    local = load_config(preset="local")  # 60 s: right for a development chain
    assert lint_plan(local) == []
    (warning,) = [f for f in lint_plan(local, live=True) if "timelock.min_delay" in f.message]
    assert warning.level == "warning"
    assert warning.message.startswith("timelock.min_delay is 60 s: ")
    assert 'Use at least "1 day"' in warning.message
    town = load_config(preset="town")
    assert [f for f in lint_plan(town, live=True) if "timelock.min_delay" in f.message] == []
    a_day = replace(town, timelock_delay=86_400)
    assert [f for f in lint_plan(a_day, live=True) if "timelock.min_delay" in f.message] == []
    just_under = replace(town, timelock_delay=86_399)
    assert [f.level for f in lint_plan(just_under, live=True) if "timelock.min_delay" in f.message] == ["warning"]
