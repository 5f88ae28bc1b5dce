"""The EIP-712 ballot of a budget round: ``Ballot(uint256 choices,address voter)`` in the round's own domain
(name "BudgetRound", version "1", the round's address), so a signed ballot is valid for one round only."""

from __future__ import annotations

from typing import Any

from furusato.eip712 import EIP712_DOMAIN

ROUND_BALLOT = [
    {"name": "choices", "type": "uint256"},
    {"name": "voter", "type": "address"},
]
DOMAIN_NAME = "BudgetRound"
DOMAIN_VERSION = "1"


def round_domain(chain_id: int, round_address: str) -> dict[str, Any]:
    """The EIP-712 domain of the round at ``round_address``."""
    return {"name": DOMAIN_NAME, "version": DOMAIN_VERSION, "chainId": chain_id, "verifyingContract": round_address}


def round_ballot(domain: dict[str, Any], choices: int, voter: str) -> dict[str, Any]:
    """Typed data of a round ballot for ``castBallotBySig`` (what a wallet receives for eth_signTypedData_v4)."""
    return {
        "types": {"EIP712Domain": EIP712_DOMAIN, "Ballot": ROUND_BALLOT},
        "domain": domain,
        "primaryType": "Ballot",
        "message": {"choices": choices, "voter": voter},
    }
