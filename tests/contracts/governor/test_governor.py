"""RegionGovernor at contract level: lifecycle, counting, quorum, threshold, guardian, late quorum, signatures."""

from __future__ import annotations

from typing import Any

import pytest
from brownie import chain
from helpers import advance, reverts, to_stage, w3c
from web3 import Web3

from furusato import eip712
from furusato.governance import Proposal, ProposalState, Support

TOKEN = 10**18
ETHER = 10**18
ZERO = "0x0000000000000000000000000000000000000000"
MINTER_ROLE = bytes(Web3.keccak(text="MINTER_ROLE"))
GENESIS = 115_000 * TOKEN
QUORUM = GENESIS * 4 // 100  # 4 % of the voting supply: 4,600 tokens


# ------------------------------------------------------------------------------------------------ helpers


def bitmap(*states: ProposalState) -> bytes:
    """Governor's / TimelockController's encoding of a set of expected states."""
    return sum(1 << int(s) for s in states).to_bytes(32, "big")


def operation_id(governor: Any, timelock: Any, proposal: Proposal) -> bytes:
    """The timelock operation GovernorTimelockControl schedules for a proposal."""
    salt = (int(governor.address, 16) << 96) ^ int.from_bytes(proposal.description_hash, "big")
    return bytes(timelock.hashOperationBatch(*proposal.args(), b"\x00" * 32, salt.to_bytes(32, "big")))


def propose(governor: Any, proposal: Proposal, proposer: Any) -> Any:
    return governor.propose(*proposal.args(), proposal.description, {"from": proposer})


# ------------------------------------------------------------------------------------------------ fixtures


@pytest.fixture
def payment(make_proposal, treasury, project) -> Proposal:
    """A proposal paying the project 1 ETH from the treasury."""
    return make_proposal(
        (treasury, "pay", ZERO, project.address, ETHER, "祭り準備金 / festival"), description="pay 1 ETH"
    )


# ------------------------------------------------------------------------------------------------ lifecycle


def test_full_lifecycle_pays_from_the_treasury(governor, timelock, funded_treasury, payment, members, project):
    alice, bob, carol = members[:3]
    treasury = funded_treasury
    pid = payment.proposal_id
    project_before, treasury_before = project.balance(), treasury.balance()

    tx = propose(governor, payment, alice)
    assert tx.events["ProposalCreated"]["proposalId"] == pid
    assert governor.state(pid) == ProposalState.Pending
    assert governor.proposalSnapshot(pid) == tx.timestamp + 60
    assert governor.proposalDeadline(pid) == tx.timestamp + 60 + 600
    assert governor.proposalProposer(pid) == alice
    with reverts("GovernorUnexpectedProposalState", pid, ProposalState.Pending, bitmap(ProposalState.Active)):
        governor.castVote(pid, Support.For, {"from": alice})

    advance(governor.votingDelay() + 1)
    assert governor.state(pid) == ProposalState.Active
    governor.castVote(pid, Support.For, {"from": alice})
    governor.castVote(pid, Support.Against, {"from": bob})
    governor.castVoteWithReason(pid, Support.Abstain, "様子見", {"from": carol})
    with reverts("GovernorAlreadyCastVote", alice):
        governor.castVote(pid, Support.Against, {"from": alice})
    assert governor.proposalVotes(pid) == (30_000 * TOKEN, 50_000 * TOKEN, 20_000 * TOKEN)
    assert governor.hasVoted(pid, bob)
    assert not governor.hasVoted(pid, members[3])

    advance(governor.proposalDeadline(pid) - chain.time() + 1)
    assert governor.state(pid) == ProposalState.Succeeded

    tx = governor.queue(*payment.args(), payment.description_hash, {"from": bob})  # anyone may queue
    assert governor.state(pid) == ProposalState.Queued
    assert governor.proposalEta(pid) == tx.timestamp + timelock.getMinDelay()
    op = operation_id(governor, timelock, payment)
    assert timelock.isOperationPending(op)
    with reverts("TimelockUnexpectedOperationState", op, bitmap(2)):  # OperationState.Ready
        governor.execute(*payment.args(), payment.description_hash, {"from": bob})

    advance(timelock.getMinDelay() + 1)
    tx = governor.execute(*payment.args(), payment.description_hash, {"from": carol})
    assert governor.state(pid) == ProposalState.Executed
    assert timelock.isOperationDone(op)
    paid = tx.events["Paid"][0]
    assert (paid["token"], paid["to"], paid["amount"], paid["memo"]) == (ZERO, project, ETHER, "祭り準備金 / festival")
    assert paid["balanceAfter"] == treasury_before - ETHER
    assert project.balance() == project_before + ETHER
    assert treasury.balance() == treasury_before - ETHER

    with reverts("GovernorUnexpectedProposalState", pid, ProposalState.Executed, bitmap(ProposalState.Queued)):
        governor.execute(*payment.args(), payment.description_hash, {"from": carol})
    assert project.balance() == project_before + ETHER


