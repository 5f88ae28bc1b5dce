"""The reward Merkle tree: one leaf ``(epoch id, member, amount)`` per member with a non-zero allocation.

The leaf encoding is ``["uint256", "address", "uint256"]``, hashed the OpenZeppelin ``StandardMerkleTree`` way
(``keccak256(bytes.concat(keccak256(abi.encode(epochId, account, amount))))`` in Solidity). Values are listed
by member address ascending, so the same allocation always gives the same tree file.
"""

from __future__ import annotations

from furusato.errors import InputError
from furusato.merkle import StandardMerkleTree
from furusato.rewards.allocation import Allocation

__all__ = ["LEAF_ENCODING", "build_tree"]

LEAF_ENCODING = ("uint256", "address", "uint256")
"""(epoch id, member, amount in token base units)."""


def build_tree(allocation: Allocation, *, log_name: str = "activity log") -> StandardMerkleTree:
    """The Merkle tree of ``allocation``'s recipients; InputError (naming ``log_name``) if nobody earned anything."""
    recipients = allocation.recipients
    if not recipients:
        raise InputError(f"{log_name}: no member earned any tokens in epoch {allocation.epoch}, so there is no tree")
    return StandardMerkleTree.of([(allocation.epoch.id, m.member, m.amount) for m in recipients], LEAF_ENCODING)
