"""RegionTimelock: OpenZeppelin's TimelockController with the minimum delay bounded. A passed proposal may change the
delay within [1 day, 30 days]. One that asks for less (members would lose their window to react to a passed
proposal) or more (the DAO would be locked behind a delay no later proposal could wait out) cannot execute. A
deployment may not exceed 30 days but may be shorter than a day (development chains use 60 s)."""

from __future__ import annotations

from typing import Any

import pytest
from brownie import RegionTimelock, web3
from helpers import pass_proposal, reverts

from furusato.config import MAX_TIMELOCK_DELAY, MIN_TIMELOCK_DELAY

DAY = 86_400
MIN_DELAY = DAY
MAX_DELAY = 30 * DAY


def _update_delay(make_proposal: Any, timelock: Any, delay: int, note: str) -> Any:
    return make_proposal((timelock, "updateDelay", delay), description=f"timelock delay {delay} s ({note})")


def test_the_bounds_are_a_day_and_thirty_days_and_the_config_checks_the_same(timelock: Any) -> None:
    assert timelock.MIN_DELAY() == MIN_DELAY == MIN_TIMELOCK_DELAY
    assert timelock.MAX_DELAY() == MAX_DELAY == MAX_TIMELOCK_DELAY


@pytest.mark.parametrize(("delay", "note"), [(MIN_DELAY, "the shortest allowed"), (MAX_DELAY, "the longest allowed")])
def test_governance_may_set_the_delay_within_the_bounds(
    governor, timelock, make_proposal, members, delay, note
) -> None:
    proposal = _update_delay(make_proposal, timelock, delay, note)
    before = timelock.getMinDelay()
    tx = pass_proposal(governor, timelock, members, proposal)
    assert tx.events["MinDelayChange"]["oldDuration"] == before
    assert tx.events["MinDelayChange"]["newDuration"] == delay
    assert timelock.getMinDelay() == delay


OUTSIDE = [(0, "no window at all"), (MIN_DELAY - 1, "one second short"), (MAX_DELAY + 1, "one second long")]


@pytest.mark.parametrize(("delay", "note"), OUTSIDE)
def test_a_proposal_for_a_delay_outside_the_bounds_cannot_execute_and_changes_nothing(
    governor, timelock, make_proposal, members, delay, note
) -> None:
    proposal = _update_delay(make_proposal, timelock, delay, note)
    before = timelock.getMinDelay()
    pass_proposal(governor, timelock, members, proposal, execute=False)
    with reverts("RegionTimelockDelayOutOfBounds", delay, MIN_DELAY, MAX_DELAY):
        governor.execute(*proposal.args(), proposal.description_hash, {"from": members[0]})
    assert timelock.getMinDelay() == before
    assert governor.state(proposal.proposal_id) == 5  # still Queued: it can never run


def test_only_the_timelock_itself_changes_the_delay(timelock, members, deployer) -> None:
    for caller in (members[0], deployer):
        with reverts("TimelockUnauthorizedCaller", caller):
            timelock.updateDelay(DAY, {"from": caller})
    assert timelock.getMinDelay() == 60


def test_a_deployment_with_a_longer_delay_is_refused_and_a_shorter_one_is_kept(deployer) -> None:
    with reverts("RegionTimelockDelayOutOfBounds", MAX_DELAY + 1, 0, MAX_DELAY):
        RegionTimelock.deploy(MAX_DELAY + 1, [], [], deployer, {"from": deployer})
    for delay in (0, MAX_DELAY):
        deployed = RegionTimelock.deploy(delay, [], [], deployer, {"from": deployer})
        assert deployed.getMinDelay() == delay
        assert web3.eth.get_code(deployed.address)