def test_proposal_is_defeated_when_against_outweighs_for(governor, funded_treasury, payment, members, project):
    alice, bob = members[:2]
    pid = to_stage(governor, payment, ProposalState.Active, bob, [])
    governor.castVote(pid, Support.Against, {"from": alice})  # 50k
    governor.castVote(pid, Support.For, {"from": bob})  # 30k, well above quorum on its own
    advance(governor.proposalDeadline(pid) - chain.time() + 1)
    assert governor.state(pid) == ProposalState.Defeated
    with reverts("GovernorUnexpectedProposalState", pid, ProposalState.Defeated, bitmap(ProposalState.Succeeded)):
        governor.queue(*payment.args(), payment.description_hash, {"from": bob})


@pytest.mark.parametrize(
    ("abstainer", "expected"),
    [(None, ProposalState.Defeated), (4, ProposalState.Succeeded)],
    ids=["for-below-quorum", "abstain-completes-quorum"],
)
def test_quorum_counts_for_and_abstain(governor, token, payment, members, outsider, abstainer, expected):
    token.transfer(outsider, 1_000 * TOKEN, {"from": members[0]})
    advance(2)
    pid = to_stage(governor, payment, ProposalState.Active, members[0], [])
    assert governor.quorum(governor.proposalSnapshot(pid)) == QUORUM
    governor.castVote(pid, Support.For, {"from": outsider})  # 1,000 for, nothing against
    if abstainer is not None:
        governor.castVote(pid, Support.Abstain, {"from": members[abstainer]})  # 5,000 abstain
    advance(governor.proposalDeadline(pid) - chain.time() + 1)
    assert governor.state(pid) == expected


def test_proposal_threshold_keeps_small_holders_from_proposing(governor, token, payment, alice, outsider):
    threshold = governor.proposalThreshold()
    assert threshold == 100 * TOKEN
    with reverts("GovernorInsufficientProposerVotes", outsider, 0, threshold):
        propose(governor, payment, outsider)
    token.transfer(outsider, threshold - 1, {"from": alice})
    advance(2)
    with reverts("GovernorInsufficientProposerVotes", outsider, threshold - 1, threshold):
        propose(governor, payment, outsider)
    token.transfer(outsider, 1, {"from": alice})
    advance(2)
    propose(governor, payment, outsider)
    assert governor.proposalProposer(payment.proposal_id) == outsider


# ------------------------------------------------------------------------------------------------ cancelling


@pytest.mark.parametrize(
    "stage",
    [ProposalState.Pending, ProposalState.Active, ProposalState.Succeeded, ProposalState.Queued],
    ids=lambda s: s.name,
)
def test_guardian_cancels_at_any_stage(governor, timelock, funded_treasury, payment, members, guardian, project, stage):
    assert governor.proposalGuardian() == guardian
    project_before = project.balance()
    pid = to_stage(governor, payment, stage, members[0], members)
    assert governor.state(pid) == stage
    op = operation_id(governor, timelock, payment)
    assert timelock.isOperation(op) == (stage == ProposalState.Queued)

    tx = governor.cancel(*payment.args(), payment.description_hash, {"from": guardian})
    assert tx.events["ProposalCanceled"]["proposalId"] == pid
    assert governor.state(pid) == ProposalState.Canceled
    assert not timelock.isOperation(op)  # a queued operation is cancelled in the timelock too

    advance(governor.proposalDeadline(pid) - chain.time() + timelock.getMinDelay() + 2)
    with reverts("GovernorUnexpectedProposalState", pid, ProposalState.Canceled, bitmap(ProposalState.Queued)):
        governor.execute(*payment.args(), payment.description_hash, {"from": members[0]})
    assert project.balance() == project_before


