"""Gas of membership operations on a fresh local DAO: registering a member, buying in a sale, a refund."""

from __future__ import annotations

from dataclasses import replace

from web3 import Web3
from web3.contract import Contract

from furusato.artifacts import Artifacts
from furusato.bench.context import TOKEN, Bench
from furusato.chain import UnlockedSender, advance_time, deploy, transact
from furusato.config import KINDS, DeployConfig, load_config
from furusato.constants import ETH, ROLE_REGISTRAR
from furusato.governance import Proposal, Support, call_action
from furusato.membership.sale import start_proposal
from furusato.proposals.dao import Dao
from furusato.proposals.steps import pass_on_development_chain
from furusato.session import session_over

PRICE = 10**15  # 0.001 ETH per whole token


def _dao_with_registry(b: Bench, network: str, config: DeployConfig) -> tuple[Dao, Contract]:
    """A fresh DAO deployed with ``config`` and its registry."""
    record, artifacts = b.deploy(network, config)
    dao = session_over(b.w3, record, b.root, development=True, artifacts=artifacts).dao
    registry = b.w3.eth.contract(address=record.address("ResidentRegistry"), abi=artifacts.get("ResidentRegistry").abi)
    return dao, registry


def bench_membership(b: Bench) -> dict[str, float]:
    """Deploy a fresh local DAO (preset ``local``: registry without transfer restriction) and a members-only ETH
    sale started by one proposal; return ``gas.registry.register`` (a registrar registers a new member; not the
    registry's first card), ``gas.sale.buy`` (a registered member's first purchase; not the sale's first) and
    ``gas.sale.refund`` (a buyer's full ETH refund after the goal was missed). Development chains only."""
    w3, actors = b.w3, b.actors
    dao, registry = _dao_with_registry(b, "bench-membership", load_config(preset="local"))
    sale_art = Artifacts(b.root).get("TokenSale")
    now = dao.now()
    goal = 1_000_000 * TOKEN  # out of reach: the sale fails, so buyers can refund
    terms = (dao.token.address, dao.treasury.address, ETH, PRICE, now + 10, now + 30 * 86400,
             goal, 10_000 * TOKEN, goal, registry.address)  # fmt: skip
    sale_address, _ = deploy(w3, actors.deployer, sale_art.abi, sale_art.bytecode, [terms], label="TokenSale")
    sale = w3.eth.contract(address=sale_address, abi=sale_art.abi)
    starting = start_proposal(dao.token, sale_address, "bench: start the sale, deployer registers")
    proposal = Proposal(
        actions=(*starting.actions, call_action(registry, "grantRole", ROLE_REGISTRAR, actors.deployer.address)),
        description=starting.description,
    )
    pass_on_development_chain(dao, proposal, actors.members[:3])
    first, buyer = actors.members[1], actors.relayer
    relationship = KINDS.index("relationship")
    record_hash = Web3.keccak(text="bench off-chain record")
    transact(w3, actors.deployer, registry.functions.register(first.address, relationship, record_hash))
    # A later second, as registrations are in a town: the member count writes a new checkpoint (in the same second it
    # would overwrite the last one, 20,000 gas cheaper: the figure depended on how fast the bench ran).
    advance_time(w3, 1)
    register = transact(w3, actors.deployer, registry.functions.register(buyer.address, relationship, record_hash))
    amount = 100 * TOKEN
    value = int(sale.functions.cost(amount).call())
    transact(w3, first, sale.functions.buy(amount), value=value)
    buy = transact(w3, buyer, sale.functions.buy(amount), value=value)
    advance_time(w3, int(sale.functions.terms().call()[5]) - dao.now() + 1)
    refund = transact(w3, buyer, sale.functions.refund(buyer.address))
    results = {
        "gas.registry.register": float(register["gasUsed"]),
        "gas.sale.buy": float(buy["gasUsed"]),
        "gas.sale.refund": float(refund["gasUsed"]),
    }
    b.log("  " + ", ".join(f"{k} {v:,.0f}" for k, v in results.items()))
    return results


def members_only_config() -> DeployConfig:
    """The ``local`` preset with transfers restricted to members and members-only governance (as ``town`` has)."""
    base = load_config(preset="local")
    assert base.registry is not None
    return replace(base, registry=replace(base.registry, restrict_transfers=True), governor_members_only=True)


def bench_members_only(b: Bench) -> dict[str, float]:
    """Deploy a members-only DAO (restricted transfers, members-only governor) and return
    ``gas.membersOnly.castVote`` (a member's vote, not the proposal's first: the plain governor's is
    ``gas.castVote.later``) and ``gas.registry.revoke`` (a registrar revokes a self-delegated member: the card is
    burned and the token suspends its votes). Development chains only."""
    config = members_only_config()
    assert config.registry is not None
    w3, actors = b.w3, b.actors
    dao, registry = _dao_with_registry(b, "bench-members-only", config)
    advance_time(w3, 2)
    m = actors.members
    proposal = Proposal((call_action(dao.token, "transferRegistry"),), "bench: members-only vote")
    proposal = proposal.bound_to(m[0].address)
    gov = dao.governance
    gov.propose(m[0], proposal)
    advance_time(w3, int(dao.governor.functions.votingDelay().call()) + 1)
    gov.cast_vote(m[0], proposal.proposal_id, Support.For)
    vote = gov.cast_vote(m[1], proposal.proposal_id, Support.For)
    staff = UnlockedSender(Web3.to_checksum_address(config.registry.registrars[0]))  # the town staff (dev account)
    revoke = transact(w3, staff, registry.functions.revoke(m[4].address))
    results = {"gas.membersOnly.castVote": float(vote["gasUsed"]), "gas.registry.revoke": float(revoke["gasUsed"])}
    b.log("  " + ", ".join(f"{k} {v:,.0f}" for k, v in results.items()))
    return results
