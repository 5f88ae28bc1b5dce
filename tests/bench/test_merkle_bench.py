"""The Merkle tree bench (`make bench`: time.merkle.100000) runs and reports seconds."""

from __future__ import annotations

from furusato.bench.rewards import bench_merkle


def test_bench_merkle_returns_seconds() -> None:
    seconds = bench_merkle(50)
    assert isinstance(seconds, float)
    assert seconds > 0