@pytest.mark.parametrize(
    "stage", [ProposalState.Active, ProposalState.Succeeded, ProposalState.Queued], ids=lambda s: s.name
)
def test_proposer_cannot_cancel_once_voting_started_while_a_guardian_exists(governor, payment, members, stage):
    alice = members[0]
    pid = to_stage(governor, payment, stage, alice, members)
    with reverts("GovernorUnableToCancel", pid, alice):
        governor.cancel(*payment.args(), payment.description_hash, {"from": alice})
    assert governor.state(pid) == stage


def test_other_members_cannot_cancel_even_while_pending(governor, payment, members):
    alice, bob = members[:2]
    pid = to_stage(governor, payment, ProposalState.Pending, alice, [])
    with reverts("GovernorUnableToCancel", pid, bob):
        governor.cancel(*payment.args(), payment.description_hash, {"from": bob})
    assert governor.state(pid) == ProposalState.Pending


def test_proposer_may_still_withdraw_own_proposal_while_pending(governor, payment, members):
    """OpenZeppelin's base rule (Governor._validateCancel) stays in force next to the guardian."""
    alice = members[0]
    pid = to_stage(governor, payment, ProposalState.Pending, alice, [])
    governor.cancel(*payment.args(), payment.description_hash, {"from": alice})
    assert governor.state(pid) == ProposalState.Canceled


def test_governance_replaces_the_guardian(governor, make_proposal, run_proposal, members, guardian, carol):
    with reverts("GovernorOnlyExecutor", guardian):
        governor.setProposalGuardian(carol, {"from": guardian})
    run_proposal(make_proposal((governor, "setProposalGuardian", carol.address), description="new council"))
    assert governor.proposalGuardian() == carol

    proposal = make_proposal((governor, "setProposalGuardian", guardian.address), description="council back")
    pid = to_stage(governor, proposal, ProposalState.Active, members[0], [])
    # neither the former guardian nor the current one (whom it replaces: F2) can cancel it
    for caller in (guardian, carol):
        with reverts("GovernorUnableToCancel", pid, caller):
            governor.cancel(*proposal.args(), proposal.description_hash, {"from": caller})
    assert governor.state(pid) == ProposalState.Active


def test_without_a_guardian_proposers_cancel_their_own_proposals_only_while_pending(
    governor, make_proposal, run_proposal, members, guardian
):
    alice, bob = members[:2]
    run_proposal(make_proposal((governor, "setProposalGuardian", ZERO), description="no council"))
    assert governor.proposalGuardian() == ZERO

    proposal = make_proposal((governor, "setProposalGuardian", guardian.address), description="council again")
    pid = to_stage(governor, proposal, ProposalState.Succeeded, bob, members)
    for other in (alice, guardian, bob):  # F1: not even its proposer once voting has started
        with reverts("GovernorUnableToCancel", pid, other):
            governor.cancel(*proposal.args(), proposal.description_hash, {"from": other})
    pending = make_proposal((governor, "setProposalGuardian", guardian.address), description="council again, v2")
    pid = to_stage(governor, pending, ProposalState.Pending, bob, [])
    governor.cancel(*pending.args(), pending.description_hash, {"from": bob})
    assert governor.state(pid) == ProposalState.Canceled


# ------------------------------------------------------------------------------------------------ late quorum


