"""Wallet signatures: typed data exported as a wallet receives it, signed with eth-account from that JSON, and
verified offline (`furusato ballot export|verify`, :mod:`furusato.ballots`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from brownie import Contract, web3
from eth_account import Account
from eth_account.messages import encode_typed_data
from helpers import advance

from furusato import ballots
from furusato.governance import Proposal, Support, call_action

ROOT = Path(__file__).resolve().parents[2]
TOKEN = 10**18


@pytest.fixture
def voting(pdao: Any, governor: Any, alice: Any, signer: Any, funded_treasury: Any, project: Any) -> int:
    """The signer holds 1,000 votes; a proposal is active. Returns its id."""
    token = Contract.from_abi("RegionToken", pdao.token.address, pdao.token.abi)
    token.transfer(signer.address, 1_000 * TOKEN, {"from": alice})
    advance(1)
    proposal = Proposal(
        (call_action(pdao.treasury, "pay", "0x" + "00" * 20, project.address, TOKEN, "x"),), "ballot test"
    )
    governor.propose(*proposal.args(), proposal.description, {"from": alice})
    advance(governor.votingDelay() + 1)
    return proposal.proposal_id


def sign_json(text: str, key: bytes) -> str:
    """Sign the typed-data JSON exactly as a wallet would (eth_signTypedData_v4 over the parsed JSON)."""
    return (
        "0x"
        + bytes(Account.sign_message(encode_typed_data(full_message=json.loads(text)), private_key=key).signature).hex()
    )


def test_exported_ballot_is_what_a_wallet_signs_and_verifies_offline(cli, voting, signer, governor, tmp_path):
    out = cli("ballot", "export", "ballot", "--proposal", str(voting), "--support", "for", "--voter", signer.address)
    assert out.exit_code == 0, out.output
    typed = json.loads(out.output)
    assert set(typed) == {"types", "domain", "primaryType", "message"}
    assert typed["primaryType"] == "Ballot"
    assert typed["domain"] == {"name": "Furusato Governor", "version": "1", "chainId": 31337,
                               "verifyingContract": governor.address}  # fmt: skip
    assert typed["message"] == {"proposalId": str(voting), "support": 1, "voter": signer.address, "nonce": "0"}
    signed = tmp_path / "ballot.json"
    signed.write_text(json.dumps({"typedData": typed, "signature": sign_json(out.output, signer.key)}))
    verified = cli("ballot", "verify", str(signed))
    assert verified.exit_code == 0, verified.output
    assert f"Ballot signed by {signer.address} (nonce 0): OK" in verified.output
    assert "votes: 1000000000000000000000" in verified.output

    # The signature works on chain exactly as exported.
    typed_file = tmp_path / "typed.json"
    typed_file.write_text(out.output)
    sig = json.loads(signed.read_text())["signature"]
    assert cli("ballot", "verify", str(typed_file), "--signature", sig).exit_code == 0
    governor.castVoteBySig(voting, Support.For, signer.address, sig, {"from": web3.eth.accounts[7]})
    assert governor.hasVoted(voting, signer.address)
    again = cli("ballot", "verify", str(signed))
    assert again.exit_code == 2
    assert "has already voted" in again.output


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


def test_delegation_and_permit_exports_verify_and_work_on_chain(cli, pdao, signer, alice, bob, token, tmp_path):
    token.transfer(signer.address, 10 * TOKEN, {"from": alice})
    out = cli("ballot", "export", "delegation", "--delegator", signer.address, "--delegatee", bob.address,
              "--expires", "1 day")  # fmt: skip
    assert out.exit_code == 0, out.output
    typed = json.loads(out.output)
    assert typed["primaryType"] == "Delegation"
    assert typed["domain"]["verifyingContract"] == token.address
    sig = sign_json(out.output, signer.key)
    signed = tmp_path / "delegation.json"
    signed.write_text(json.dumps({"typedData": typed, "signature": sig}))
    assert f"Delegation signed by {signer.address} (nonce 0): OK" in cli("ballot", "verify", str(signed)).output
    verified = ballots.verify(pdao, typed, bytes.fromhex(sig[2:]))
    before = token.getVotes(bob)
    from furusato.chain import UnlockedSender, transact

    assert verified.call is not None
    transact(web3, UnlockedSender(web3.eth.accounts[7]), verified.call)
    assert token.delegates(signer.address) == bob.address
    assert token.getVotes(bob) == before + 10 * TOKEN

    permit = cli("ballot", "export", "permit", "--owner", signer.address, "--spender", alice.address,
                 "--amount", "2.5", "--expires", "2099-01-01")  # fmt: skip
    assert permit.exit_code == 0, permit.output
    ptyped = json.loads(permit.output)
    assert ptyped["message"]["value"] == str(25 * TOKEN // 10)
    assert ptyped["message"]["nonce"] == "1"  # the delegation used nonce 0 (shared ERC-20 nonces)
    psig = Account.sign_message(encode_typed_data(full_message=json.loads(permit.output)), private_key=signer.key)
    checked = ballots.verify(pdao, ptyped, bytes(psig.signature))
    assert checked.kind == "Permit"
    msg = ptyped["message"]
    token.permit(signer.address, alice.address, int(msg["value"]), int(msg["deadline"]), psig.v,
                 psig.r.to_bytes(32, "big"), psig.s.to_bytes(32, "big"), {"from": alice})  # fmt: skip
    assert token.allowance(signer.address, alice.address) == 25 * TOKEN // 10
    with pytest.raises(ballots.SignatureRejected, match=r"replay: nonce 1 of .* was already used"):
        ballots.verify(pdao, ptyped, bytes(psig.signature))


def test_malformed_signed_files_are_explained(cli, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert "is not JSON" in cli("ballot", "verify", str(bad)).output
    bad.write_text(json.dumps({"typedData": {}, "signature": "0x12"}))
    assert "expected 65 bytes" in cli("ballot", "verify", str(bad)).output
    bad.write_text(json.dumps({"typedData": {"types": {}}, "signature": "0x" + "11" * 65}))
    assert "typedData has no 'domain'" in cli("ballot", "verify", str(bad)).output
    out = cli("ballot", "export", "ballot", "--support", "for")
    assert "ballot needs --proposal" in out.output
