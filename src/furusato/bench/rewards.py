"""Activity-rewards benchmarks: CSV → plan → publish → challenge window → push on a local DAO (time and gas per
leaf, a claim's gas), and building a large reward tree with every proof. Not tests: nothing here asserts a time."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from dataclasses import replace
from pathlib import Path

from web3 import Web3
from web3.contract import Contract
from web3.logs import DISCARD
from web3.types import TxReceipt

from furusato.abi import error_selectors
from furusato.artifacts import Artifacts
from furusato.bench.context import TOKEN, Bench
from furusato.chain import Sender, UnlockedSender, advance_time, deploy, transact
from furusato.merkle import StandardMerkleTree
from furusato.reverts import ErrorDecoder
from furusato.rewards.onchain import RewardsDesk, advance_to_epoch, load_plan_folder
from furusato.rewards.onchain import claim as claim_reward
from furusato.rewards.pipeline import run_epoch
from furusato.rewards.tree import LEAF_ENCODING


def write_activity_csv(path: Path, members: list[str], date: str, quantity: str = "0.01") -> None:
    """A synthetic activity log: one grass-cutting row per member (1 token each with the example policy)."""
    lines = ["member,activity,quantity,date,note"]
    lines += [f"{m},grass_cutting,{quantity},{date},bench" for m in members]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def synthetic_members(n: int, salt: str) -> list[str]:
    """``n`` distinct, deterministic addresses that hold nothing yet."""
    return [Web3.to_checksum_address(Web3.keccak(text=f"{salt}:{i}")[:20]) for i in range(n)]


def run_rewards_bench(b: Bench, coordinator: Sender, sizes: tuple[int, ...] = (1_000, 10_000)) -> dict[str, float]:
    """Time ``CSV → last receipt`` for each size on a fresh local DAO (``coordinator`` plans, publishes and pushes;
    the relayer claims), and the gas per pushed / claimed leaf."""
    w3, work, log = b.w3, b.work, b.log
    record, artifacts = b.deploy("bench-rewards")
    abi = artifacts.get("ActivityRewards").abi
    rewards = w3.eth.contract(address=record.address("ActivityRewards"), abi=abi)
    desk = RewardsDesk(w3, coordinator, rewards, "bench", ErrorDecoder(error_selectors([abi])), lambda _l: None)
    policy = b.root / "examples" / "rewards-policy.yaml"

    def pass_window(payable_at: int) -> bool:
        advance_time(w3, payable_at - int(w3.eth.get_block("latest")["timestamp"]) + 1)
        return True

    def epoch_run(members: list[str], month: str) -> tuple[float, list[TxReceipt]]:
        out = work / f"rewards-{month}"
        if out.exists():
            shutil.rmtree(out)
        csv = work / f"activity-{month}.csv"
        write_activity_csv(csv, members, f"{month}-15")
        advance_to_epoch(w3, rewards, int(month.replace("-", "")))  # an epoch is a month that has started
        start = time.perf_counter()
        result = run_epoch(desk, log_path=csv, policy_path=policy, epoch=month, out_dir=out, wait_window=pass_window)
        elapsed = time.perf_counter() - start
        if result is None or result.paid != len(members):
            raise RuntimeError(f"bench epoch {month} was not fully paid: {result}")
        lines = [json.loads(x) for x in (out / "transactions.jsonl").read_text().splitlines()]
        receipts = [w3.eth.get_transaction_receipt(x["tx"]) for x in lines if x["action"] == "distribute"]
        return elapsed, receipts

    results: dict[str, float] = {}
    months = iter(f"2027-{m:02d}" for m in range(1, 13))
    first_members: list[str] = []
    for n in sizes:
        members = synthetic_members(n, f"bench-{n}")
        first_members = first_members or members
        elapsed, receipts = epoch_run(members, next(months))
        results[f"time.reward.distribute.{n}"] = round(elapsed, 3)
        log(f"  {n:>6} members: CSV to last receipt {elapsed:.2f} s, {len(receipts)} push transaction(s)")
        if n == sizes[0]:
            full = receipts[0]  # a full batch of new members
            per_leaf = full["gasUsed"] / _leaves_in(full, rewards)
            results["gas.reward.push.new"] = round(per_leaf)
            results["ref.gas.reward.push.new"] = reference_new_member_gas(
                w3, artifacts, b.actors.deployer, synthetic_members(_leaves_in(full, rewards), f"bench-ref-{n}")
            )
    # The same members again in another epoch: returning members (balance and vote checkpoints exist).
    _elapsed, receipts = epoch_run(first_members, next(months))
    results["gas.reward.push.returning"] = round(receipts[0]["gasUsed"] / _leaves_in(receipts[0], rewards))
    # A claim: one new member of a fresh epoch claims (on behalf, by a third party) before any push.
    month = next(months)
    members = synthetic_members(64, "bench-claim")
    out = work / f"rewards-{month}"
    csv = work / f"activity-{month}.csv"
    write_activity_csv(csv, members, f"{month}-15")
    advance_to_epoch(w3, rewards, int(month.replace("-", "")))
    run_epoch(desk, log_path=csv, policy_path=policy, epoch=month, out_dir=out, wait_window=lambda _t: False)
    pass_window(int(rewards.functions.epochInfo(int(month.replace("-", ""))).call()[4]))
    folder = load_plan_folder(out)
    receipt = claim_reward(replace(desk, sender=b.actors.relayer), folder, members[0])
    assert receipt is not None
    results["gas.reward.claim"] = float(receipt["gasUsed"])
    return results


def reference_new_member_gas(w3: Web3, artifacts: Artifacts, deployer: Sender, members: list[str]) -> int:
    """OpenZeppelin's own path for a new member, per member: its share of one batch mint of ``members`` on an
    ERC20Votes token, plus the member's own first ``delegate(self)`` (averaged over up to 10 members, each sent from
    the member's address by Anvil impersonation). Development chains only."""
    art = artifacts.get("RefMintableToken")
    address, _ = deploy(w3, deployer, art.abi, art.bytecode, [], label="reference RefMintableToken")
    token = w3.eth.contract(address=address, abi=art.abi)
    receipt = transact(w3, deployer, token.functions.mintBatch(members, [TOKEN] * len(members)), label="ref mint")
    mint = receipt["gasUsed"] / len(members)
    delegations = []
    for member in members[:10]:
        w3.provider.make_request("anvil_impersonateAccount", [member])  # type: ignore[arg-type]
        w3.provider.make_request("anvil_setBalance", [member, hex(10**18)])  # type: ignore[arg-type]
        sender = UnlockedSender(Web3.to_checksum_address(member))
        sent = transact(w3, sender, token.functions.delegate(member), label="ref delegate")
        delegations.append(sent["gasUsed"])
        w3.provider.make_request("anvil_stopImpersonatingAccount", [member])  # type: ignore[arg-type]
    return round(mint + sum(delegations) / len(delegations))


def _leaves_in(receipt: TxReceipt, rewards: Contract) -> int:
    (event,) = rewards.events.RewardsDistributed().process_receipt(receipt, errors=DISCARD)
    return int(event["args"]["paid"])


def bench_merkle(n: int = 100_000) -> float:
    """Seconds to build an ``n``-leaf reward tree (epoch, index, member, amount) and compute every proof.

    The values (deterministic pseudo-random lowercase addresses and amounts) are made before the clock starts;
    the timed part includes checking and checksumming them, as a real run does.
    """
    values = []
    for i in range(n):
        digest = hashlib.sha256(i.to_bytes(8, "big")).digest()
        values.append((202612, i, "0x" + digest[:20].hex(), int.from_bytes(digest[20:28], "big")))
    start = time.perf_counter()
    tree = StandardMerkleTree.of(values, LEAF_ENCODING)
    tree.all_proofs()
    return time.perf_counter() - start