def test_quorum_reached_in_the_last_seconds_extends_the_vote(governor, payment, members):
    alice, bob, _carol, dave = members[:4]
    pid = to_stage(governor, payment, ProposalState.Active, alice, [])
    deadline = governor.proposalDeadline(pid)
    extension = governor.lateQuorumVoteExtension()
    assert extension == 120

    advance(deadline - chain.time() - 10)
    tx = governor.castVote(pid, Support.For, {"from": dave})  # 10k: quorum reached ~10 s before the deadline
    assert tx.timestamp <= deadline
    extended = tx.timestamp + extension
    assert tx.events["ProposalExtended"]["extendedDeadline"] == extended
    assert governor.proposalDeadline(pid) == extended > deadline

    advance(deadline - chain.time() + 5)  # past the original deadline: still open
    assert governor.state(pid) == ProposalState.Active
    governor.castVote(pid, Support.Against, {"from": bob})
    advance(extended - chain.time() + 1)
    assert governor.state(pid) == ProposalState.Defeated  # bob's late 30k against outweighs 10k for


def test_quorum_reached_early_does_not_extend_the_vote(governor, payment, members):
    pid = to_stage(governor, payment, ProposalState.Active, members[0], [])
    deadline = governor.proposalDeadline(pid)
    tx = governor.castVote(pid, Support.For, {"from": members[3]})
    assert "ProposalExtended" not in tx.events
    assert governor.proposalDeadline(pid) == deadline


def test_late_vote_after_an_early_quorum_does_not_extend(governor, payment, members):
    """The deadline moves only when quorum is *first* reached late, not for any vote cast late."""
    alice, bob, _carol, dave = members[:4]
    pid = to_stage(governor, payment, ProposalState.Active, alice, [])
    deadline = governor.proposalDeadline(pid)
    governor.castVote(pid, Support.For, {"from": dave})  # quorum reached early
    advance(deadline - chain.time() - 10)
    tx = governor.castVote(pid, Support.Abstain, {"from": bob})
    assert "ProposalExtended" not in tx.events
    assert governor.proposalDeadline(pid) == deadline
    advance(deadline - chain.time() + 1)
    assert governor.state(pid) == ProposalState.Succeeded


def test_late_quorum_counts_for_and_abstain_only_and_extends_once(governor, token, payment, members, outsider):
    alice, bob, carol, _dave, erin = members
    token.transfer(outsider, 3_000 * TOKEN, {"from": alice})
    advance(2)
    pid = to_stage(governor, payment, ProposalState.Active, alice, [])
    deadline = governor.proposalDeadline(pid)
    governor.castVote(pid, Support.For, {"from": outsider})  # 3,000: below the 4,600 quorum

    advance(deadline - chain.time() - 30)
    tx = governor.castVote(pid, Support.Against, {"from": bob})  # against does not count towards quorum
    assert "ProposalExtended" not in tx.events
    assert governor.proposalDeadline(pid) == deadline

    tx = governor.castVote(pid, Support.Abstain, {"from": erin})  # 3,000 + 5,000 abstain: quorum, late
    extended = tx.timestamp + governor.lateQuorumVoteExtension()
    assert tx.events["ProposalExtended"]["extendedDeadline"] == extended
    assert governor.proposalDeadline(pid) == extended

    advance(deadline - chain.time() + 60)  # inside the extension: later votes do not move it again
    tx = governor.castVote(pid, Support.For, {"from": carol})
    assert "ProposalExtended" not in tx.events
    assert governor.proposalDeadline(pid) == extended
    advance(extended - chain.time() + 1)
    assert governor.state(pid) == ProposalState.Defeated  # 30k against beat 23k for


# ------------------------------------------------------------------------------------------------ what votes count


def test_tokens_held_by_the_treasury_do_not_raise_the_quorum(governor, token, make_proposal, minter, treasury, bob):
    token.mint(treasury, 1_000_000 * TOKEN, {"from": minter})
    advance(2)
    first = make_proposal((governor, "setVotingDelay", 61), description="first")
    pid = to_stage(governor, first, ProposalState.Active, bob, [])
    snapshot = governor.proposalSnapshot(pid)
    assert token.totalSupply() == GENESIS + 1_000_000 * TOKEN
    assert token.getPastTotalSupply(snapshot) == GENESIS
    assert governor.quorum(snapshot) == QUORUM

    token.mint(bob, 1_000_000 * TOKEN, {"from": minter})  # the same amount to a member does count
    advance(2)
    second = make_proposal((governor, "setVotingDelay", 62), description="second")
    pid = to_stage(governor, second, ProposalState.Active, bob, [])
    assert governor.quorum(governor.proposalSnapshot(pid)) == (GENESIS + 1_000_000 * TOKEN) * 4 // 100


