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
