"""RegionTimelock: OpenZeppelin's TimelockController with the minimum delay bounded at 30 days. A passed proposal
may change the delay within the bound; one that asks for more cannot execute (the DAO would otherwise be locked
behind a delay no later proposal could wait out), and neither can a deployment."""

from __future__ import annotations

from typing import Any

from brownie import RegionTimelock, web3
from helpers import pass_proposal, reverts

from furusato.config import MAX_TIMELOCK_DELAY

DAY = 86_400
MAX_DELAY = 30 * DAY


def _update_delay(make_proposal: Any, timelock: Any, delay: int, note: str) -> Any:
    return make_proposal((timelock, "updateDelay", delay), description=f"timelock delay {delay} s ({note})")


def test_the_bound_is_thirty_days_and_the_config_checks_the_same(timelock: Any) -> None:
    assert timelock.MAX_DELAY() == MAX_DELAY == MAX_TIMELOCK_DELAY


def test_governance_may_set_the_delay_up_to_the_bound(governor, timelock, make_proposal, members) -> None:
    proposal = _update_delay(make_proposal, timelock, MAX_DELAY, "the longest allowed")
    before = timelock.getMinDelay()
    tx = pass_proposal(governor, timelock, members, proposal)
    assert tx.events["MinDelayChange"]["oldDuration"] == before
    assert tx.events["MinDelayChange"]["newDuration"] == MAX_DELAY
    assert timelock.getMinDelay() == MAX_DELAY


def test_a_proposal_for_a_longer_delay_cannot_execute_and_changes_nothing(
    governor, timelock, make_proposal, members
) -> None:
    proposal = _update_delay(make_proposal, timelock, MAX_DELAY + 1, "one second too long")
    before = timelock.getMinDelay()
    pass_proposal(governor, timelock, members, proposal, execute=False)
    with reverts("RegionTimelockDelayOutOfBounds", MAX_DELAY + 1, MAX_DELAY):
        governor.execute(*proposal.args(), proposal.description_hash, {"from": members[0]})
    assert timelock.getMinDelay() == before
    assert governor.state(proposal.proposal_id) == 5  # still Queued: it can never run


def test_only_the_timelock_itself_changes_the_delay(timelock, members, deployer) -> None:
    for caller in (members[0], deployer):
        with reverts("TimelockUnauthorizedCaller", caller):
            timelock.updateDelay(DAY, {"from": caller})
    assert timelock.getMinDelay() == 60


def test_a_deployment_with_a_longer_delay_is_refused(deployer) -> None:
    with reverts("RegionTimelockDelayOutOfBounds", MAX_DELAY + 1, MAX_DELAY):
        RegionTimelock.deploy(MAX_DELAY + 1, [], [], deployer, {"from": deployer})
    longest = RegionTimelock.deploy(MAX_DELAY, [], [], deployer, {"from": deployer})
    assert longest.getMinDelay() == MAX_DELAY
    assert web3.eth.get_code(longest.address)
