"""Gas benchmarks of the governance core, side by side with OpenZeppelin's documented minimal governor and token.

The reference (contracts/bench/RefToken.sol, RefGovernor.sol) is OZ's docs example: Governor + Settings +
CountingSimple + Votes + VotesQuorumFraction + TimelockControl over ERC20 + Permit + Votes. Both systems run the
same operations with the same amounts; `execute` is the same treasury ETH payment (a Treasury owned by each
system's timelock), so the ratio measures what our governor and token add.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract
from web3.types import TxReceipt

from furusato import eip712
from furusato.artifacts import Artifacts
from furusato.chain import Sender, advance_time, deploy, send_eth, transact
from furusato.config import load_config
from furusato.deploy import ROLE_EXECUTOR, ROLE_PROPOSER, deploy_dao
from furusato.governance import Proposal, Support, call_action
from furusato.report import table

ETH = "0x0000000000000000000000000000000000000000"
TOKEN = 10**18
#: Operations compared with the reference, and the targets (ours / reference) the foundation issue sets.
OPS = (
    "reward.push.new",
    "transfer",
    "delegate",
    "propose",
    "castVote.first",
    "castVote.later",
    "castVote.firstBelowQuorum",
    "castVoteBySig",
    "queue",
    "execute",
)
TARGET_RATIO = {"castVote.first": 1.10, "castVote.later": 1.10, "castVoteBySig": 1.10, "execute": 1.10}


@dataclass
class System:
    """One governance system under measurement."""

    prefix: str
    token: Contract
    governor: Contract
    timelock: Contract
    treasury: Contract


@dataclass(frozen=True)
class BenchActors:
    deployer: Sender
    members: tuple[Sender, ...]  # at least 5
    relayer: Sender
    signer: LocalAccount  # signs ballots offline; holds no ETH of its own in our system
    recipient: str

    @classmethod
    def development(cls, addresses: list[str]) -> BenchActors:
        """The roles played by a development chain's unlocked accounts (at least 8): #0 deploys, #1-#5 are
        members, #6 receives payments, #7 relays; the ballot signer is a fixed throw-away key."""
        from eth_account import Account

        from furusato.chain import UnlockedSender

        senders = [UnlockedSender(Web3.to_checksum_address(a)) for a in addresses]
        return cls(
            deployer=senders[0],
            members=tuple(senders[1:6]),
            relayer=senders[7],
            signer=Account.from_key(b"\x01" * 32),
            recipient=senders[6].address,
        )


def _contract(w3: Web3, artifacts: Artifacts, name: str, address: str) -> Contract:
    return w3.eth.contract(address=Web3.to_checksum_address(address), abi=artifacts.get(name).abi)


def _deploy_reference(w3: Web3, artifacts: Artifacts, a: BenchActors, delay: int, period: int, tl_delay: int) -> System:
    def dep(name: str, args: list[Any]) -> Contract:
        art = artifacts.get(name)
        address, _ = deploy(w3, a.deployer, art.abi, art.bytecode, args, label=f"reference {name}")
        return _contract(w3, artifacts, name, address)

    token = dep("RefToken", [1_000_000 * TOKEN])
    timelock = dep("TimelockController", [tl_delay, [], [], a.deployer.address])
    governor = dep("RefGovernor", [token.address, timelock.address, delay, period])
    treasury = dep("Treasury", [timelock.address])
    for role in (ROLE_PROPOSER, ROLE_EXECUTOR):
        transact(w3, a.deployer, timelock.functions.grantRole(role, governor.address))
    return System("ref.", token, governor, timelock, treasury)


def run_governance_bench(w3: Web3, root: Path, a: BenchActors, log: Callable[[str], None] = print) -> dict[str, float]:
    """Measure every operation on both systems; return ``{metric: gas}``."""
    artifacts = Artifacts(root)
    config = load_config(preset="local")
    record = deploy_dao(
        w3, a.deployer, config, artifacts, network="bench", development=True, records_dir=root / "build" / "bench",
        log=lambda _l: None,
    )  # fmt: skip
    results: dict[str, float] = {f"gas.deploy.{n}": float(c.gas_used) for n, c in record.contracts.items()}
    token, governor, timelock, treasury = (
        _contract(w3, artifacts, n, record.address(n))
        for n in ("RegionToken", "RegionGovernor", "TimelockController", "Treasury")
    )
    ours = System("", token, governor, timelock, treasury)
    ref = _deploy_reference(w3, artifacts, a, config.voting_delay, config.voting_period, config.timelock_delay)
    m = a.members
    # Reference members get the same balances as our genesis and must delegate to themselves to vote.
    for alloc, member in zip(config.genesis, m, strict=False):
        transact(w3, a.deployer, ref.token.functions.transfer(alloc.to, alloc.amount))
        transact(w3, member, ref.token.functions.delegate(member.address))
    for system in (ours, ref):
        results.update(_measure(w3, system, a))
    return results


