"""Who holds which power after deployment: nobody but the governance contracts, and only the way intended."""

from __future__ import annotations

from typing import Any

import pytest
from brownie import accounts, chain, web3
from helpers import advance, reverts
from web3 import Web3

TOKEN = 10**18
ZERO = "0x0000000000000000000000000000000000000000"
ZERO32 = b"\x00" * 32
ADMIN_ROLE = ZERO32
MINTER_ROLE = bytes(Web3.keccak(text="MINTER_ROLE"))
PROPOSER_ROLE = bytes(Web3.keccak(text="PROPOSER_ROLE"))
CANCELLER_ROLE = bytes(Web3.keccak(text="CANCELLER_ROLE"))
EXECUTOR_ROLE = bytes(Web3.keccak(text="EXECUTOR_ROLE"))
COORDINATOR_ROLE = bytes(Web3.keccak(text="COORDINATOR_ROLE"))
GUARDIAN_ROLE = bytes(Web3.keccak(text="GUARDIAN_ROLE"))
TIMELOCK_ROLES = {
    "admin": ADMIN_ROLE,
    "proposer": PROPOSER_ROLE,
    "canceller": CANCELLER_ROLE,
    "executor": EXECUTOR_ROLE,
}


# ------------------------------------------------------------------------------------------------ helpers


def role_holders(contract: Any) -> dict[bytes, set[str]]:
    """Current members of every role, rebuilt from the contract's RoleGranted / RoleRevoked history."""
    c = web3.eth.contract(address=contract.address, abi=contract.abi)
    events = [(e, +1) for e in c.events.RoleGranted.get_logs(from_block=0)]
    events += [(e, -1) for e in c.events.RoleRevoked.get_logs(from_block=0)]
    events.sort(key=lambda item: (item[0]["blockNumber"], item[0]["logIndex"]))
    holders: dict[bytes, set[str]] = {}
    for event, sign in events:
        members = holders.setdefault(bytes(event["args"]["role"]), set())
        (members.add if sign > 0 else members.discard)(event["args"]["account"])
    return {role: members for role, members in holders.items() if members}


# ------------------------------------------------------------------------------------------------ after deploy


def test_deployer_holds_no_role_anywhere(token, timelock, treasury, governor, rewards, deployer):
    assert not token.hasRole(ADMIN_ROLE, deployer)
    assert not token.hasRole(MINTER_ROLE, deployer)
    for role in TIMELOCK_ROLES.values():
        assert not timelock.hasRole(role, deployer)
    for role in (ADMIN_ROLE, COORDINATOR_ROLE, GUARDIAN_ROLE):
        assert not rewards.hasRole(role, deployer)
    assert treasury.owner() != deployer
    assert governor.proposalGuardian() != deployer


def test_no_account_holds_a_role(token, timelock):
    for account in accounts[:10]:
        assert not token.hasRole(ADMIN_ROLE, account)
        assert not token.hasRole(MINTER_ROLE, account)
        for role in TIMELOCK_ROLES.values():
            assert not timelock.hasRole(role, account), account
    assert not timelock.hasRole(EXECUTOR_ROLE, ZERO)  # execution is not open to anyone


def test_role_history_leaves_exactly_the_intended_holders(token, timelock, governor, rewards, guardian, coordinator):
    # the only minter after genesis is the ActivityRewards contract
    assert role_holders(token) == {ADMIN_ROLE: {timelock.address}, MINTER_ROLE: {rewards.address}}
    assert role_holders(timelock) == {
        ADMIN_ROLE: {timelock.address},
        PROPOSER_ROLE: {governor.address},
        CANCELLER_ROLE: {governor.address},  # the governor is the only canceller
        EXECUTOR_ROLE: {governor.address},
    }
    assert role_holders(rewards) == {
        ADMIN_ROLE: {timelock.address},
        COORDINATOR_ROLE: {coordinator.address},
        GUARDIAN_ROLE: {guardian.address},
    }
    assert bytes(token.getRoleAdmin(MINTER_ROLE)) == ADMIN_ROLE
    for role in TIMELOCK_ROLES.values():
        assert bytes(timelock.getRoleAdmin(role)) == ADMIN_ROLE


def test_governance_wiring(token, timelock, treasury, governor):
    assert treasury.owner() == timelock
    assert governor.timelock() == timelock
    assert governor.token() == token
    assert governor.proposalGuardian() == accounts[9]


# ------------------------------------------------------------------------------------------------ the timelock


@pytest.fixture
def call(treasury, project) -> tuple[str, int, bytes]:
    """A timelock call: pay the project 1 wei from the treasury."""
    contract = web3.eth.contract(address=treasury.address, abi=treasury.abi)
    data = contract.encode_abi("pay", args=[ZERO, project.address, 1, "direct"])
    return treasury.address, 0, bytes.fromhex(data[2:])


