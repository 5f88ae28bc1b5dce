"""Attacks on the governor (issue 10): proposal front-running (F1), guardian abuse and entrenchment (F2), parameter
griefing, flash voting and signature replay on chain, and the snapshot vs threshold timepoints."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from brownie import chain, web3
from brownie.exceptions import VirtualMachineError
from helpers import advance, reverts, to_stage, w3c
from web3 import Web3

from furusato import eip712
from furusato.chain import UnlockedSender
from furusato.errors import ChainError
from furusato.governance import Governance, Proposal, ProposalState, Support

TOKEN = 10**18
ETHER = 10**18
ZERO = "0x0000000000000000000000000000000000000000"
GUARDIAN_ROLE = Web3.keccak(text="GUARDIAN_ROLE")
STAGES = [ProposalState.Pending, ProposalState.Active, ProposalState.Succeeded, ProposalState.Queued]


@pytest.fixture
def payment(make_proposal: Any, treasury: Any, project: Any) -> Proposal:
    return make_proposal((treasury, "pay", ZERO, project.address, ETHER, "festival"), description="pay 1 ETH")


# ------------------------------------------------------------------------------------------------ F1 front-running


def test_front_running_a_bound_proposal_reverts_for_the_copier(governor: Any, payment: Proposal, alice: Any, bob: Any):
    bound = payment.bound_to(alice.address)
    assert bound.description.endswith(f"#proposer={alice.address}")
    with reverts("GovernorRestrictedProposer", bob):
        governor.propose(*bound.args(), bound.description, {"from": bob})
    governor.propose(*bound.args(), bound.description, {"from": alice})
    assert governor.proposalProposer(bound.proposal_id) == alice


@pytest.mark.parametrize("stage", STAGES[1:])
def test_front_run_hijacker_cannot_cancel_after_pending_without_a_guardian(
    governor: Any, make_proposal: Any, run_proposal: Any, payment: Proposal, members: list[Any], stage: Any
):
    """F1: with no guardian (the `town` preset), a copier who became the proposer of an unbound proposal could
    cancel it after the town voted; now a proposer cancels only while Pending."""
    run_proposal(make_proposal((governor, "setProposalGuardian", ZERO), description="no council"))
    hijacker = members[1]
    pid = to_stage(governor, payment, stage, hijacker, members)
    with reverts("GovernorUnableToCancel", pid, hijacker):
        governor.cancel(*payment.args(), payment.description_hash, {"from": hijacker})
    assert governor.state(pid) == stage


def test_front_run_proposal_is_reported_by_the_tools(governor: Any, payment: Proposal, alice: Any, bob: Any):
    """The honest member's tool binds the proposer, so a copy of its unbound text does not collide; proposing a
    proposal that already exists is reported (with its proposer) instead of an opaque revert."""
    gov = Governance(web3, w3c(governor))
    with pytest.raises(ValueError, match="bind the proposal"):
        gov.propose(UnlockedSender(alice.address), payment)
    governor.propose(*payment.args(), payment.description, {"from": bob})  # the copier takes the unbound text
    mine = payment.bound_to(alice.address)
    gov.propose(UnlockedSender(alice.address), mine)  # a different id: nothing to hijack
    assert governor.proposalProposer(mine.proposal_id) == alice
    with pytest.raises(ChainError, match=f"already exists.*proposed by {alice.address}"):
        gov.propose(UnlockedSender(alice.address), mine)


def test_proposer_cancels_while_pending_even_with_a_guardian(governor: Any, payment: Proposal, alice: Any):
    pid = to_stage(governor, payment, ProposalState.Pending, alice, [])
    governor.cancel(*payment.args(), payment.description_hash, {"from": alice})
    assert governor.state(pid) == ProposalState.Canceled


# ------------------------------------------------------------------------------------------------ F2 guardian


@pytest.mark.parametrize("stage", STAGES)
def test_guardian_entrenchment_cannot_cancel_its_replacement(
    governor: Any, rewards: Any, make_proposal: Any, members: list[Any], guardian: Any, carol: Any, stage: Any
):
    """F2: the guardian cannot cancel the proposal that replaces it and revokes its rewards role, at any stage."""
    replace = make_proposal(
        (governor, "setProposalGuardian", carol.address),
        (rewards, "revokeRole", GUARDIAN_ROLE, guardian.address),
        description="a new council",
    )
    assert not governor.guardianMayCancel(replace.targets, replace.calldatas)
    pid = to_stage(governor, replace, stage, members[0], members)
    with reverts("GovernorUnableToCancel", pid, guardian):
        governor.cancel(*replace.args(), replace.description_hash, {"from": guardian})
    assert governor.state(pid) == stage


def test_guardian_entrenchment_cannot_cancel_a_proposal_removing_it(
    governor: Any, make_proposal: Any, run_proposal: Any, members: list[Any], guardian: Any
):
    remove = make_proposal((governor, "setProposalGuardian", ZERO), description="no council any more")
    pid = to_stage(governor, remove, ProposalState.Active, members[0], [])
    with reverts("GovernorUnableToCancel", pid, guardian):
        governor.cancel(*remove.args(), remove.description_hash, {"from": guardian})


def test_guardian_entrenchment_cannot_cancel_revoking_its_rewards_role(
    governor: Any, rewards: Any, make_proposal: Any, run_proposal: Any, members: list[Any], guardian: Any
):
    revoke = make_proposal((rewards, "revokeRole", GUARDIAN_ROLE, guardian.address), description="revoke council")
    pid = to_stage(governor, revoke, ProposalState.Succeeded, members[0], members)
    with reverts("GovernorUnableToCancel", pid, guardian):
        governor.cancel(*revoke.args(), revoke.description_hash, {"from": guardian})
    governor.queue(*revoke.args(), revoke.description_hash, {"from": members[0]})
    advance(60 + 1)
    governor.execute(*revoke.args(), revoke.description_hash, {"from": members[0]})
    assert not rewards.hasRole(GUARDIAN_ROLE, guardian)


def test_guardian_abuse_bundling_keeps_the_veto(
    governor: Any, treasury: Any, make_proposal: Any, members: list[Any], guardian: Any, carol: Any, project: Any
):
    """A harmful action bundled with a guardian replacement stays cancellable (no escaping the veto), and a
    revocation of someone else's role is not protected."""
    bundled = make_proposal(
        (governor, "setProposalGuardian", carol.address),
        (treasury, "pay", ZERO, project.address, ETHER, "x"),
        description="bundle",
    )
    other = make_proposal((treasury, "pay", ZERO, project.address, ETHER, "y"), description="pay")
    assert governor.guardianMayCancel(bundled.targets, bundled.calldatas)
    pid = to_stage(governor, bundled, ProposalState.Queued, members[0], members)
    governor.cancel(*bundled.args(), bundled.description_hash, {"from": guardian})
    assert governor.state(pid) == ProposalState.Canceled
    pid = to_stage(governor, other, ProposalState.Active, members[0], [])
    governor.cancel(*other.args(), other.description_hash, {"from": guardian})
    assert governor.state(pid) == ProposalState.Canceled


