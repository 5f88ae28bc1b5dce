"""Attacks on the treasury and the timelock path (issue 10): timelock bypass, treasury reentrancy, budget overspend."""

from __future__ import annotations

from typing import Any

from brownie import ReentrantSteward, accounts, chain
from helpers import advance, reverts, w3c

from furusato.governance import Proposal, Support, call_action

ETHER = 10**18
ZERO = "0x0000000000000000000000000000000000000000"


def test_timelock_bypass_direct_payment_is_refused(treasury: Any, deployer: Any, alice: Any, guardian: Any) -> None:
    deployer.transfer(treasury, 2 * ETHER)
    for caller in (alice, deployer, guardian):
        with reverts("OwnableUnauthorizedAccount", caller):
            treasury.pay(ZERO, caller, ETHER, "take", {"from": caller})


def test_timelock_bypass_unscheduled_or_early_execution_is_refused(
    governor: Any, timelock: Any, treasury: Any, deployer: Any, members: list[Any], project: Any
) -> None:
    deployer.transfer(treasury, 2 * ETHER)
    pay = Proposal((call_action(w3c(treasury), "pay", ZERO, project.address, ETHER, "x"),), "pay early")
    alice = members[0]
    with reverts("AccessControlUnauthorizedAccount", ...):  # a member cannot schedule on the timelock itself
        timelock.schedule(pay.targets[0], 0, pay.calldatas[0], b"\x00" * 32, b"\x00" * 32, 60, {"from": alice})
    governor.propose(*pay.args(), pay.description, {"from": alice})
    pid = pay.proposal_id
    with reverts("GovernorUnexpectedProposalState", ...):  # not succeeded yet
        governor.execute(*pay.args(), pay.description_hash, {"from": alice})
    advance(governor.votingDelay() + 1)
    for voter in members:
        governor.castVote(pid, Support.For, {"from": voter})
    advance(governor.proposalDeadline(pid) - chain.time() + 1)
    with reverts("GovernorUnexpectedProposalState", ...):  # succeeded but never queued: refused
        governor.execute(*pay.args(), pay.description_hash, {"from": alice})
    governor.queue(*pay.args(), pay.description_hash, {"from": alice})
    with reverts("TimelockUnexpectedOperationState", ...):  # queued, delay not over
        governor.execute(*pay.args(), pay.description_hash, {"from": alice})
    advance(timelock.getMinDelay() + 1)
    governor.execute(*pay.args(), pay.description_hash, {"from": alice})
    assert project.balance() >= ETHER


def test_treasury_reentrancy_by_a_steward_contract_is_stopped(treasury: Any, timelock: Any, deployer: Any) -> None:
    owner = accounts.at(timelock.address, force=True)
    deployer.transfer(treasury, 5 * ETHER)
    attacker = ReentrantSteward.deploy(treasury, {"from": deployer})
    expires = chain.time() + 86_400
    line = treasury.appropriate("festival", attacker, ZERO, 3 * ETHER, expires, {"from": owner}).return_value
    attacker.arm(1, line, ETHER, {"from": deployer})  # re-enter spend from receive()
    with reverts("ReentrancyGuardReentrantCall"):
        attacker.spendToSelf(line, ETHER, "first", {"from": deployer})
    assert treasury.remaining(line) == 3 * ETHER
    assert attacker.balance() == 0


def test_budget_overspend_of_a_line_is_refused(treasury: Any, timelock: Any, deployer: Any, steward: Any) -> None:
    owner = accounts.at(timelock.address, force=True)
    deployer.transfer(treasury, 5 * ETHER)
    line = treasury.appropriate("festival", steward, ZERO, ETHER, chain.time() + 86_400, {"from": owner}).return_value
    treasury.spend(line, steward, ETHER // 2, "half", {"from": steward})
    with reverts("TreasuryBudgetExceeded", line, ETHER // 2 + 1, ETHER // 2):
        treasury.spend(line, steward, ETHER // 2 + 1, "more", {"from": steward})
    treasury.cancelBudgetLine(line, {"from": owner})
    with reverts("TreasuryBudgetLineCancelled", line):
        treasury.spend(line, steward, 1, "after cancel", {"from": steward})
