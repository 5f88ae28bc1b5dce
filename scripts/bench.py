"""`brownie run scripts/bench.py` (or `make bench`): measure, write bench/results.json, print the table."""

from pathlib import Path

from brownie import accounts, web3
from eth_account import Account

from furusato.bench import BenchActors, format_comparison, merge_results, run_governance_bench
from furusato.chain import UnlockedSender

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"


def main() -> None:
    actors = BenchActors(
        deployer=UnlockedSender(accounts[0].address),
        members=tuple(UnlockedSender(accounts[i].address) for i in range(1, 6)),
        relayer=UnlockedSender(accounts[7].address),
        signer=Account.from_key(b"\x01" * 32),
        recipient=accounts[6].address,
    )
    results = run_governance_bench(web3, ROOT, actors)
    merged = merge_results(RESULTS, results)
    print(f"\nbenchmark results ({RESULTS.relative_to(ROOT)}):")
    print(format_comparison(merged))
