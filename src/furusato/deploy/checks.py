"""The wiring checks: read the chain and check every role, owner, exclusion and setting the DAO depends on.

A deployment's record is written only when every check passes; ``check_wiring`` also serves tests and audits of a
deployment made earlier.
"""

from __future__ import annotations

from dataclasses import dataclass

from web3 import Web3
from web3.contract import Contract

from furusato.artifacts import Artifacts
from furusato.config import DeployConfig
from furusato.constants import (
    ROLE_CANCELLER,
    ROLE_COORDINATOR,
    ROLE_DEFAULT_ADMIN,
    ROLE_EXECUTOR,
    ROLE_GUARDIAN,
    ROLE_MINTER,
    ROLE_PROPOSER,
    ROLE_REGISTRAR,
    ZERO_ADDRESS,
)
from furusato.deploy.plan import CORE_CONTRACTS, REGISTRY, REWARDS
from furusato.records import DeploymentRecord

ERC5192_INTERFACE = bytes.fromhex("b45a3c0e")


@dataclass(frozen=True)
class WiringCheck:
    """One fact about the deployed system that must hold."""

    description: str
    ok: bool


def check_wiring(w3: Web3, artifacts: Artifacts, record: DeploymentRecord, config: DeployConfig) -> list[WiringCheck]:
    """Read the chain and check every role, owner, exclusion and setting the DAO depends on."""

    def at(name: str) -> Contract:
        return w3.eth.contract(address=record.address(name), abi=artifacts.get(name).abi)

    token, timelock, governor, treasury = (at(n) for n in CORE_CONTRACTS)
    me = record.deployer
    tl, gov = timelock.address, governor.address
    t, g, tlf = token.functions, governor.functions, timelock.functions

    def handed_over(label: str, contract: Contract) -> list[tuple[str, bool]]:
        """The timelock administers ``contract`` and the deployer no longer does."""
        admin = contract.functions.hasRole
        return [
            (f"{label} admin is the timelock", admin(ROLE_DEFAULT_ADMIN, tl).call()),
            (f"deployer holds no {label} admin role", not admin(ROLE_DEFAULT_ADMIN, me).call()),
        ]

    checks = [
        ("token clock is timestamps", t.CLOCK_MODE().call() == "mode=timestamp"),
        ("token cap as configured", t.cap().call() == config.token_cap),
        ("token name as configured", t.name().call() == config.token_name),
        ("token EIP-712 domain name as configured", t.eip712Domain().call()[1] == config.token_domain),
        *handed_over("token", token),
        ("deployer holds no minter role", not t.hasRole(ROLE_MINTER, me).call()),
        ("treasury excluded from voting", t.isVotingExcluded(treasury.address).call()),
        ("timelock excluded from voting", t.isVotingExcluded(tl).call()),
        ("governor excluded from voting", t.isVotingExcluded(gov).call()),
        ("timelock administers itself", tlf.hasRole(ROLE_DEFAULT_ADMIN, tl).call()),
        ("deployer holds no timelock admin role", not tlf.hasRole(ROLE_DEFAULT_ADMIN, me).call()),
        ("governor is the timelock's proposer", tlf.hasRole(ROLE_PROPOSER, gov).call()),
        ("governor is the timelock's canceller", tlf.hasRole(ROLE_CANCELLER, gov).call()),
        ("governor is the timelock's executor", tlf.hasRole(ROLE_EXECUTOR, gov).call()),
        ("deployer is not a timelock proposer", not tlf.hasRole(ROLE_PROPOSER, me).call()),
        ("anyone-may-execute is off", not tlf.hasRole(ROLE_EXECUTOR, ZERO_ADDRESS).call()),
        ("timelock delay as configured", tlf.getMinDelay().call() == config.timelock_delay),
        ("treasury is owned by the timelock", treasury.functions.owner().call() == tl),
        ("governor reads votes from the token", g.token().call() == token.address),
        ("governor executes through the timelock", g.timelock().call() == tl),
        ("governor clock is timestamps", g.CLOCK_MODE().call() == "mode=timestamp"),
        ("voting delay as configured", g.votingDelay().call() == config.voting_delay),
        ("voting period as configured", g.votingPeriod().call() == config.voting_period),
        ("proposal threshold as configured", g.proposalThreshold().call() == config.proposal_threshold),
        (
            "quorum as configured",
            w3.eth.contract(address=gov, abi=governor.abi).get_function_by_signature("quorumNumerator()")().call()
            == config.quorum_percent,
        ),
        ("late-quorum extension as configured", g.lateQuorumVoteExtension().call() == config.late_quorum_extension),
        ("proposal guardian as configured", g.proposalGuardian().call() == (config.guardian or ZERO_ADDRESS)),
        (
            "only registry members propose and vote" if config.governor_members_only
            else "anyone with votes may propose and vote",
            g.memberRegistry().call()
            == (record.address(REGISTRY) if config.governor_members_only else ZERO_ADDRESS),
        ),
    ]  # fmt: skip
    for alloc in config.genesis:
        checks.append((f"genesis balance of {alloc.to}", t.balanceOf(alloc.to).call() >= alloc.amount))
    if r := config.rewards:
        rewards = at(REWARDS)
        rf = rewards.functions
        checks += [
            ("ActivityRewards mints in the token", rf.token().call() == token.address),
            ("ActivityRewards is a minter", t.hasRole(ROLE_MINTER, rewards.address).call()),
            ("ActivityRewards excluded from voting", t.isVotingExcluded(rewards.address).call()),
            *handed_over("rewards", rewards),
            ("rewards challenge window as configured", rf.challengeWindow().call() == r.challenge_window),
            ("rewards member cap as configured", rf.memberCap().call() == r.member_cap),
            ("rewards standing budget as configured", rf.standingBudget().call() == r.standing_budget),
            ("rewards guardian is the proposal guardian",
             config.guardian is None or rf.hasRole(ROLE_GUARDIAN, config.guardian).call()),
        ]  # fmt: skip
        checks += [(f"{c} is a rewards coordinator", rf.hasRole(ROLE_COORDINATOR, c).call()) for c in r.coordinators]
        if r.members_only:
            checks.append(("ActivityRewards pays members only", rf.memberRegistry().call() == record.address(REGISTRY)))
        else:
            checks.append(("ActivityRewards pays anyone", rf.memberRegistry().call() == ZERO_ADDRESS))
    if reg := config.registry:
        registry = at(REGISTRY)
        gf = registry.functions
        checks += [
            ("registry name as configured", gf.name().call() == reg.name),
            ("registry symbol as configured", gf.symbol().call() == reg.symbol),
            *handed_over("registry", registry),
            ("deployer holds no registrar role", not gf.hasRole(ROLE_REGISTRAR, me).call()),
            ("registry cards are locked (ERC-5192)", gf.supportsInterface(ERC5192_INTERFACE).call()),
            ("self-registration kinds as configured", gf.selfRegistrationKinds().call() == reg.self_registration_kinds),
            (
                "token transfer restriction as configured",
                t.transferRegistry().call() == (registry.address if reg.restrict_transfers else ZERO_ADDRESS),
            ),
            (  # once governance lifts the restriction, the token's suspendVotes does nothing: either is fine
                "a membership that ends suspends its token votes" if reg.restrict_transfers
                else "registry notifies nothing but the token when a membership ends",
                gf.membershipListener().call()
                in ((token.address,) if reg.restrict_transfers else (ZERO_ADDRESS, token.address)),
            ),
        ]  # fmt: skip
        checks += [(f"{r} is a registrar", gf.hasRole(ROLE_REGISTRAR, r).call()) for r in reg.registrars]
    elif "transferRegistry" in {f.get("name") for f in token.abi}:
        checks.append(("token transfers not restricted", t.transferRegistry().call() == ZERO_ADDRESS))
    return [WiringCheck(description, bool(ok)) for description, ok in checks]
