"""Every bench in one run, in the order `make bench` prints them: ``run_all`` returns the bench/results.json keys."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from web3 import Web3

from furusato.bench.actors import BenchActors
from furusato.bench.cli import bench_cli
from furusato.bench.gas import run_governance_bench
from furusato.bench.membership import bench_members_only, bench_membership
from furusato.bench.relayer import bench_relayer
from furusato.bench.rewards import bench_merkle, run_rewards_bench
from furusato.chain import UnlockedSender


def run_all(w3: Web3, root: Path, addresses: list[str], log: Callable[[str], None] = print) -> dict[str, float]:
    """Run every bench on the development chain whose unlocked ``addresses`` (at least 9) play the parts."""
    actors = BenchActors.development(addresses)
    build = root / "build"
    log("governance gas, ours and OpenZeppelin's reference ...")
    results = run_governance_bench(w3, root, actors, log=log)
    log("activity rewards: CSV -> plan -> publish -> challenge window -> push ...")
    coordinator = UnlockedSender(Web3.to_checksum_address(addresses[8]))
    results.update(run_rewards_bench(w3, root, actors.deployer, coordinator, actors.relayer, build / "bench", log=log))
    log("gasless voting: 200 signed ballots through the relayer over HTTP ...")
    results.update(bench_relayer(w3, root, actors, work=build / "bench-relayer", log=log))
    log("membership: a registry card, a sale purchase and a refund ...")
    results.update(bench_membership(w3, root, actors, work=build / "bench-membership", log=log))
    log("members-only governance: a member's vote, a revocation that suspends votes ...")
    results.update(bench_members_only(w3, root, actors, work=build / "bench-members-only", log=log))
    log("the furusato command: --help, and proposal list on this chain (subprocesses, median of 5) ...")
    results.update(bench_cli(w3, root, actors, work=build / "bench-cli", log=log))
    log("Merkle tree of 100,000 leaves with every proof ...")
    results["time.merkle.100000"] = round(bench_merkle(100_000), 3)
    return results