def test_tokens_received_after_the_snapshot_add_no_voting_weight(governor, token, payment, members, outsider):
    alice, bob, carol = members[:3]
    pid = to_stage(governor, payment, ProposalState.Active, alice, [])
    token.transfer(bob, 20_000 * TOKEN, {"from": alice})  # "borrowed" after the snapshot
    token.transfer(outsider, 10_000 * TOKEN, {"from": carol})

    assert governor.castVote(pid, Support.For, {"from": bob}).events["VoteCast"]["weight"] == 30_000 * TOKEN
    assert governor.castVote(pid, Support.For, {"from": outsider}).events["VoteCast"]["weight"] == 0
    assert governor.castVote(pid, Support.For, {"from": alice}).events["VoteCast"]["weight"] == 50_000 * TOKEN
    assert governor.proposalVotes(pid) == (0, 80_000 * TOKEN, 0)
    assert token.getVotes(bob) == 50_000 * TOKEN  # the live balance moved; the snapshot did not


def test_vote_by_signature_relayed_by_an_outsider(governor, token, payment, members, signer, outsider, alice):
    token.transfer(signer.address, 1_000 * TOKEN, {"from": alice})
    advance(2)
    pid = to_stage(governor, payment, ProposalState.Active, alice, [])
    domain = eip712.domain_of(w3c(governor))
    assert domain["name"] == governor.name() == "Furusato Governor"
    nonce = governor.nonces(signer.address)
    typed = eip712.ballot(domain, pid, int(Support.For), signer.address, nonce)
    _v, _r, _s, signature = eip712.sign(signer, typed)

    with reverts("GovernorInvalidSignature", signer.address):  # the same signature cannot carry another choice
        governor.castVoteBySig(pid, Support.Against, signer.address, signature, {"from": outsider})

    tx = governor.castVoteBySig(pid, Support.For, signer.address, signature, {"from": outsider})
    cast = tx.events["VoteCast"]
    assert (cast["voter"], cast["proposalId"], cast["support"], cast["weight"]) == (
        signer.address,
        pid,
        Support.For,
        1_000 * TOKEN,
    )
    assert governor.hasVoted(pid, signer.address)
    assert not governor.hasVoted(pid, outsider)
    assert governor.nonces(signer.address) == nonce + 1
    assert governor.proposalVotes(pid) == (0, 1_000 * TOKEN, 0)

    with reverts("GovernorInvalidSignature", signer.address):  # replay: the nonce moved on
        governor.castVoteBySig(pid, Support.For, signer.address, signature, {"from": outsider})
    assert governor.proposalVotes(pid) == (0, 1_000 * TOKEN, 0)


# ------------------------------------------------------------------------------------------------ settings


def test_settings_change_only_through_governance(governor, make_proposal, run_proposal, alice, deployer):
    for caller in (alice, deployer):
        with reverts("GovernorOnlyExecutor", caller):
            governor.setVotingPeriod(3600, {"from": caller})
        with reverts("GovernorOnlyExecutor", caller):
            governor.setProposalThreshold(0, {"from": caller})
        with reverts("GovernorOnlyExecutor", caller):
            governor.updateQuorumNumerator(1, {"from": caller})
    assert governor.votingPeriod() == 600

    run_proposal(
        make_proposal(
            (governor, "setVotingPeriod", 3600),
            (governor, "setProposalThreshold", 500 * TOKEN),
            description="longer votes, higher threshold",
        )
    )
    assert governor.votingPeriod() == 3600
    assert governor.proposalThreshold() == 500 * TOKEN
    proposal = make_proposal((governor, "setVotingDelay", 30), description="next")
    tx = propose(governor, proposal, alice)
    assert governor.proposalDeadline(proposal.proposal_id) == tx.timestamp + 60 + 3600
