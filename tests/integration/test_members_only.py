"""The Python core on a members-only DAO (the `town` preset's default, deployed by the `mdao` fixture): the relayer
refuses a former member's signed ballot before sending anything, and the revoke core reports the votes it suspends.
The contracts' members-only rules are tested in tests/contracts/governor/test_member_voting.py."""

from __future__ import annotations

import pytest
from brownie import web3
from eth_account import Account
from helpers import advance, open_proposal, w3c
from web3 import Web3

from furusato import eip712
from furusato.ballots import SignatureRejected, export_ballot
from furusato.chain import UnlockedSender
from furusato.governance import Support
from furusato.relayer import Relayer, RelayerSettings

TOKEN = 10**18
RESIDENT = 0
NO_RECORD = b"\x00" * 32


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
