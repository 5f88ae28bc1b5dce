"""EIP-712 typed data exactly as a wallet receives it for ``eth_signTypedData_v4``, and signing it."""

from __future__ import annotations

from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from web3.contract import Contract


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


def recover(typed_data: dict[str, Any], signature: bytes) -> str:
    """The address that signed ``typed_data``."""
    return str(Account.recover_message(encode_typed_data(full_message=typed_data), signature=signature))