def test_guardian_abuse_an_outsider_cannot_cancel(governor: Any, payment: Proposal, alice: Any, outsider: Any):
    pid = to_stage(governor, payment, ProposalState.Active, alice, [])
    with reverts("GovernorUnableToCancel", pid, outsider):
        governor.cancel(*payment.args(), payment.description_hash, {"from": outsider})


# ------------------------------------------------------------------------------------------------ parameter griefing

GRIEFING = [
    ("updateQuorumNumerator", 100, 1, 50),  # quorum 100 %
    ("updateQuorumNumerator", 0, 1, 50),
    ("setVotingPeriod", 0, 3600, 90 * 86400),  # zero period
    ("setVotingPeriod", 2**32 - 1, 3600, 90 * 86400),  # enormous period
    ("setVotingDelay", 2**48 - 1, 0, 30 * 86400),  # enormous delay
    ("setLateQuorumVoteExtension", 600, 0, 599),  # an extension beyond the voting period (600 s)
]


@pytest.mark.parametrize(("setter", "value", "low", "high"), GRIEFING)
def test_parameter_griefing_is_refused(
    governor: Any, make_proposal: Any, run_proposal: Any, setter: str, value: int, low: int, high: int
):
    before = {"v": governor.votingPeriod(), "d": governor.votingDelay(), "q": governor.quorumNumerator()}
    with reverts("RegionGovernorParameterOutOfBounds", ...) as exc:
        run_proposal(make_proposal((governor, setter, value), description=f"grief {setter} {value}"))
    assert exc.value.revert_msg == f"RegionGovernorParameterOutOfBounds: {setter}, {value}, {low}, {high}"
    assert before == {"v": governor.votingPeriod(), "d": governor.votingDelay(), "q": governor.quorumNumerator()}


