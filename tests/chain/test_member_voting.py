"""Members-only governance (the `town` preset's default with transfer-restricted tokens): only registered members
propose and vote, and a membership that ends (revoked, or left) suspends the former member's token votes at once,
so they count through no delegate. "A revoked member keeps tokens but can no longer act as a member."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from brownie import RegionGovernor, RegionToken, ResidentRegistry, accounts, web3
from eth_account import Account
from helpers import advance, fresh_key_sender, proposal_of, reverts, w3c
from web3 import Web3

from furusato import eip712
from furusato.artifacts import Artifacts
from furusato.ballots import export_ballot
from furusato.chain import UnlockedSender
from furusato.deploy import check_wiring, deploy_dao
from furusato.errors import SignatureRejected
from furusato.governance import Support
from furusato.membership.bench import members_only_config
from furusato.proposals.dao import load_dao
from furusato.relayer import Relayer, RelayerSettings

TOKEN = 10**18
ZERO = "0x0000000000000000000000000000000000000000"
ADMIN_ROLE = b"\x00" * 32
RESIDENT = 0
NO_RECORD = b"\x00" * 32
ARTIFACTS = Artifacts(Path(__file__).resolve().parents[2])


@pytest.fixture(scope="module")
def mdao(tmp_path_factory: Any) -> Any:
    config = members_only_config()
    record = deploy_dao(
        web3, fresh_key_sender(), config, ARTIFACTS, network="testnet", development=False,
        records_dir=tmp_path_factory.mktemp("records"), log=lambda _l: None,
    )  # fmt: skip
    failed = [c.description for c in check_wiring(web3, ARTIFACTS, record, config) if not c.ok]
    assert not failed, failed

    class M:
        token = RegionToken.at(record.address("RegionToken"))
        governor = RegionGovernor.at(record.address("RegionGovernor"))
        registry = ResidentRegistry.at(record.address("ResidentRegistry"))
        timelock = accounts.at(record.address("TimelockController"), force=True)
        treasury = record.address("Treasury")
        pdao = load_dao(web3, record, ARTIFACTS)

    advance(2)
    return M


@pytest.fixture(scope="module")
def staff(steward: Any) -> Any:
    """The `local` preset's registrar (Anvil account #8)."""
    return steward


def open_proposal(mdao: Any, proposer: Any, tag: str) -> Any:
    proposal = proposal_of((mdao.token, "transferRegistry"), description=f"members-only test {tag}")
    mdao.governor.propose(*proposal.args(), proposal.description, {"from": proposer})
    advance(mdao.governor.votingDelay() + 1)
    return proposal.proposal_id


# ------------------------------------------------------------------------------------------------ wiring


def test_deploy_wires_members_only_governance_and_the_membership_listener(mdao):
    assert mdao.governor.memberRegistry() == mdao.registry
    assert mdao.registry.membershipListener() == mdao.token
    assert mdao.token.transferRegistry() == mdao.registry


def test_the_default_governor_lets_anyone_with_votes_take_part(dao, outsider):
    assert dao.governor.memberRegistry() == ZERO


def test_only_governance_sets_the_membership_listener_with_an_event(mdao, outsider):
    with reverts("AccessControlUnauthorizedAccount", outsider, ADMIN_ROLE):
        mdao.registry.setMembershipListener(ZERO, {"from": outsider})
    tx = mdao.registry.setMembershipListener(ZERO, {"from": mdao.timelock})
    assert dict(tx.events["MembershipListenerChanged"][0]) == {
        "oldListener": mdao.token.address,
        "newListener": ZERO,
    }
    assert mdao.registry.membershipListener() == ZERO


# ------------------------------------------------------------------------------------------------ governor


def test_a_non_member_cannot_vote_even_with_zero_weight(mdao, members, outsider):
    pid = open_proposal(mdao, members[0], "outsider")
    with reverts("RegionGovernorNotMember", outsider):
        mdao.governor.castVote(pid, Support.For, {"from": outsider})
    mdao.governor.castVote(pid, Support.For, {"from": members[1]})
    assert mdao.governor.hasVoted(pid, members[1])