def _gas(receipt: TxReceipt) -> float:
    return float(receipt["gasUsed"])


def _measure(w3: Web3, s: System, a: BenchActors) -> dict[str, float]:
    m, p = a.members, s.prefix
    out: dict[str, float] = {}
    # transfer between two vote-ready members (both already hold votes and checkpoints)
    out[f"{p}gas.transfer"] = _gas(transact(w3, m[0], s.token.functions.transfer(m[1].address, 100 * TOKEN)))
    # a member who holds tokens delegates to another member for the first time
    out[f"{p}gas.delegate"] = _gas(transact(w3, m[4], s.token.functions.delegate(m[3].address)))
    # the signer holds votes for castVoteBySig (our token: vote-ready on receipt; reference: must delegate)
    transact(w3, m[2], s.token.functions.transfer(a.signer.address, 1_000 * TOKEN))
    if p:
        send_eth(w3, a.deployer, a.signer.address, TOKEN // 10)
        from furusato.chain import LocalKeySender

        transact(w3, LocalKeySender(a.signer), s.token.functions.delegate(a.signer.address))
    send_eth(w3, a.deployer, s.treasury.address, 5 * TOKEN)
    proposal = Proposal(
        actions=(call_action(s.treasury, "pay", ETH, a.recipient, TOKEN, "bench payment"),),
        description=f"bench proposal {p or 'ours'}",
    )
    out[f"{p}gas.propose"] = _gas(
        transact(w3, m[0], s.governor.functions.propose(*proposal.args(), proposal.description))
    )
    pid = proposal.proposal_id
    advance_time(w3, int(s.governor.functions.votingDelay().call()) + 1)
    out[f"{p}gas.castVote.first"] = _gas(transact(w3, m[0], s.governor.functions.castVote(pid, int(Support.For))))
    out[f"{p}gas.castVote.later"] = _gas(transact(w3, m[1], s.governor.functions.castVote(pid, int(Support.For))))
    domain = eip712.domain_of(s.governor)
    nonce = int(s.governor.functions.nonces(a.signer.address).call())
    _v, _r, _s, signature = eip712.sign(a.signer, eip712.ballot(domain, pid, int(Support.For), a.signer.address, nonce))
    out[f"{p}gas.castVoteBySig"] = _gas(
        transact(w3, a.relayer, s.governor.functions.castVoteBySig(pid, int(Support.For), a.signer.address, signature))
    )
    transact(w3, m[2], s.governor.functions.castVote(pid, int(Support.Against)))
    deadline = int(s.governor.functions.proposalDeadline(pid).call())
    advance_time(w3, deadline - int(w3.eth.get_block("latest")["timestamp"]) + 1)
    out[f"{p}gas.queue"] = _gas(
        transact(w3, m[0], s.governor.functions.queue(*proposal.args(), proposal.description_hash))
    )
    advance_time(w3, int(s.timelock.functions.getMinDelay().call()) + 1)
    out[f"{p}gas.execute"] = _gas(
        transact(w3, m[0], s.governor.functions.execute(*proposal.args(), proposal.description_hash))
    )
    # The first vote above is also the one that reaches quorum (the first member holds 43% of the votes). A second
    # proposal separates the costs: a first vote by a small holder that leaves the proposal short of quorum.
    small = a.relayer
    transact(w3, m[2], s.token.functions.transfer(small.address, 1_000 * TOKEN))
    if p:
        transact(w3, small, s.token.functions.delegate(small.address))
    second = Proposal(actions=proposal.actions, description=f"second bench proposal {p or 'ours'}")
    transact(w3, m[0], s.governor.functions.propose(*second.args(), second.description))
    advance_time(w3, int(s.governor.functions.votingDelay().call()) + 1)
    out[f"{p}gas.castVote.firstBelowQuorum"] = _gas(
        transact(w3, small, s.governor.functions.castVote(second.proposal_id, int(Support.For)))
    )
    return out


def merge_results(path: Path, new: dict[str, float]) -> dict[str, float]:
    """Write ``new`` over the metrics already in ``path`` (other benches' keys are kept); return the whole set."""
    data: dict[str, float] = json.loads(path.read_text()) if path.exists() else {}
    data.update(new)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dict(sorted(data.items())), indent=2) + "\n")
    return data


def format_comparison(results: dict[str, float]) -> str:
    """A table: ours, reference, ratio and target for each compared operation, then every other metric."""
    rows: list[tuple[str, str]] = []
    for op in OPS:
        ours, ref = results.get(f"gas.{op}"), results.get(f"ref.gas.{op}")
        if ours is None or ref is None:
            continue
        ratio = ours / ref
        target = TARGET_RATIO.get(op)
        met = "met" if target is not None and ratio <= target else "MISSED"
        verdict = "" if target is None else f"  (target <= {target:.2f}: {met})"
        rows.append((f"gas.{op}", f"{ours:>12,.0f}  ref {ref:>12,.0f}  ratio {ratio:5.3f}{verdict}"))
    compared = {f"gas.{op}" for op in OPS} | {f"ref.gas.{op}" for op in OPS}
    for key in sorted(results):
        if key not in compared:
            value = results[key]
            rows.append((key, f"{value:>12,.0f}" if value >= 100 else f"{value:>12.3f}"))
    return table(rows)


