"""The reward Merkle tree: one leaf ``(epoch id, index, member, amount)`` per member with a non-zero allocation.

The leaf encoding is ``["uint256", "uint256", "address", "uint256"]``, hashed the OpenZeppelin
``StandardMerkleTree`` way (``keccak256(bytes.concat(keccak256(abi.encode(epochId, index, account, amount))))``
in Solidity — what ``ActivityRewards`` checks). Values are listed by member address ascending (lowercase hex
order) and ``index`` is a value's position in that list, which is also its position in the ``values`` array of
``tree.json``: ``0 .. count-1``. ``ActivityRewards`` pushes leaves in index order and tracks payments by index,
so the same allocation always gives the same tree file and the same payment order. The contract relies on that
order: each account once, strictly increasing (see :func:`require_increasing_accounts`).
"""

from __future__ import annotations

from furusato.errors import InputError
from furusato.merkle import StandardMerkleTree
from furusato.rewards.allocation import Allocation

__all__ = ["LEAF_ENCODING", "build_tree", "require_increasing_accounts"]

LEAF_ENCODING = ("uint256", "uint256", "address", "uint256")
"""(epoch id, leaf index, member, amount in token base units)."""


def build_tree(allocation: Allocation, *, log_name: str = "activity log") -> StandardMerkleTree:
    """The Merkle tree of ``allocation``'s recipients; InputError (naming ``log_name``) if nobody earned anything."""
    recipients = allocation.recipients
    if not recipients:
        raise InputError(f"{log_name}: no member earned any tokens in epoch {allocation.epoch}, so there is no tree")
    epoch = allocation.epoch.id
    ordered = sorted(recipients, key=lambda m: int(str(m.member), 16))
    tree = StandardMerkleTree.of([(epoch, i, m.member, m.amount) for i, m in enumerate(ordered)], LEAF_ENCODING)
    require_increasing_accounts(tree, source=log_name)
    return tree


def require_increasing_accounts(tree: StandardMerkleTree, *, source: str = "reward tree") -> None:
    """InputError unless leaf ``i`` has index ``i`` and accounts strictly increase with the index.

    ActivityRewards pays each account at most once per epoch by checking this order on chain (a push of leaves out
    of order reverts), so a tree is checked before it is written or published.
    """
    previous = -1
    for position, (_epoch, index, account, _amount) in enumerate(tree.values):
        if int(index) != position:
            raise InputError(f"{source}: leaf {position} has index {index}; leaf i must have index i")
        value = int(str(account), 16)
        if value <= previous:
            raise InputError(
                f"{source}: leaf {position} ({account}) does not come after the leaf before it: a reward tree lists "
                "each account once, by address ascending"
            )
        previous = value
