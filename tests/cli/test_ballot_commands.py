"""`furusato ballot export|verify`: typed data exported as a wallet receives it, signed with eth-account from that
JSON, verified offline, and working on chain as exported; malformed signed files are explained. The core
(:mod:`furusato.ballots`) is tested in tests/integration/test_ballots.py."""

from __future__ import annotations

import json

import pytest
from brownie import web3
from eth_account import Account
from eth_account.messages import encode_typed_data
from helpers import sign_json

from furusato import ballots
from furusato.governance import Support

TOKEN = 10**18


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
    assert verified.call is not None
    assert verified.call.address == token.address
    assert verified.call.fn_name == "delegateBySig"
    relay = {"from": web3.eth.accounts[7], "to": verified.call.address, "data": verified.call.data}
    web3.eth.wait_for_transaction_receipt(web3.eth.send_transaction(relay))
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
