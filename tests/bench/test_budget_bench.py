"""The budget benches run end to end on the test chain and return plausible gas figures."""

from __future__ import annotations

from pathlib import Path

from brownie import accounts, web3

from furusato.bench import Bench, BenchActors
from furusato.bench.budget import bench_budget, bench_headcount

ROOT = Path(__file__).resolve().parents[2]


def test_budget_bench(tmp_path: Path) -> None:
    lines: list[str] = []
    actors = BenchActors.development([a.address for a in accounts])
    results = bench_budget(Bench(web3, ROOT, actors, tmp_path, lines.append))
    print(results)
    assert set(results) == {"gas.budget.ballot.direct", "gas.budget.ballot.relayed", "gas.budget.finalize30"}
    assert 40_000 < results["gas.budget.ballot.direct"] < results["gas.budget.ballot.relayed"] < 200_000
    assert 100_000 < results["gas.budget.finalize30"] < 3_000_000
    assert "gas.budget.finalize30" in lines[-1]


def test_headcount_bench(tmp_path: Path) -> None:
    actors = BenchActors.development([a.address for a in accounts])
    results = bench_headcount(Bench(web3, ROOT, actors, tmp_path, lambda _l: None))
    print(results)
    assert set(results) == {"gas.headcount.castVote", "gas.headcountPlain.castVote"}
    assert 30_000 < results["gas.headcountPlain.castVote"] < results["gas.headcount.castVote"] < 200_000
