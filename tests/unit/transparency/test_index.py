"""The indexer against a fake node: adaptive chunks under range and result limits, confirmations, resume after a
crash, incremental runs, and a reorg of the last indexed block."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

import pytest

from furusato.transparency.index import Index, RangeTooLargeError, RawLog


class FakeNode:
    """Logs at chosen blocks; refuses ranges wider than ``max_range`` or answers larger than ``max_results``."""

    def __init__(self, logs_at: dict[int, int], head: int, max_range: int = 10**9, max_results: int = 10**9) -> None:
        self.logs_at, self._head = logs_at, head
        self.max_range, self.max_results = max_range, max_results
        self.calls: list[tuple[int, int]] = []
        self.fail_after: int | None = None
        self.salt = ""

    def head(self) -> int:
        return self._head

    def get_logs(self, addresses: Sequence[str], from_block: int, to_block: int) -> list[RawLog]:
        if self.fail_after is not None and len(self.calls) >= self.fail_after:
            raise KeyboardInterrupt("killed")
        self.calls.append((from_block, to_block))
        if to_block - from_block + 1 > self.max_range:
            raise RangeTooLargeError("block range too large")
        out = [
            RawLog(b, int(addr[2:], 16) * 1000 + i, 0, f"0x{b:064x}", addr, (f"0x{i:064x}",), "0x")
            for b in range(from_block, to_block + 1)
            for addr in addresses
            for i in range(self.logs_at.get(b, 0))
        ]
        if len(out) > self.max_results:
            raise RangeTooLargeError("query returned more than 10000 results")
        return out

    def blocks(self, numbers: Sequence[int]) -> dict[int, tuple[str, int]]:
        return {n: (f"0xh{n}{self.salt}", 1_700_000_000 + n) for n in numbers}


def test_adapts_to_range_and_result_limits_and_gets_everything(tmp_path: Path) -> None:
    logs_at = {b: 3 for b in range(0, 5_000, 7)}
    node = FakeNode(logs_at, head=5_000, max_range=300, max_results=120)
    ix = Index(tmp_path / "i.sqlite")
    ix.add_sources(["0xaa"], 0)
    stats = ix.sync(node, initial_chunk=10_000)
    assert ix.count() == sum(logs_at.values())
    assert stats.shrinks > 0
    assert all(hi - lo + 1 <= 300 for lo, hi in stats.ranges)
    covered = sorted(stats.ranges)
    assert covered[0][0] == 0
    assert covered[-1][1] == 5_000
    assert all(a[1] + 1 == b[0] for a, b in itertools.pairwise(covered))  # no gap, no overlap


def test_confirmations_margin_and_incremental_runs(tmp_path: Path) -> None:
    node = FakeNode({10: 1, 95: 1, 120: 2}, head=100)
    ix = Index(tmp_path / "i.sqlite")
    ix.add_sources(["0xaa", "0xbb"], 0)
    first = ix.sync(node, confirmations=10)
    assert first.to_block == 90
    assert ix.count() == 2  # block 95 is inside the margin: not yet
    node._head = 130
    second = ix.sync(node, confirmations=10)
    assert all(lo > 90 for lo, _hi in second.ranges)
    assert ix.count() == 2 + 2 + 4
    third = ix.sync(node, confirmations=10)
    assert third.ranges == []
    assert third.logs_fetched == 0


def test_resumes_after_a_crash_without_refetching(tmp_path: Path) -> None:
    node = FakeNode({b: 1 for b in range(1_000)}, head=999, max_range=100)
    ix = Index(tmp_path / "i.sqlite")
    ix.add_sources(["0xaa"], 0)
    node.fail_after = 4
    with pytest.raises(KeyboardInterrupt):
        ix.sync(node, initial_chunk=100, max_chunk=100)
    ix.close()
    done = Index(tmp_path / "i.sqlite").synced_to()
    assert done >= 99
    node.fail_after = None
    node.calls.clear()
    again = Index(tmp_path / "i.sqlite")
    again.sync(node, initial_chunk=100, max_chunk=100)
    assert min(lo for lo, _hi in node.calls) == done + 1
    assert again.count() == 1_000


def test_a_source_added_later_is_caught_up_from_its_start(tmp_path: Path) -> None:
    node = FakeNode({5: 1, 50: 1}, head=60)
    ix = Index(tmp_path / "i.sqlite")
    ix.add_sources(["0xaa"], 0)
    ix.sync(node)
    ix.add_sources(["0xbb"], 0)
    stats = ix.sync(node)
    assert stats.ranges[0][0] == 0
    assert ix.count() == 4
    assert ix.synced_to() == 60


def test_a_changed_tip_rewinds(tmp_path: Path) -> None:
    node = FakeNode({5: 1, 150: 1}, head=200)
    ix = Index(tmp_path / "i.sqlite")
    ix.add_sources(["0xaa"], 0)
    ix.sync(node)
    node.salt = "-reorged"
    stats = ix.sync(node)
    assert stats.rewound_to == 200 - 128
    assert ix.count() == 2


def test_an_index_of_another_chain_is_refused(tmp_path: Path) -> None:
    from furusato.errors import ChainError

    ix = Index(tmp_path / "i.sqlite")
    ix.bind(1, "0xToken")
    ix.bind(1, "0xtoken")
    with pytest.raises(ChainError, match="belongs to"):
        ix.bind(2, "0xtoken")


def test_a_restarted_chain_under_the_same_addresses_rebuilds_the_index(tmp_path: Path) -> None:
    node = FakeNode({5: 1, 50: 2}, head=60)
    ix = Index(tmp_path / "i.sqlite")
    assert not ix.bind(31337, "0xtoken", "0xanchor-1")
    ix.add_sources(["0xaa"], 0)
    ix.sync(node)
    assert ix.count() == 3
    fresh_chain = FakeNode({7: 1}, head=10)
    assert not ix.bind(31337, "0xtoken", "0xanchor-1")  # same chain: kept
    assert ix.bind(31337, "0xtoken", "0xanchor-2")  # the deploy block changed: dropped
    assert ix.count() == 0
    assert ix.synced_to() == -1
    ix.sync(fresh_chain)
    assert ix.count() == 1
