"""Small core pieces: deployment records, revert decoding, accounts and keystores, EIP-712 typed data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eth_abi.abi import encode
from eth_account import Account
from web3 import Web3

from furusato import eip712
from furusato.accounts import load_keystore, public_test_addresses, read_password, refuse_public_test_account
from furusato.chain import CAPABILITY_PROBES
from furusato.errors import AccountError, ConfigError
from furusato.governance import Action, Proposal
from furusato.records import ContractRecord, DeploymentRecord, read_record, record_path, write_record
from furusato.reverts import ErrorDecoder
from furusato.units import format_units as units

ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"


def sample_record() -> DeploymentRecord:
    return DeploymentRecord(
        network="sepolia",
        chain_id=11155111,
        deployer=ALICE,
        preset="town",
        config_digest="ab",
        contracts={"RegionToken": ContractRecord(ALICE, "0x01", 5, ["X", str(10**24)], 100)},
    )


def test_record_round_trip_and_atomic_write(tmp_path: Path):
    path = record_path(tmp_path, "sepolia")
    write_record(path, sample_record())
    assert read_record(path) == sample_record()
    assert [p.name for p in tmp_path.iterdir()] == ["sepolia.json"]  # no temp file left behind


def test_record_names_unsafe_networks_safely(tmp_path: Path):
    assert record_path(tmp_path, "../evil net").name == ".._evil_net.json"
    assert record_path(tmp_path, "x", partial=True).name == "x.partial.json"


def test_damaged_or_missing_record_is_explained(tmp_path: Path):
    with pytest.raises(ConfigError, match="deploy first"):
        read_record(tmp_path / "none.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    with pytest.raises(ConfigError, match="damaged"):
        read_record(bad)
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(ConfigError, match="not a furusato deployment record"):
        read_record(other)
    with pytest.raises(ConfigError, match="has no Treasury"):
        sample_record().address("Treasury")


def test_error_decoder_names_custom_errors_with_arguments():
    abi = {"type": "error", "name": "TreasuryBudgetExceeded", "inputs": [
        {"name": "lineId", "type": "uint256"}, {"name": "requested", "type": "uint256"},
        {"name": "remaining", "type": "uint256"}]}  # fmt: skip
    selector = Web3.keccak(text="TreasuryBudgetExceeded(uint256,uint256,uint256)")[:4]
    decoder = ErrorDecoder({"0x" + selector.hex(): abi})
    data = selector + encode(["uint256", "uint256", "uint256"], [1, 50, 20])
    assert decoder.decode(data) == "TreasuryBudgetExceeded(1, 50, 20)"
    reason = Web3.keccak(text="Error(string)")[:4] + encode(["string"], ["nope"])
    assert decoder.decode(reason) == "Error('nope')"
    assert decoder.decode(bytes.fromhex("4e487b71") + encode(["uint256"], [0x11])) == "Panic(0x11)"
    assert decoder.decode(b"\x12\x34\x56\x78").startswith("unknown custom error")
    assert decoder.decode(None) == "reverted without data"


def test_capability_probes_are_valid_init_code():
    for name, code in CAPABILITY_PROBES.items():
        assert code.startswith("0x"), name
        assert len(code) % 2 == 0, name
        assert code.endswith("00"), f"{name} must STOP"


def test_public_test_mnemonic_accounts_are_recognised():
    known = public_test_addresses()
    assert len(known) == 20
    assert "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266" in known
    with pytest.raises(AccountError, match="public test mnemonic"):
        refuse_public_test_account("0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "sepolia")
    refuse_public_test_account(Account.create().address, "sepolia")  # a fresh account passes


def test_keystore_round_trip_and_wrong_password(tmp_path: Path):
    account = Account.create()
    path = tmp_path / "k.json"
    path.write_text(json.dumps(Account.encrypt(account.key, "pw", kdf="pbkdf2", iterations=1024)))
    assert load_keystore(path, "pw").address == account.address
    with pytest.raises(AccountError, match="wrong password"):
        load_keystore(path, "nope")
    (tmp_path / "x.json").write_text("not json")
    with pytest.raises(AccountError, match="not a keystore"):
        load_keystore(tmp_path / "x.json", "pw")
    with pytest.raises(AccountError, match="cannot read the keystore"):
        load_keystore(tmp_path / "missing.json", "pw")


def test_password_file_is_read_without_its_newline(tmp_path: Path):
    pw = tmp_path / "pw"
    pw.write_text("secret\n")
    assert read_password(pw, "?") == "secret"
    with pytest.raises(AccountError, match="cannot read the password file"):
        read_password(tmp_path / "missing", "?")


def test_ballot_typed_data_is_what_a_wallet_signs_and_recovers_to_the_signer():
    account = Account.create()
    domain = {"name": "Furusato Governor", "version": "1", "chainId": 31337,
              "verifyingContract": "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"}  # fmt: skip
    data = eip712.ballot(domain, proposal_id=123, support=1, voter=account.address, nonce=0)
    assert set(data) == {"types", "domain", "primaryType", "message"}
    assert data["primaryType"] == "Ballot"
    json.dumps(data)  # serialisable as the wallet receives it
    _v, _r, _s, signature = eip712.sign(account, data)
    assert eip712.recover(data, signature) == account.address
    other = eip712.ballot({**domain, "chainId": 1}, 123, 1, account.address, 0)
    assert eip712.recover(other, signature) != account.address


def test_proposal_id_is_stable_and_depends_on_every_part():
    action = Action(target=ALICE, value=0, calldata=b"\x01")
    p = Proposal((action,), "describe")
    assert p.proposal_id == Proposal((action,), "describe").proposal_id
    assert p.proposal_id != Proposal((action,), "describe!").proposal_id
    assert p.proposal_id != Proposal((Action(ALICE, 1, b"\x01"),), "describe").proposal_id


def test_units_are_exact():
    assert units(12_345 * 10**15) == "12.345"
    assert units(10**18 * 1_000_000) == "1,000,000"
    assert units(1) == "0.000000000000000001"