def test_a_member_revoked_during_voting_can_no_longer_vote(mdao, members, staff):
    alice, bob = members[0], members[1]
    pid = open_proposal(mdao, bob, "revoked")
    snapshot = mdao.governor.proposalSnapshot(pid)
    assert mdao.token.getPastVotes(alice, snapshot) == 50_000 * TOKEN
    mdao.registry.revoke(alice, {"from": staff})
    with reverts("RegionGovernorNotMember", alice):
        mdao.governor.castVote(pid, Support.For, {"from": alice})
    # registered again by a registrar, she is a member again and votes with her snapshot weight
    mdao.registry.register(alice, RESIDENT, NO_RECORD, {"from": staff})
    tx = mdao.governor.castVote(pid, Support.Against, {"from": alice})
    assert tx.events["VoteCast"][0]["weight"] == 50_000 * TOKEN


def test_a_non_member_signer_cannot_vote_by_signature(mdao, members):
    key = Account.create("members-only-signer")
    pid = open_proposal(mdao, members[0], "by-sig")
    domain = eip712.domain_of(web3.eth.contract(address=mdao.governor.address, abi=mdao.governor.abi))
    _v, _r, _s, signature = eip712.sign(key, eip712.ballot(domain, pid, int(Support.For), key.address, 0))
    with reverts("RegionGovernorNotMember", key.address):
        mdao.governor.castVoteBySig(pid, Support.For, key.address, signature, {"from": members[2]})


def test_a_former_member_with_delegated_votes_cannot_propose(mdao, members, staff):
    alice, bob = members[0], members[1]
    mdao.token.delegate(alice, {"from": bob})  # bob's 30k vote through alice
    mdao.registry.revoke(alice, {"from": staff})
    advance(2)
    assert mdao.token.getVotes(alice) == 30_000 * TOKEN  # her own 50k are suspended, bob's still point at her
    assert mdao.token.getVotes(alice) >= mdao.governor.proposalThreshold()
    proposal = proposal_of((mdao.token, "transferRegistry"), description="by a former member")
    with reverts("RegionGovernorNotMember", alice):
        mdao.governor.propose(*proposal.args(), proposal.description, {"from": alice})


def test_the_relayer_refuses_a_former_members_signed_ballot_before_sending(mdao, members, staff, tmp_path):
    key = Account.from_key(Web3.keccak(text="members-only relayed voter"))
    alice = members[0]
    mdao.registry.register(key.address, RESIDENT, NO_RECORD, {"from": staff})
    mdao.token.transfer(key.address, 1_000 * TOKEN, {"from": alice})
    advance(2)
    pid = open_proposal(mdao, members[1], "relayed")
    mdao.registry.revoke(key.address, {"from": staff})
    ballot = export_ballot(mdao.pdao, pid, Support.For, key.address)
    _v, _r, _s, signature = eip712.sign(key, ballot)
    relayer_account = UnlockedSender(Web3.to_checksum_address(web3.eth.accounts[7]))
    relayer = Relayer(mdao.pdao, relayer_account, RelayerSettings(log_path=tmp_path / "relayer.jsonl"),
                      log=lambda _l: None)  # fmt: skip
    nonce = web3.eth.get_transaction_count(relayer_account.address)
    with pytest.raises(SignatureRejected, match="RegionGovernorNotMember") as exc:
        relayer.submit({"typedData": ballot, "signature": "0x" + signature.hex()})
    assert exc.value.status == 400
    assert web3.eth.get_transaction_count(relayer_account.address) == nonce  # nothing sent


# ------------------------------------------------------------------------------------------------ token votes


def test_revocation_suspends_the_former_members_votes_through_any_delegate(mdao, members, staff):
    alice, bob = members[0], members[1]
    mdao.token.delegate(alice, {"from": bob})
    assert mdao.token.getVotes(alice) == 80_000 * TOKEN
    supply = mdao.token.getVotes(alice) + sum(mdao.token.getVotes(m) for m in members[2:])
    tx = mdao.registry.revoke(bob, {"from": staff})
    assert dict(tx.events["VotesSuspended"][0]) == {"account": bob.address, "oldDelegate": alice.address,
                                                    "units": 30_000 * TOKEN}  # fmt: skip
    assert mdao.token.getVotes(alice) == 50_000 * TOKEN
    assert mdao.token.delegates(bob) == ZERO
    assert mdao.token.balanceOf(bob) == 30_000 * TOKEN  # keeps the tokens
    assert mdao.token.getVotes(alice) + sum(mdao.token.getVotes(m) for m in members[2:]) == supply - 30_000 * TOKEN


