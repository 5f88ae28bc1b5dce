"""EIP-712 typed data exactly as a wallet receives it for ``eth_signTypedData_v4``, and signing it."""

from __future__ import annotations

import functools
from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from web3.contract import Contract

from furusato.abi import keccak


def _members(*fields: str) -> list[dict[str, str]]:
    """EIP-712 struct members from ``"name type"`` strings, in order."""
    return [{"name": name, "type": kind} for name, kind in (field.split() for field in fields)]


EIP712_DOMAIN = _members("name string", "version string", "chainId uint256", "verifyingContract address")
BALLOT = _members("proposalId uint256", "support uint8", "voter address", "nonce uint256")
EXTENDED_BALLOT = _members(
    "proposalId uint256", "support uint8", "voter address", "nonce uint256", "reason string", "params bytes"
)
DELEGATION = _members("delegatee address", "nonce uint256", "expiry uint256")
PERMIT = _members("owner address", "spender address", "value uint256", "nonce uint256", "deadline uint256")


def domain_of(contract: Contract) -> dict[str, Any]:
    """The EIP-712 domain a contract reports through ERC-5267 ``eip712Domain()``."""
    _fields, name, version, chain_id, verifying, _salt, _ext = contract.functions.eip712Domain().call()
    return {"name": name, "version": version, "chainId": int(chain_id), "verifyingContract": verifying}


def _typed(
    primary: str, fields: list[dict[str, str]], domain: dict[str, Any], message: dict[str, Any]
) -> dict[str, Any]:
    return {
        "types": {"EIP712Domain": EIP712_DOMAIN, primary: fields},
        "domain": domain,
        "primaryType": primary,
        "message": message,
    }


def ballot(domain: dict[str, Any], proposal_id: int, support: int, voter: str, nonce: int) -> dict[str, Any]:
    """Typed data of a vote for ``castVoteBySig``."""
    message = {"proposalId": proposal_id, "support": support, "voter": voter, "nonce": nonce}
    return _typed("Ballot", BALLOT, domain, message)


def extended_ballot(
    domain: dict[str, Any], proposal_id: int, support: int, voter: str, nonce: int, reason: str, params: str = "0x"
) -> dict[str, Any]:
    """Typed data of a vote with a reason for ``castVoteWithReasonAndParamsBySig`` (``params`` as 0x-hex)."""
    message = {
        "proposalId": proposal_id,
        "support": support,
        "voter": voter,
        "nonce": nonce,
        "reason": reason,
        "params": params,
    }
    return _typed("ExtendedBallot", EXTENDED_BALLOT, domain, message)


def delegation(domain: dict[str, Any], delegatee: str, nonce: int, expiry: int) -> dict[str, Any]:
    """Typed data of a delegation for ``delegateBySig``."""
    return _typed("Delegation", DELEGATION, domain, {"delegatee": delegatee, "nonce": nonce, "expiry": expiry})


def permit(domain: dict[str, Any], owner: str, spender: str, value: int, nonce: int, deadline: int) -> dict[str, Any]:
    """Typed data of an ERC-2612 permit."""
    message = {"owner": owner, "spender": spender, "value": value, "nonce": nonce, "deadline": deadline}
    return _typed("Permit", PERMIT, domain, message)


def sign(account: LocalAccount, typed_data: dict[str, Any]) -> tuple[int, bytes, bytes, bytes]:
    """Sign full typed data; return ``(v, r, s, signature)``."""
    signed = account.sign_message(encode_typed_data(full_message=typed_data))
    r = signed.r.to_bytes(32, "big")
    s = signed.s.to_bytes(32, "big")
    return signed.v, r, s, bytes(signed.signature)


# ------------------------------------------------------------------------------------------------ hashing

_TYPES = {"EIP712Domain": EIP712_DOMAIN, "Ballot": BALLOT, "ExtendedBallot": EXTENDED_BALLOT,
          "Delegation": DELEGATION, "Permit": PERMIT}  # fmt: skip


def _type_hash(primary: str) -> bytes:
    fields = _TYPES[primary]
    return keccak(f"{primary}({','.join(f['type'] + ' ' + f['name'] for f in fields)})".encode())


_TYPE_HASHES = {name: _type_hash(name) for name in _TYPES}


def _word(kind: str, value: Any) -> bytes:
    """One member of an EIP-712 struct encoded as ``encodeData`` does it for the atomic and dynamic types our
    structs use (value already checked: ints for uintN, 0x-addresses, text, bytes or 0x-hex for bytes)."""
    if kind.startswith("uint"):
        return int(value).to_bytes(32, "big")
    if kind == "address":
        return bytes(12) + bytes.fromhex(str(value)[2:])
    if kind == "string":
        return keccak(str(value).encode("utf-8"))
    if kind == "bytes":
        return keccak(value if isinstance(value, bytes) else bytes.fromhex(str(value)[2:]))
    raise ValueError(f"EIP-712 member type {kind} is not one of ours")


def struct_hash(primary: str, message: dict[str, Any]) -> bytes:
    """``hashStruct`` of a message of one of our types (Ballot, ExtendedBallot, Delegation, Permit, EIP712Domain)."""
    words = [_word(f["type"], message[f["name"]]) for f in _TYPES[primary]]
    return keccak(_TYPE_HASHES[primary] + b"".join(words))


@functools.lru_cache(maxsize=64)
def _separator(name: str, version: str, chain_id: int, verifying: str) -> bytes:
    return struct_hash("EIP712Domain", {"name": name, "version": version, "chainId": chain_id,
                                        "verifyingContract": verifying})  # fmt: skip


def digest(domain: dict[str, Any], primary: str, message: dict[str, Any]) -> bytes:
    """The 32 bytes a wallet signs for ``eth_signTypedData_v4`` of ``message`` (checked values, see
    :func:`_word`) under ``domain``: ``keccak(0x1901 ‖ domainSeparator ‖ hashStruct(message))``. The same hash
    eth-account computes from the full typed data (a property test holds them equal), without walking the type
    graph for every ballot."""
    separator = _separator(str(domain["name"]), str(domain["version"]), int(domain["chainId"]),
                           str(domain["verifyingContract"]).lower())  # fmt: skip
    return keccak(b"\x19\x01" + separator + struct_hash(primary, message))


def recover_digest(digest32: bytes, signature: bytes) -> str:
    """The checksummed address whose key made the 65-byte ``signature`` (r ‖ s ‖ v, v 27/28 or 0/1) of
    ``digest32``; ValueError for a signature that recovers nothing."""
    from eth_keys.datatypes import Signature

    if len(signature) != 65:
        raise ValueError("a signature is 65 bytes")
    v = signature[64]
    v = v - 27 if v >= 27 else v
    if v not in (0, 1):
        raise ValueError(f"v must be 27 or 28, not {signature[64]}")
    sig = Signature(signature[:64] + bytes([v]))
    return sig.recover_public_key_from_msg_hash(digest32).to_checksum_address()


def recover(typed_data: dict[str, Any], signature: bytes) -> str:
    """The address that signed ``typed_data``."""
    return str(Account.recover_message(encode_typed_data(full_message=typed_data), signature=signature))
