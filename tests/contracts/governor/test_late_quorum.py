"""RegionGovernor's cheaper late-quorum hook behaves exactly like OpenZeppelin's GovernorPreventLateQuorum.

`LateQuorumReference` (contracts/test) is RegionGovernor without the override. Both governors read the same token
and get the same proposals and the same votes in the same blocks; after every block their deadlines, tallies and
states must agree — for random vote sequences that reach quorum early, late, inside and outside the extension
window, or never.
"""

from __future__ import annotations

import itertools

import pytest
from brownie import LateQuorumReference, accounts, web3
from brownie.test import given
from helpers import w3c
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from furusato.governance import Proposal, call_action

TOKEN = 10**18
_counter = itertools.count()


@pytest.fixture(scope="module")
def reference(governor, token, timelock, deployer):
    params = (
        "Reference",
        governor.votingDelay(),
        governor.votingPeriod(),
        governor.proposalThreshold(),
        governor.quorumNumerator(),
        governor.lateQuorumVoteExtension(),
        governor.proposalGuardian(),
    )
    return LateQuorumReference.deploy(token, timelock, params, {"from": deployer})


@pytest.fixture(scope="module")
def small_voters(token, members):
    """Three accounts with small balances, so quorum (4,600 tokens) takes several votes to reach."""
    voters = [accounts[6], accounts[7], accounts[8]]
    for voter, amount in zip(voters, (1_500, 2_000, 2_500), strict=True):
        token.transfer(voter, amount * TOKEN, {"from": members[0]})
    return voters


def in_one_block(calls):
    """Send every (contract_fn, sender) pair without mining, then mine them together: same clock for all."""
    web3.provider.make_request("evm_setAutomine", [False])
    try:
        hashes = [fn.transact({"from": sender, "gas": 1_000_000}) for fn, sender in calls]
        web3.provider.make_request("evm_mine", [])
    finally:
        web3.provider.make_request("evm_setAutomine", [True])
    for h in hashes:
        assert web3.eth.get_transaction_receipt(h)["status"] == 1


def sleep(seconds):
    web3.provider.make_request("evm_increaseTime", [seconds])


vote = st.tuples(st.integers(0, 4), st.sampled_from([0, 1, 2]), st.integers(0, 700))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(votes=st.lists(vote, min_size=1, max_size=5, unique_by=lambda v: v[0]))
def test_deadlines_match_openzeppelin_for_any_vote_sequence(
    governor, reference, treasury, small_voters, members, votes
):
    voters = [*small_voters, members[3], members[4]]  # 1.5k, 2k, 2.5k, 10k, 5k tokens
    ours, ref = w3c(governor), w3c(reference)
    proposal = Proposal(
        actions=(call_action(w3c(treasury), "pay", "0x" + "00" * 20, members[0].address, 1, "x"),),
        description=f"late quorum differential #{next(_counter)}",
    )
    pid = proposal.proposal_id
    in_one_block(
        [
            (ours.functions.propose(*proposal.args(), proposal.description), members[0].address),
            (ref.functions.propose(*proposal.args(), proposal.description), members[0].address),
        ]
    )
    sleep(governor.votingDelay() + 1)
    web3.provider.make_request("evm_mine", [])
    start = web3.eth.get_block("latest")["timestamp"]
    for who, support, at in sorted(votes, key=lambda v: v[2]):
        now = web3.eth.get_block("latest")["timestamp"]
        deadline = ours.functions.proposalDeadline(pid).call()
        target = min(start + at, deadline)  # a vote after the deadline would revert: cast it at the deadline
        if target > now:
            sleep(target - now - 1)
        voter = voters[who].address
        in_one_block([(ours.functions.castVote(pid, support), voter), (ref.functions.castVote(pid, support), voter)])
        assert ours.functions.proposalDeadline(pid).call() == ref.functions.proposalDeadline(pid).call()
        assert ours.functions.proposalVotes(pid).call() == ref.functions.proposalVotes(pid).call()
        assert ours.functions.state(pid).call() == ref.functions.state(pid).call()


def test_quorum_reached_inside_the_window_extends_the_deadline(governor, treasury, small_voters, members):
    ours = w3c(governor)
    proposal = Proposal(
        actions=(call_action(w3c(treasury), "pay", "0x" + "00" * 20, members[0].address, 1, "x"),),
        description="late quorum, inside the window",
    )
    pid = proposal.proposal_id
    governor.propose(*proposal.args(), proposal.description, {"from": members[0]})
    sleep(governor.votingDelay() + 1)
    governor.castVote(pid, 1, {"from": small_voters[0]})  # 1.5k: below quorum
    deadline = governor.proposalDeadline(pid)
    sleep(deadline - web3.eth.get_block("latest")["timestamp"] - 10)  # 10 s before the deadline
    tx = governor.castVote(pid, 1, {"from": members[3]})  # +10k: quorum reached late
    ext = governor.lateQuorumVoteExtension()
    assert "ProposalExtended" in tx.events
    assert governor.proposalDeadline(pid) == tx.timestamp + ext > deadline
    assert ours.functions.proposalDeadline(pid).call() == tx.timestamp + ext


def test_quorum_reached_early_does_not_extend_on_a_late_vote(governor, treasury, small_voters, members):
    proposal = Proposal(
        actions=(call_action(w3c(treasury), "pay", "0x" + "00" * 20, members[0].address, 1, "x"),),
        description="late quorum, reached early",
    )
    pid = proposal.proposal_id
    governor.propose(*proposal.args(), proposal.description, {"from": members[0]})
    sleep(governor.votingDelay() + 1)
    governor.castVote(pid, 1, {"from": members[3]})  # quorum at once
    deadline = governor.proposalDeadline(pid)
    sleep(deadline - web3.eth.get_block("latest")["timestamp"] - 10)
    tx = governor.castVote(pid, 0, {"from": small_voters[1]})
    assert "ProposalExtended" not in tx.events
    assert governor.proposalDeadline(pid) == deadline