# ------------------------------------------------------------------------------------------------ rewards


def write_activity_csv(path: Path, members: list[str], date: str, quantity: str = "0.01") -> None:
    """A synthetic activity log: one grass-cutting row per member (1 token each with the example policy)."""
    lines = ["member,activity,quantity,date,note"]
    lines += [f"{m},grass_cutting,{quantity},{date},bench" for m in members]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def synthetic_members(n: int, salt: str) -> list[str]:
    """``n`` distinct, deterministic addresses that hold nothing yet."""
    return [Web3.to_checksum_address(Web3.keccak(text=f"{salt}:{i}")[:20]) for i in range(n)]


def run_rewards_bench(
    w3: Web3,
    root: Path,
    deployer: Sender,
    coordinator: Sender,
    claimer: Sender,
    work: Path,
    sizes: tuple[int, ...] = (1_000, 10_000),
    log: Callable[[str], None] = print,
) -> dict[str, float]:
    """Time ``CSV → last receipt`` for each size on a fresh local DAO, and the gas per pushed / claimed leaf."""
    import shutil
    import time as _time

    from furusato.artifacts import error_selectors
    from furusato.chain import ErrorDecoder
    from furusato.rewards.onchain import advance_to_epoch, load_plan_folder
    from furusato.rewards.onchain import claim as claim_reward
    from furusato.rewards.pipeline import run_epoch

    artifacts = Artifacts(root)
    record = deploy_dao(
        w3, deployer, load_config(preset="local"), artifacts, network="bench-rewards", development=True,
        records_dir=work, log=lambda _l: None,
    )  # fmt: skip
    abi = artifacts.get("ActivityRewards").abi
    rewards = w3.eth.contract(address=record.address("ActivityRewards"), abi=abi)
    decoder = ErrorDecoder(error_selectors([abi]))
    policy = root / "examples" / "rewards-policy.yaml"
    quiet: Callable[[str], None] = lambda _l: None  # noqa: E731

    def pass_window(payable_at: int) -> bool:
        advance_time(w3, payable_at - int(w3.eth.get_block("latest")["timestamp"]) + 1)
        return True

    def epoch_run(members: list[str], month: str) -> tuple[float, list[TxReceipt]]:
        out = work / f"rewards-{month}"
        if out.exists():
            shutil.rmtree(out)
        csv = work / f"activity-{month}.csv"
        write_activity_csv(csv, members, f"{month}-15")
        advance_to_epoch(w3, rewards, int(month.replace("-", "")))
        start = _time.perf_counter()
        result = run_epoch(
            w3, coordinator, rewards, decoder, log_path=csv, policy_path=policy, epoch=month, out_dir=out,
            network="bench", wait_window=pass_window, log=quiet,
        )  # fmt: skip
        elapsed = _time.perf_counter() - start
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
                w3, artifacts, deployer, synthetic_members(_leaves_in(full, rewards), f"bench-ref-{n}")
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
    run_epoch(
        w3, coordinator, rewards, decoder, log_path=csv, policy_path=policy, epoch=month, out_dir=out,
        network="bench", wait_window=lambda _t: False, log=quiet,
    )  # fmt: skip
    pass_window(int(rewards.functions.epochInfo(int(month.replace("-", ""))).call()[4]))
    folder = load_plan_folder(out)
    receipt = claim_reward(w3, claimer, rewards, folder, members[0], network="bench", decoder=decoder, log=quiet)
    assert receipt is not None
    results["gas.reward.claim"] = float(receipt["gasUsed"])
    return results


def reference_new_member_gas(w3: Web3, artifacts: Artifacts, deployer: Sender, members: list[str]) -> int:
    """OpenZeppelin's own path for a new member, per member: its share of one batch mint of ``members`` on an
    ERC20Votes token, plus the member's own first ``delegate(self)`` (averaged over up to 10 members, each sent from
    the member's address by Anvil impersonation). Development chains only."""
    from furusato.chain import UnlockedSender

    art = artifacts.get("RefMintableToken")
    address, _ = deploy(w3, deployer, art.abi, art.bytecode, [], label="reference RefMintableToken")
    token = _contract(w3, artifacts, "RefMintableToken", address)
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
    from web3.logs import DISCARD

    (event,) = rewards.events.RewardsDistributed().process_receipt(receipt, errors=DISCARD)
    return int(event["args"]["paid"])
