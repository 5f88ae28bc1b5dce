"""Wiring: the roles, exclusions, genesis mint and settings that turn deployed contracts into the DAO, each an
idempotent journaled step (see ``steps.Deployment.step``). The deployer's powers are given up in the last steps,
after everything else is in place. Step names are part of the journal format: old partial journals resume by them.
"""

from __future__ import annotations

from collections.abc import Callable

from web3.contract import Contract
from web3.contract.contract import ContractFunction

from furusato.config import Allocation
from furusato.constants import (
    ROLE_CANCELLER,
    ROLE_COORDINATOR,
    ROLE_DEFAULT_ADMIN,
    ROLE_EXECUTOR,
    ROLE_MINTER,
    ROLE_PROPOSER,
    ROLE_REGISTRAR,
)
from furusato.deploy.plan import REGISTRY, REWARDS
from furusato.deploy.steps import Deployment

NO_RECORD = b"\x00" * 32


def _has_role(contract: Contract, role: bytes, who: str) -> Callable[[], bool]:
    return lambda: bool(contract.functions.hasRole(role, who).call())


def _lacks_role(contract: Contract, role: bytes, who: str) -> Callable[[], bool]:
    return lambda: not contract.functions.hasRole(role, who).call()


def _call(fn: ContractFunction) -> Callable[[], ContractFunction]:
    return lambda: fn


def _grant(d: Deployment, name: str, contract: Contract, role: bytes, who: str) -> None:
    d.step(name, _has_role(contract, role, who), _call(contract.functions.grantRole(role, who)))


def wire(d: Deployment) -> None:
    """Every wiring step, in order; the deployer renounces its last roles at the end."""
    me = d.sender.address
    token, timelock = d.contract("RegionToken"), d.contract("TimelockController")
    gov, tl, treasury = d.record.address("RegionGovernor"), timelock.address, d.record.address("Treasury")
    for role, label in ((ROLE_PROPOSER, "proposer"), (ROLE_CANCELLER, "canceller"), (ROLE_EXECUTOR, "executor")):
        _grant(d, f"timelock: governor is {label}", timelock, role, gov)
    excluded = [("Treasury", treasury), ("TimelockController", tl), ("RegionGovernor", gov)]
    if d.config.rewards:
        excluded.append((REWARDS, d.record.address(REWARDS)))
    for name, addr in excluded:
        d.step(
            f"token: {name} excluded from voting",
            _excluded(token, addr),
            _call(token.functions.excludeFromVoting(addr)),
        )
    genesis = d.config.genesis
    reg = d.config.registry
    if reg and reg.restrict_transfers:
        _restrict(d, token, genesis)
    if genesis:

        def genesis_done() -> bool:  # genesis is the token's first mint
            return bool(token.functions.totalSupply().call() > 0)

        d.step(
            "token: deployer may mint genesis",
            lambda: genesis_done() or _has_role(token, ROLE_MINTER, me)(),
            _call(token.functions.grantRole(ROLE_MINTER, me)),
        )
        d.step(
            "token: genesis minted",
            genesis_done,
            _call(token.functions.mintBatch([a.to for a in genesis], [a.amount for a in genesis])),
        )
    if d.config.rewards:
        _wire_rewards(d, token)
    if reg:
        _wire_registry(d)
    d.step(
        "token: deployer is no longer minter",
        _lacks_role(token, ROLE_MINTER, me),
        _call(token.functions.revokeRole(ROLE_MINTER, me)),
    )
    _hand_admin_to_timelock(d, "token", token)
    d.step(
        "timelock: deployer renounced admin",
        _lacks_role(timelock, ROLE_DEFAULT_ADMIN, me),
        _call(timelock.functions.renounceRole(ROLE_DEFAULT_ADMIN, me)),
    )


