"""The relayer's own EIP-712 hashing (`eip712.digest`, `eip712.recover_digest`) and address check
(`abi.checked_address`) agree with eth-account and web3.py, which they stand in for on every relayed ballot."""

from __future__ import annotations

from typing import Any

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils.address import is_checksum_address
from eth_utils.crypto import keccak
from hypothesis import given, settings
from hypothesis import strategies as st
from web3 import Web3

from furusato import eip712
from furusato.abi import checked_address
from furusato.ballots import PRIMARY

KEY = Account.from_key(b"\x07" * 32)
uint256 = st.integers(min_value=0, max_value=2**256 - 1)
addresses = st.binary(min_size=20, max_size=20).map(lambda b: Web3.to_checksum_address(b))
text = st.text(max_size=80)
domains = st.fixed_dictionaries({"name": text, "version": text, "chainId": uint256, "verifyingContract": addresses})
messages = st.one_of(
    st.tuples(st.just("Ballot"), st.fixed_dictionaries(
        {"proposalId": uint256, "support": st.integers(0, 255), "voter": addresses, "nonce": uint256})),
    st.tuples(st.just("ExtendedBallot"), st.fixed_dictionaries(
        {"proposalId": uint256, "support": st.integers(0, 255), "voter": addresses, "nonce": uint256,
         "reason": text, "params": st.binary(max_size=64)})),
    st.tuples(st.just("Delegation"), st.fixed_dictionaries(
        {"delegatee": addresses, "nonce": uint256, "expiry": uint256})),
    st.tuples(st.just("Permit"), st.fixed_dictionaries(
        {"owner": addresses, "spender": addresses, "value": uint256, "nonce": uint256, "deadline": uint256})),
)  # fmt: skip


def _typed(domain: dict[str, Any], primary: str, message: dict[str, Any]) -> dict[str, Any]:
    """The full typed data a wallet gets (bytes as 0x-hex, as the portal exports them)."""
    wallet = {k: ("0x" + v.hex() if isinstance(v, bytes) else v) for k, v in message.items()}
    return {
        "types": {"EIP712Domain": eip712.EIP712_DOMAIN, primary: PRIMARY[primary]},
        "domain": domain,
        "primaryType": primary,
        "message": wallet,
    }


@settings(max_examples=150, deadline=None)
@given(domain=domains, message=messages)
def test_digest_is_what_eth_account_signs(domain, message):
    primary, values = message
    signable = encode_typed_data(full_message=_typed(domain, primary, values))
    assert eip712.digest(domain, primary, values) == keccak(b"\x19" + signable.version + signable.header
                                                            + signable.body)  # fmt: skip
    assert eip712.struct_hash(primary, values) == signable.body


@settings(max_examples=30, deadline=None)
@given(domain=domains, message=messages)
def test_recover_digest_finds_the_signer_of_a_wallet_signature(domain, message):
    primary, values = message
    signature = bytes(Account.sign_message(encode_typed_data(full_message=_typed(domain, primary, values)),
                                           private_key=KEY.key).signature)  # fmt: skip
    digest = eip712.digest(domain, primary, values)
    assert eip712.recover_digest(digest, signature) == KEY.address
    low_v = signature[:64] + bytes([signature[64] - 27])  # some wallets send v as 0/1
    assert eip712.recover_digest(digest, low_v) == KEY.address
    other = eip712.digest(domain, primary, {**values, "nonce": (values["nonce"] + 1) % 2**256})
    assert eip712.recover_digest(other, signature) != KEY.address


@pytest.mark.parametrize(
    ("signature", "message"),
    [(b"\x01" * 64, "65 bytes"), (b"\x01" * 64 + b"\x05", "v must be 27 or 28")],
    ids=["short", "bad-v"],
)
def test_recover_digest_refuses_malformed_signatures(signature, message):
    with pytest.raises(ValueError, match=message):
        eip712.recover_digest(b"\x00" * 32, signature)


def test_digest_refuses_a_type_that_is_not_ours():
    with pytest.raises(ValueError, match="bytes32 is not one of ours"):
        eip712._word("bytes32", b"\x00" * 32)


def _cased(raw: bytes, pattern: list[bool]) -> str:
    digits = raw.hex()
    return "".join(c.upper() if up else c for c, up in zip(digits, pattern * 40, strict=False))


@settings(max_examples=300, deadline=None)
@given(
    raw=st.binary(min_size=20, max_size=20),
    pattern=st.lists(st.booleans(), min_size=1, max_size=7),
    prefix=st.sampled_from(["0x", "0X", ""]),
    style=st.sampled_from(["lower", "upper", "checksum", "mixed"]),
)
def test_checked_address_agrees_with_web3(raw, pattern, prefix, style):
    digits = {
        "lower": raw.hex(),
        "upper": raw.hex().upper(),
        "checksum": Web3.to_checksum_address(raw)[2:],
        "mixed": _cased(raw, pattern),
    }[style]
    value = prefix + digits
    mixed = digits not in (digits.lower(), digits.upper())
    # web3.py 7 takes any 40 hex digits; a mixed-case address must also carry its EIP-55 checksum (a typo in a
    # hand-copied address is refused rather than sent).
    valid = Web3.is_address(value) and (not mixed or is_checksum_address("0x" + digits))
    assert checked_address(value) == (Web3.to_checksum_address(value) if valid else None)


@pytest.mark.parametrize("value", ["", "0x", "0x123", "0x" + "g" * 40, "0x" + "a" * 41, " 0x" + "a" * 40])
def test_checked_address_refuses_what_is_not_an_address(value):
    """Not 40 hex digits (with 0x, 0X or nothing before them)."""
    assert checked_address(value) is None
    assert not Web3.is_address(value)


def test_checked_address_refuses_a_wrong_checksum():
    good = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
    typo = good[:-1] + "c"  # one letter's case changed
    assert checked_address(good) == good
    assert checked_address(good.lower()) == good
    assert checked_address(typo) is None
