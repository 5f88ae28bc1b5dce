"""`brownie run scripts/bench.py` (or `make bench`): measure, write bench/results.json, print the table."""

from pathlib import Path

from brownie import accounts, web3

from furusato.bench import BenchActors, format_comparison, merge_results, run_governance_bench, run_rewards_bench
from furusato.chain import UnlockedSender
from furusato.membership.bench import bench_members_only, bench_membership
from furusato.relayer.bench import bench_relayer
from furusato.rewards.bench import bench_merkle

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"


def main() -> None:
    actors = BenchActors.development([a.address for a in accounts])
    print("governance gas, ours and OpenZeppelin's reference ...")
    results = run_governance_bench(web3, ROOT, actors)
    print("activity rewards: CSV -> plan -> publish -> challenge window -> push ...")
    results.update(
        run_rewards_bench(
            web3, ROOT, actors.deployer, UnlockedSender(accounts[8].address), actors.relayer, ROOT / "build" / "bench"
        )
    )
    print("gasless voting: 200 signed ballots through the relayer over HTTP ...")
    results.update(bench_relayer(web3, ROOT, actors, work=ROOT / "build" / "bench-relayer"))
    print("membership: a registry card, a sale purchase and a refund ...")
    results.update(bench_membership(web3, ROOT, actors, work=ROOT / "build" / "bench-membership"))
    print("members-only governance: a member's vote, a revocation that suspends votes ...")
    results.update(bench_members_only(web3, ROOT, actors, work=ROOT / "build" / "bench-members-only"))
    print("Merkle tree of 100,000 leaves with every proof ...")
    results["time.merkle.100000"] = round(bench_merkle(100_000), 3)
    merged = merge_results(RESULTS, results)
    print(f"\nbenchmark results ({RESULTS.relative_to(ROOT)}):")
    print(format_comparison(merged))