def test_leaving_suspends_ones_own_votes(mdao, members):
    carol = members[2]
    assert mdao.token.getVotes(carol) == 20_000 * TOKEN
    tx = mdao.registry.resign({"from": carol})
    assert tx.events["VotesSuspended"][0]["units"] == 20_000 * TOKEN
    assert mdao.token.getVotes(carol) == 0


def test_a_former_member_cannot_delegate_nor_be_delegated_to(mdao, members, staff, outsider):
    alice, carol = members[0], members[2]
    mdao.registry.revoke(carol, {"from": staff})
    with reverts("RegionTokenNotMember", carol):
        mdao.token.delegate(carol, {"from": carol})
    with reverts("RegionTokenNotMember", carol):
        mdao.token.delegate(alice, {"from": carol})
    with reverts("RegionTokenNotMember", carol):
        mdao.token.delegate(carol, {"from": alice})
    with reverts("RegionTokenNotMember", outsider):
        mdao.token.delegate(outsider, {"from": alice})
    mdao.token.delegate(ZERO, {"from": carol})  # opting out is always allowed
    # registered again, she delegates again to vote
    mdao.registry.register(carol, RESIDENT, NO_RECORD, {"from": staff})
    assert mdao.token.getVotes(carol) == 0
    mdao.token.delegate(carol, {"from": carol})
    assert mdao.token.getVotes(carol) == 20_000 * TOKEN


def test_suspend_votes_is_a_no_op_where_it_does_not_apply(mdao, dao, members, staff, outsider):
    alice, dave = members[0], members[3]
    assert mdao.token.suspendVotes.call(alice) is False  # a member
    assert mdao.token.suspendVotes.call(mdao.treasury) is False  # an excluded (protocol) account
    assert mdao.token.suspendVotes.call(outsider) is False  # holds nothing: a newcomer stays vote-ready
    assert dao.token.suspendVotes.call(outsider) is False  # transfers not restricted
    mdao.registry.setMembershipListener(ZERO, {"from": mdao.timelock})  # no automatic suspension
    mdao.registry.revoke(dave, {"from": staff})
    assert mdao.token.getVotes(dave) == 10_000 * TOKEN
    tx = mdao.token.suspendVotes(dave, {"from": outsider})  # anyone may do it
    assert tx.return_value is True
    assert mdao.token.getVotes(dave) == 0
    tx = mdao.token.suspendVotes(dave, {"from": outsider})
    assert tx.return_value is False
    assert "VotesSuspended" not in tx.events


def test_nobody_can_pre_empt_a_newcomers_vote_readiness(mdao, members, staff, outsider):
    tx = mdao.token.suspendVotes(outsider, {"from": members[1]})  # before the outsider registers
    assert tx.return_value is False
    mdao.registry.register(outsider, RESIDENT, NO_RECORD, {"from": staff})
    mdao.token.transfer(outsider, 700 * TOKEN, {"from": members[0]})
    assert mdao.token.delegates(outsider) == outsider
    assert mdao.token.getVotes(outsider) == 700 * TOKEN


def test_votes_of_a_suspended_member_no_longer_count_for_new_proposals(mdao, members, staff):
    bob, dave = members[1], members[3]
    tx = mdao.registry.revoke(dave, {"from": staff})
    advance(2)
    assert mdao.token.getPastVotes(dave, tx.timestamp - 1) == 10_000 * TOKEN
    assert mdao.token.getPastVotes(dave, tx.timestamp) == 0
    pid = open_proposal(mdao, bob, "after-suspension")
    assert mdao.token.getPastVotes(dave, mdao.governor.proposalSnapshot(pid)) == 0


def test_the_revoke_core_reports_suspended_votes(mdao, members, staff):
    from furusato.membership.cards import card_status, revoke, suspended_units

    carol = members[2]
    token, registry = w3c(mdao.token), w3c(mdao.registry)
    before = card_status(registry, token, carol.address)
    assert before.member
    assert before.votes == 20_000 * TOKEN
    assert before.delegate == carol.address
    receipt = revoke(web3, UnlockedSender(staff.address), registry, carol.address)
    assert suspended_units(token, receipt) == 20_000 * TOKEN
    after = card_status(registry, token, carol.address)
    assert not after.member
    assert after.revoked
    assert not after.may_hold
    assert after.balance == 20_000 * TOKEN
    assert after.votes == 0
    assert int(after.delegate, 16) == 0