def _wire_rewards(d: Deployment, token: Contract) -> None:
    assert d.config.rewards is not None
    rewards = d.contract(REWARDS)
    _grant(d, "token: ActivityRewards is minter", token, ROLE_MINTER, rewards.address)
    for coordinator in d.config.rewards.coordinators:
        _grant(d, f"rewards: {coordinator} is coordinator", rewards, ROLE_COORDINATOR, coordinator)
    if d.config.rewards.members_only:
        registry = d.record.address(REGISTRY)  # deployed after the rewards contract, before any wiring
        d.step(
            "rewards: pays registered members only",
            lambda: rewards.functions.memberRegistry().call() == registry,
            _call(rewards.functions.setMemberRegistry(registry)),
        )
    _hand_admin_to_timelock(d, "rewards", rewards)


def _restrict(d: Deployment, token: Contract, genesis: tuple[Allocation, ...]) -> None:
    """Transfer-restricted mode: on before the first mint; genesis recipients registered before the genesis mint."""
    assert d.config.registry is not None
    me, registry = d.sender.address, d.contract(REGISTRY)
    d.step(
        "token: transfers restricted to registered members",
        lambda: token.functions.transferRegistry().call() == registry.address,
        _call(token.functions.restrictTransfers(registry.address)),
    )
    if not genesis:
        return

    def unregistered() -> list[str]:
        seen: list[str] = []
        for a in genesis:
            if a.to not in seen and not token.functions.mayHold(a.to).call():
                seen.append(a.to)
        return seen

    def registered() -> bool:  # after the genesis mint, or once every recipient may hold tokens
        return bool(token.functions.totalSupply().call() > 0) or not unregistered()

    d.step(
        "registry: deployer may register genesis recipients",
        lambda: registered() or _has_role(registry, ROLE_REGISTRAR, me)(),
        _call(registry.functions.grantRole(ROLE_REGISTRAR, me)),
    )

    def register() -> ContractFunction:
        todo = unregistered()
        kind = d.config.registry.genesis_kind if d.config.registry else 0
        return registry.functions.registerBatch(todo, [kind] * len(todo), [NO_RECORD] * len(todo))

    d.step("registry: genesis recipients registered", registered, register)


def _wire_registry(d: Deployment) -> None:
    reg = d.config.registry
    assert reg is not None
    me = d.sender.address
    registry = d.contract(REGISTRY)
    d.step(
        "registry: deployer is no longer registrar",
        _lacks_role(registry, ROLE_REGISTRAR, me),
        _call(registry.functions.renounceRole(ROLE_REGISTRAR, me)),
    )
    for registrar in reg.registrars:
        _grant(d, f"registry: {registrar} is registrar", registry, ROLE_REGISTRAR, registrar)
    d.step(
        "registry: self-registration kinds as configured",
        lambda: registry.functions.selfRegistrationKinds().call() == reg.self_registration_kinds,
        _call(registry.functions.setSelfRegistrationKinds(reg.self_registration_kinds)),
    )
    if reg.restrict_transfers:
        token = d.record.address("RegionToken")
        d.step(
            "registry: a membership that ends suspends its token votes",
            lambda: registry.functions.membershipListener().call() == token,
            _call(registry.functions.setMembershipListener(token)),
        )
    _hand_admin_to_timelock(d, "registry", registry)


def _hand_admin_to_timelock(d: Deployment, label: str, contract: Contract) -> None:
    """The last two steps of wiring a contract: the timelock becomes its admin, then the deployer renounces."""
    me, tl = d.sender.address, d.record.address("TimelockController")
    _grant(d, f"{label}: timelock is admin", contract, ROLE_DEFAULT_ADMIN, tl)
    d.step(
        f"{label}: deployer renounced admin",
        _lacks_role(contract, ROLE_DEFAULT_ADMIN, me),
        _call(contract.functions.renounceRole(ROLE_DEFAULT_ADMIN, me)),
    )


def _excluded(token: Contract, who: str) -> Callable[[], bool]:
    return lambda: bool(token.functions.isVotingExcluded(who).call())