def test_members_cannot_use_the_timelock_directly(timelock, call, members, deployer, guardian):
    target, value, data = call
    op = timelock.hashOperation(target, value, data, ZERO32, ZERO32)
    for caller in (*members, deployer, guardian):
        with reverts("AccessControlUnauthorizedAccount", caller, PROPOSER_ROLE):
            timelock.schedule(target, value, data, ZERO32, ZERO32, 60, {"from": caller})
        with reverts("AccessControlUnauthorizedAccount", caller, PROPOSER_ROLE):
            timelock.scheduleBatch([target], [value], [data], ZERO32, ZERO32, 60, {"from": caller})
        with reverts("AccessControlUnauthorizedAccount", caller, EXECUTOR_ROLE):
            timelock.execute(target, value, data, ZERO32, ZERO32, {"from": caller})
        with reverts("AccessControlUnauthorizedAccount", caller, CANCELLER_ROLE):
            timelock.cancel(op, {"from": caller})
    alice = members[0]
    with reverts("TimelockUnauthorizedCaller", alice):
        timelock.updateDelay(0, {"from": alice})
    assert timelock.getMinDelay() == 60


def test_nobody_can_hand_out_roles_outside_governance(token, timelock, deployer, alice):
    for caller in (deployer, alice):
        with reverts("AccessControlUnauthorizedAccount", caller, ADMIN_ROLE):
            token.grantRole(MINTER_ROLE, caller, {"from": caller})
        with reverts("AccessControlUnauthorizedAccount", caller, ADMIN_ROLE):
            timelock.grantRole(PROPOSER_ROLE, caller, {"from": caller})
        with reverts("AccessControlUnauthorizedAccount", caller, ADMIN_ROLE):
            token.revokeRole(ADMIN_ROLE, token.address, {"from": caller})


def test_treasury_and_governor_refuse_direct_control(treasury, governor, deployer, alice, project):
    for caller in (deployer, alice):
        with reverts("OwnableUnauthorizedAccount", caller):
            treasury.transferOwnership(caller, {"from": caller})
        with reverts("OwnableUnauthorizedAccount", caller):
            treasury.renounceOwnership({"from": caller})
        with reverts("GovernorOnlyExecutor", caller):
            governor.relay(project, 0, b"", {"from": caller})


def test_only_the_governor_schedules_and_executes_on_the_timelock(
    timelock, governor, funded_treasury, make_proposal, members, project
):
    proposal = make_proposal((funded_treasury, "pay", ZERO, project.address, 1, "via governance"), description="1 wei")
    alice = members[0]
    governor.propose(*proposal.args(), proposal.description, {"from": alice})
    advance(governor.votingDelay() + 1)
    for member in members:
        governor.castVote(proposal.proposal_id, 1, {"from": member})
    advance(governor.proposalDeadline(proposal.proposal_id) - chain.time() + 1)

    queued = governor.queue(*proposal.args(), proposal.description_hash, {"from": alice})
    scheduled = queued.events["CallScheduled"]
    assert scheduled["target"] == funded_treasury
    assert bytes(scheduled["predecessor"]) == ZERO32
    assert queued.receiver == governor  # the member called the governor; the governor called the timelock
    op = scheduled["id"]
    assert timelock.isOperationPending(op)
    with reverts("AccessControlUnauthorizedAccount", alice, EXECUTOR_ROLE):  # not even a passed proposal's op
        timelock.executeBatch(*proposal.args(), ZERO32, bytes(queued.events["CallSalt"]["salt"]), {"from": alice})

    advance(timelock.getMinDelay() + 1)
    before = project.balance()
    executed = governor.execute(*proposal.args(), proposal.description_hash, {"from": alice})
    assert executed.events["CallExecuted"]["id"] == op
    assert timelock.isOperationDone(op)
    assert project.balance() == before + 1


def test_minter_role_is_granted_and_revoked_by_governance_only(token, make_proposal, run_proposal, outsider, alice):
    run_proposal(make_proposal((token, "grantRole", MINTER_ROLE, outsider.address), description="grant"))
    assert token.hasRole(MINTER_ROLE, outsider)
    token.mint(outsider, 5 * TOKEN, {"from": outsider})
    with reverts("AccessControlUnauthorizedAccount", outsider, ADMIN_ROLE):  # a minter is not an admin
        token.grantRole(MINTER_ROLE, alice, {"from": outsider})

    run_proposal(make_proposal((token, "revokeRole", MINTER_ROLE, outsider.address), description="revoke"))
    assert not token.hasRole(MINTER_ROLE, outsider)
    with reverts("AccessControlUnauthorizedAccount", outsider, MINTER_ROLE):
        token.mint(outsider, 1, {"from": outsider})
    assert token.balanceOf(outsider) == 5 * TOKEN
