"""The CLI timing bench (`make bench`: time.cli.help, time.cli.proposal_list) runs end to end, with one timed run
each here: `furusato` in a subprocess, reaching this test chain as `--network development`."""

from __future__ import annotations

from pathlib import Path

from brownie import accounts, web3

from furusato.bench import Bench, BenchActors
from furusato.bench.cli import bench_cli

ROOT = Path(__file__).resolve().parents[2]


def test_cli_bench_times_help_and_proposal_list(tmp_path):
    lines: list[str] = []
    actors = BenchActors.development([a.address for a in accounts])
    results = bench_cli(Bench(web3, ROOT, actors, tmp_path, lines.append), runs=1)
    assert set(results) == {"time.cli.help", "time.cli.proposal_list"}
    assert all(0 < v < 120 for v in results.values())
    assert "time.cli.proposal_list" in lines[0]
