"""The membership benches (`make bench`: gas.registry.register, gas.sale.buy, gas.sale.refund;
gas.membersOnly.castVote, gas.registry.revoke) run end to end."""

from __future__ import annotations

from pathlib import Path

from brownie import accounts, web3

from furusato.bench import Bench, BenchActors
from furusato.bench.membership import bench_members_only, bench_membership

ROOT = Path(__file__).resolve().parents[2]


def test_bench_membership_reports_three_gas_figures(tmp_path):
    actors = BenchActors.development([a.address for a in accounts])
    lines: list[str] = []
    results = bench_membership(Bench(web3, ROOT, actors, tmp_path, lines.append))
    assert set(results) == {"gas.registry.register", "gas.sale.buy", "gas.sale.refund"}
    assert 60_000 < results["gas.registry.register"] < 250_000
    assert 60_000 < results["gas.sale.buy"] < 250_000
    assert 25_000 < results["gas.sale.refund"] < 100_000
    assert "gas.sale.buy" in lines[0]


def test_bench_members_only_reports_a_vote_and_a_revocation(tmp_path):
    actors = BenchActors.development([a.address for a in accounts])
    lines: list[str] = []
    results = bench_members_only(Bench(web3, ROOT, actors, tmp_path, lines.append))
    assert set(results) == {"gas.membersOnly.castVote", "gas.registry.revoke"}
    assert 60_000 < results["gas.membersOnly.castVote"] < 150_000
    assert 30_000 < results["gas.registry.revoke"] < 250_000  # the registry now records membership history
    assert "gas.registry.revoke" in lines[0]
