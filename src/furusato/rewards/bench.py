"""Benchmarks for ``make bench`` (not tests: nothing here asserts a time)."""

from __future__ import annotations

import hashlib
import time

from furusato.merkle import StandardMerkleTree
from furusato.rewards.tree import LEAF_ENCODING

__all__ = ["bench_merkle"]


def bench_merkle(n: int = 100_000) -> float:
    """Seconds to build an ``n``-leaf reward tree (epoch, index, member, amount) and compute every proof.

    The values (deterministic pseudo-random lowercase addresses and amounts) are made before the clock starts;
    the timed part includes checking and checksumming them, as a real run does.
    """
    values = []
    for i in range(n):
        digest = hashlib.sha256(i.to_bytes(8, "big")).digest()
        values.append((202612, i, "0x" + digest[:20].hex(), int.from_bytes(digest[20:28], "big")))
    start = time.perf_counter()
    tree = StandardMerkleTree.of(values, LEAF_ENCODING)
    tree.all_proofs()
    return time.perf_counter() - start