def test_parameter_griefing_threshold_above_the_voting_supply_is_refused(
    governor: Any, token: Any, make_proposal: Any, run_proposal: Any
):
    supply = token.getPastTotalSupply(web3.eth.get_block("latest").timestamp - 1)
    with reverts("RegionGovernorParameterOutOfBounds", ...):
        run_proposal(make_proposal((governor, "setProposalThreshold", supply), description="nobody may propose"))
    run_proposal(make_proposal((governor, "setProposalThreshold", supply // 10), description="ten percent"))
    assert governor.proposalThreshold() == supply // 10


def test_parameter_griefing_voting_period_cannot_drop_below_the_extension(
    governor: Any, make_proposal: Any, run_proposal: Any
):
    run_proposal(make_proposal((governor, "setVotingPeriod", 7200), description="two hours"))
    run_proposal(make_proposal((governor, "setLateQuorumVoteExtension", 7000), description="long extension"))
    with reverts("RegionGovernorParameterOutOfBounds", ...) as exc:
        run_proposal(make_proposal((governor, "setVotingPeriod", 3600), description="shorter again"))
    assert exc.value.revert_msg == f"RegionGovernorParameterOutOfBounds: setVotingPeriod, 3600, 7001, {90 * 86400}"


# ------------------------------------------------------------------------------------------------ flash voting


def test_flash_voting_same_second_tokens_do_not_count(governor: Any, token: Any, payment: Proposal, members: list):
    """Tokens received in the proposal's own second (or later) do not vote: weight is read at the snapshot."""
    alice, bob = members[:2]
    pid = to_stage(governor, payment, ProposalState.Pending, alice, [])
    snapshot = governor.proposalSnapshot(pid)
    token.transfer(bob, 10_000 * TOKEN, {"from": alice})  # before the snapshot: counts
    advance(snapshot - chain.time() + 1)
    token.transfer(bob, 20_000 * TOKEN, {"from": alice})  # after the snapshot: does not count
    weight = governor.castVote(pid, Support.For, {"from": bob}).events["VoteCast"]["weight"]
    assert weight == token.getPastVotes(bob, snapshot) == (30_000 + 10_000) * TOKEN


def test_double_vote_is_refused(governor: Any, payment: Proposal, alice: Any):
    pid = to_stage(governor, payment, ProposalState.Active, alice, [])
    governor.castVote(pid, Support.For, {"from": alice})
    with reverts("GovernorAlreadyCastVote", alice):
        governor.castVote(pid, Support.Against, {"from": alice})


def test_snapshot_vs_threshold_timepoints(
    governor: Any, token: Any, payment: Proposal, members: list[Any], outsider: Any
):
    """The threshold is read at clock() - 1 when proposing; votes at the proposal's snapshot (proposal time +
    voting delay): tokens received between proposing and the snapshot count."""
    alice, bob, newcomer = members[0], members[1], members[4]
    threshold = governor.proposalThreshold()
    assert token.getVotes(newcomer) >= threshold
    pid = to_stage(governor, payment, ProposalState.Pending, alice, [])
    proposed_at = chain[-1].timestamp
    assert governor.proposalSnapshot(pid) == proposed_at + governor.votingDelay()
    token.transfer(bob, 1_000 * TOKEN, {"from": alice})  # between proposal and snapshot
    advance(governor.votingDelay() + 1)
    weight = governor.castVote(pid, Support.For, {"from": bob}).events["VoteCast"]["weight"]
    assert weight == token.getPastVotes(bob, governor.proposalSnapshot(pid))
    assert weight == 31_000 * TOKEN  # 30,000 of genesis + 1,000 received after proposing

    # the threshold is read at clock() - 1 when proposing, not at any snapshot: votes received one second earlier
    # are enough, while the same account had nothing the second before that
    received = token.transfer(outsider, threshold, {"from": alice}).timestamp
    web3.provider.make_request("evm_setNextBlockTimestamp", [received + 1])
    other = Proposal(payment.actions, "one second later")
    governor.propose(*other.args(), other.description, {"from": outsider})
    assert governor.proposalProposer(other.proposal_id) == outsider
    assert token.getPastVotes(outsider, received - 1) == 0


# ------------------------------------------------------------------------------------------------ signature replay


def test_signature_replay_on_another_governor_is_refused(
    governor: Any, token: Any, timelock: Any, payment: Proposal, alice: Any, signer: Any, outsider: Any
):
    from brownie import RegionGovernor

    token.transfer(signer.address, 1_000 * TOKEN, {"from": alice})
    advance(2)
    twin = RegionGovernor.deploy(
        token, timelock, ("Furusato Governor", 60, 600, 0, 4, 120, ZERO, ZERO), {"from": alice}
    )
    pid = to_stage(governor, payment, ProposalState.Pending, alice, [])
    twin.propose(*payment.args(), payment.description, {"from": alice})
    advance(governor.votingDelay() + 1)
    typed = eip712.ballot(eip712.domain_of(w3c(governor)), pid, int(Support.For), signer.address, 0)
    signature = eip712.sign(signer, typed)[3]
    with reverts("GovernorInvalidSignature", signer.address):  # the same name, another verifying contract
        twin.castVoteBySig(pid, Support.For, signer.address, signature, {"from": outsider})
    wrong_chain = dict(typed, domain=dict(typed["domain"], chainId=1))
    with reverts("GovernorInvalidSignature", signer.address):  # another chain id
        other = eip712.sign(signer, wrong_chain)[3]
        governor.castVoteBySig(pid, Support.For, signer.address, other, {"from": outsider})
    governor.castVoteBySig(pid, Support.For, signer.address, signature, {"from": outsider})
    with reverts("GovernorInvalidSignature", signer.address):  # the nonce moved on
        governor.castVoteBySig(pid, Support.For, signer.address, signature, {"from": outsider})


def test_signature_replay_of_a_delegation_on_another_chain_moves_nothing(token: Any, signer: Any, bob: Any):
    domain = eip712.domain_of(w3c(token))
    expiry = chain.time() + 3600
    typed = eip712.delegation(dict(domain, chainId=1), bob.address, 0, expiry)
    v, r, s, _sig = eip712.sign(signer, typed)
    before = token.delegates(signer.address)
    with contextlib.suppress(VirtualMachineError):  # a revert is as good: the signer's choice must not move
        token.delegateBySig(bob, 0, expiry, v, r, s, {"from": bob})
    assert token.delegates(signer.address) == before
    assert token.nonces(signer.address) == 0
