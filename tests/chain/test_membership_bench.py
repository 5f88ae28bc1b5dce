"""The membership bench (`make bench`: gas.registry.register, gas.sale.buy, gas.sale.refund) runs end to end."""

from __future__ import annotations

from pathlib import Path

from brownie import accounts, web3
from eth_account import Account

from furusato.bench import BenchActors
from furusato.chain import UnlockedSender
from furusato.membership.bench import bench_membership

ROOT = Path(__file__).resolve().parents[2]


def test_bench_membership_reports_three_gas_figures(tmp_path):
    actors = BenchActors(
        deployer=UnlockedSender(accounts[0].address),
        members=tuple(UnlockedSender(accounts[i].address) for i in range(1, 6)),
        relayer=UnlockedSender(accounts[7].address),
        signer=Account.from_key(b"\x01" * 32),
        recipient=accounts[6].address,
    )
    lines: list[str] = []
    results = bench_membership(web3, ROOT, actors, work=tmp_path, log=lines.append)
    assert set(results) == {"gas.registry.register", "gas.sale.buy", "gas.sale.refund"}
    assert 60_000 < results["gas.registry.register"] < 250_000
    assert 60_000 < results["gas.sale.buy"] < 250_000
    assert 25_000 < results["gas.sale.refund"] < 100_000
    assert "gas.sale.buy" in lines[0]
