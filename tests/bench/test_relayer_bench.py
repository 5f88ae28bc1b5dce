"""The relayer benchmark runs end to end (with few ballots here; `make bench` relays 200)."""

from __future__ import annotations

from pathlib import Path

from brownie import accounts, web3

from furusato.bench import Bench, BenchActors
from furusato.bench.relayer import bench_relayer

ROOT = Path(__file__).resolve().parents[2]


def test_bench_relayer_reports_gas_and_rate(tmp_path):
    actors = BenchActors.development([a.address for a in accounts])
    lines: list[str] = []
    results = bench_relayer(Bench(web3, ROOT, actors, tmp_path, lines.append), ballots=12)
    assert set(results) == {"gas.relay.castVoteBySig", "rate.relay.ballots_per_s"}
    assert 40_000 < results["gas.relay.castVoteBySig"] < 150_000
    assert results["rate.relay.ballots_per_s"] > 0
    assert "relayed 12 ballots" in lines[0]
    assert len((tmp_path / "relayer-bench.jsonl").read_text().splitlines()) == 12
