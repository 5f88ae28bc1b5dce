"""The CLI timing bench (`make bench`: time.cli.help, time.cli.proposal_list) runs end to end, with one timed run
each here: `furusato` in a subprocess, reaching this test chain as `--network development`."""

from __future__ import annotations

from pathlib import Path

from brownie import accounts, web3

from furusato.bench import BenchActors
from furusato.bench.cli import bench_cli

ROOT = Path(__file__).resolve().parents[2]


def test_cli_bench_times_help_and_proposal_list(tmp_path):
    lines: list[str] = []
    results = bench_cli(
        web3, ROOT, BenchActors.development([a.address for a in accounts]), runs=1, work=tmp_path, log=lines.append
    )
    assert set(results) == {"time.cli.help", "time.cli.proposal_list"}
    assert all(0 < v < 120 for v in results.values())
    assert "time.cli.proposal_list" in lines[0]
