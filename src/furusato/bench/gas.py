"""Gas benchmarks of the governance core, side by side with OpenZeppelin's documented minimal governor and token.

The reference (contracts/bench/RefToken.sol, RefGovernor.sol) is OZ's docs example: Governor + Settings +
CountingSimple + Votes + VotesQuorumFraction + TimelockControl over ERC20 + Permit + Votes. Both systems run the
same operations with the same amounts; `execute` is the same treasury ETH payment (a Treasury owned by each
system's timelock), so the ratio measures what our governor and token add.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from web3 import Web3
from web3.contract import Contract
from web3.types import TxReceipt

from furusato import eip712
from furusato.artifacts import Artifacts
from furusato.bench.context import TOKEN, Bench, BenchActors
from furusato.chain import LocalKeySender, advance_time, deploy, send_eth, transact
from furusato.config import load_config
from furusato.constants import ETH, ROLE_EXECUTOR, ROLE_PROPOSER
from furusato.governance import Proposal, Support, call_action


@dataclass
class System:
    """One governance system under measurement."""

    prefix: str
    token: Contract
    governor: Contract
    timelock: Contract
    treasury: Contract


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


def run_governance_bench(b: Bench) -> dict[str, float]:
    """Measure every operation on both systems; return ``{metric: gas}``."""
    w3, a, config = b.w3, b.actors, load_config(preset="local")
    record, artifacts = b.deploy("bench", config)
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
    # Each measured operation runs at least a second after the last change of the balances it reads, as in a town: in
    # the same second a vote checkpoint is overwritten rather than added, and `propose` reads its threshold at
    # `clock() - 1` past a checkpoint of this second — either would move the figure with how fast the bench ran.
    advance_time(w3, 1)
    # transfer between two vote-ready members (both already hold votes and checkpoints)
    out[f"{p}gas.transfer"] = _gas(transact(w3, m[0], s.token.functions.transfer(m[1].address, 100 * TOKEN)))
    # a member who holds tokens delegates to another member for the first time
    out[f"{p}gas.delegate"] = _gas(transact(w3, m[4], s.token.functions.delegate(m[3].address)))
    # the signer holds votes for castVoteBySig (our token: vote-ready on receipt; reference: must delegate)
    transact(w3, m[2], s.token.functions.transfer(a.signer.address, 1_000 * TOKEN))
    if p:
        send_eth(w3, a.deployer, a.signer.address, TOKEN // 10)
        transact(w3, LocalKeySender(a.signer), s.token.functions.delegate(a.signer.address))
    send_eth(w3, a.deployer, s.treasury.address, 5 * TOKEN)
    proposal = Proposal(
        actions=(call_action(s.treasury, "pay", ETH, a.recipient, TOKEN, "bench payment"),),
        description=f"bench proposal {p or 'ours'}",
    )
    advance_time(w3, 1)  # the proposer's transfer above was its last balance change
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
