"""The reward Merkle tree: one leaf ``(epoch id, index, member, amount)`` per member with a non-zero allocation.

The leaf encoding is ``["uint256", "uint256", "address", "uint256"]``, hashed the OpenZeppelin
``StandardMerkleTree`` way (``keccak256(bytes.concat(keccak256(abi.encode(epochId, index, account, amount))))``
in Solidity — what ``ActivityRewards`` checks). Values are listed by member address ascending (lowercase hex
order) and ``index`` is a value's position in that list, which is also its position in the ``values`` array of
``tree.json``: ``0 .. count-1``. ``ActivityRewards`` pushes leaves in index order and tracks payments by index,
so the same allocation always gives the same tree file and the same payment order.
"""

from __future__ import annotations

from furusato.errors import InputError
from furusato.merkle import StandardMerkleTree
from furusato.rewards.allocation import Allocation

__all__ = ["LEAF_ENCODING", "build_tree"]

LEAF_ENCODING = ("uint256", "uint256", "address", "uint256")
"""(epoch id, leaf index, member, amount in token base units)."""


def build_tree(allocation: Allocation, *, log_name: str = "activity log") -> StandardMerkleTree:
    """The Merkle tree of ``allocation``'s recipients; InputError (naming ``log_name``) if nobody earned anything."""
    recipients = allocation.recipients
    if not recipients:
        raise InputError(f"{log_name}: no member earned any tokens in epoch {allocation.epoch}, so there is no tree")
    epoch = allocation.epoch.id
    return StandardMerkleTree.of([(epoch, i, m.member, m.amount) for i, m in enumerate(recipients)], LEAF_ENCODING)
