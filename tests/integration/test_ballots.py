"""Wallet signatures verified offline by :mod:`furusato.ballots`: every wrong ballot refused with its reason, a moved
signature recovers someone else, no voting power is refused. The `furusato ballot` commands are in
tests/cli/test_ballot_commands.py."""

from __future__ import annotations

import json

import pytest
from eth_account import Account
from helpers import sign_json

from furusato import ballots
from furusato.governance import Support


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda t: t["domain"].update(chainId=1), "signed for chain id 1, but this is chain 31337"),
        (lambda t: t["domain"].update(verifyingContract="0x" + "12" * 20), "signed for contract"),
        (lambda t: t["domain"].update(name="Other Governor"), "are not the governor's"),
        (lambda t: t["message"].update(nonce="1"), "nonce 1 of"),
        (lambda t: t["message"].update(support=3), "is not 0 (against), 1 (for) or 2 (abstain)"),
        (lambda t: t["message"].update(proposalId="123"), "unknown proposal 123"),
        (lambda t: t["types"]["Ballot"].pop(), "types.Ballot is not the contracts' Ballot struct"),
        (lambda t: t.update(primaryType="Vote"), "primaryType 'Vote' is not one of"),
    ],
)
def test_every_wrong_ballot_is_refused_with_its_reason(pdao, voting, signer, tamper, message):
    typed = ballots.export_ballot(pdao, voting, Support.For, signer.address)
    structural = "types" in message or "primaryType" in message  # a wallet would not sign these: tamper after
    if not structural:
        tamper(typed)
    sig = bytes.fromhex(sign_json(json.dumps(typed), signer.key)[2:])
    if structural:
        tamper(typed)
    with pytest.raises(ballots.SignatureRejected) as exc:
        ballots.verify(pdao, typed, sig)
    assert message in str(exc.value)


def test_a_signature_moved_to_another_proposal_or_voter_recovers_someone_else(pdao, voting, signer, alice):
    typed = ballots.export_ballot(pdao, voting, Support.For, signer.address)
    sig = bytes.fromhex(sign_json(json.dumps(typed), signer.key)[2:])
    typed["message"]["support"] = 0
    with pytest.raises(ballots.SignatureRejected, match="bad signature: it recovers"):
        ballots.verify(pdao, typed, sig)
    typed["message"]["support"] = 1
    typed["message"]["voter"] = alice.address
    with pytest.raises(ballots.SignatureRejected, match="bad signature: it recovers"):
        ballots.verify(pdao, typed, sig)


def test_no_voting_power_at_the_snapshot_is_refused(pdao, voting):
    nobody = Account.create()
    typed = ballots.export_ballot(pdao, voting, Support.For, nobody.address)
    sig = bytes.fromhex(sign_json(json.dumps(typed), nobody.key)[2:])
    with pytest.raises(ballots.SignatureRejected, match="had no voting power at the snapshot"):
        ballots.verify(pdao, typed, sig)
