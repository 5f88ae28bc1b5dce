"""Every bench in one run, in the order `make bench` prints them: ``run_all`` returns the bench/results.json keys."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from web3 import Web3

from furusato.bench.budget import bench_budget, bench_headcount
from furusato.bench.cli import bench_cli
from furusato.bench.context import Bench, BenchActors
from furusato.bench.gas import run_governance_bench
from furusato.bench.membership import bench_members_only, bench_membership
from furusato.bench.portal import assets_kb, bench_portal_ballots, bench_portal_page
from furusato.bench.relayer import bench_relayer
from furusato.bench.rewards import bench_merkle, run_rewards_bench
from furusato.chain import UnlockedSender
from furusato.transparency.bench import bench_index


def run_all(w3: Web3, root: Path, addresses: list[str], log: Callable[[str], None] = print) -> dict[str, float]:
    """Run every bench on the development chain whose unlocked ``addresses`` (at least 9) play the parts; each
    bench's scratch files go to its own folder under ``build/``."""
    actors = BenchActors.development(addresses)

    def bench(folder: str) -> Bench:
        return Bench(w3, root, actors, root / "build" / folder, log)

    log("governance gas, ours and OpenZeppelin's reference ...")
    results = run_governance_bench(bench("bench"))
    # The rates and wall times run before the rewards bench: after its 10,000 members Anvil itself slows down
    # (raw transfers measured here: 483/s before, 11/s after, 39/s even once reverted to a snapshot from before),
    # which would measure Anvil's history rather than our code. Each bench deploys its own DAO.
    log("gasless voting: 200 signed ballots through the relayer over HTTP ...")
    results.update(bench_relayer(bench("bench-relayer")))
    log("member portal: the proposals page with 200 proposals, ballots through its HTTP API, raw sends ...")
    results.update(bench_portal_page(bench("bench-portal")))
    results.update(bench_portal_ballots(bench("bench-portal")))
    results.update(assets_kb())
    log("the furusato command: --help, and proposal list on this chain (subprocesses, median of 5) ...")
    results.update(bench_cli(bench("bench-cli")))
    log("activity rewards: CSV -> plan -> publish -> challenge window -> push ...")
    results.update(run_rewards_bench(bench("bench"), UnlockedSender(Web3.to_checksum_address(addresses[8]))))
    log("membership: a registry card, a sale purchase and a refund ...")
    results.update(bench_membership(bench("bench-membership")))
    log("members-only governance: a member's vote, a revocation that suspends votes ...")
    results.update(bench_members_only(bench("bench-members-only")))
    log("participatory budgets: round ballots (direct, relayed), finalize with 30 plans, a headcount-quorum vote ...")
    results.update(bench_budget(bench("bench-budget")))
    results.update(bench_headcount(bench("bench-headcount")))
    log("transparency report: index a history of 100,000 events, a run with nothing new, the full report ...")
    results.update(bench_index(w3, root, actors.deployer, work=root / "build" / "bench-index", log=log))
    log("Merkle tree of 100,000 leaves with every proof ...")
    results["time.merkle.100000"] = round(bench_merkle(100_000), 3)
    return results
