"""Deploy and wire the governance core (token, timelock, governor, treasury), check the wiring, record it.

Every step is idempotent: it first reads the chain to see whether its effect is already there. A deployment that
stopped half-way (crash, lost connection, out of gas) is resumed from ``deployments/<network>.partial.json`` by
running the same command again; the deployer's powers are only given up in the last steps, after everything else
is in place, and the final record is written only when every wiring check passes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_typing import ChecksumAddress
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction

from furusato.accounts import refuse_public_test_account
from furusato.artifacts import Artifacts, error_selectors
from furusato.chain import ErrorDecoder, Log, Sender, deploy, require_cancun, transact
from furusato.config import Allocation, DeployConfig
from furusato.errors import DeployError
from furusato.records import ContractRecord, DeploymentRecord, read_record, record_path, write_record

CORE_CONTRACTS = ("RegionToken", "TimelockController", "RegionGovernor", "Treasury")
REWARDS = "ActivityRewards"
REGISTRY = "ResidentRegistry"
ZERO = "0x0000000000000000000000000000000000000000"
ROLE_ADMIN = b"\x00" * 32
ROLE_MINTER = Web3.keccak(text="MINTER_ROLE")
ROLE_PROPOSER = Web3.keccak(text="PROPOSER_ROLE")
ROLE_CANCELLER = Web3.keccak(text="CANCELLER_ROLE")
ROLE_EXECUTOR = Web3.keccak(text="EXECUTOR_ROLE")
ROLE_COORDINATOR = Web3.keccak(text="COORDINATOR_ROLE")
ROLE_GUARDIAN = Web3.keccak(text="GUARDIAN_ROLE")
ROLE_REGISTRAR = Web3.keccak(text="REGISTRAR_ROLE")
ERC5192_INTERFACE = bytes.fromhex("b45a3c0e")
NO_RECORD = b"\x00" * 32


def contract_names(config: DeployConfig) -> tuple[str, ...]:
    """The contracts a deployment with ``config`` consists of, in deployment order."""
    return CORE_CONTRACTS + ((REWARDS,) if config.rewards else ()) + ((REGISTRY,) if config.registry else ())


@dataclass(frozen=True)
class WiringCheck:
    """One fact about the deployed system that must hold."""

    description: str
    ok: bool


def _jsonable(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value) if abs(value) > 2**53 else value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return value


class Deployment:
    """A deployment in progress: typed handles on the contracts plus the journal."""

    def __init__(
        self,
        w3: Web3,
        sender: Sender,
        config: DeployConfig,
        artifacts: Artifacts,
        record: DeploymentRecord,
        journal: Path,
        log: Log,
    ) -> None:
        self.w3 = w3
        self.sender = sender
        self.config = config
        self.artifacts = artifacts
        self.record = record
        self.journal = journal
        self.log = log
        self.decoder = ErrorDecoder(error_selectors([artifacts.get(n).abi for n in contract_names(config)]))

    # -- helpers
    def contract(self, name: str) -> Contract:
        return self.w3.eth.contract(address=self.record.address(name), abi=self.artifacts.get(name).abi)

    def _save(self) -> None:
        write_record(self.journal, self.record)

    def deploy_contract(self, name: str, args: list[Any]) -> ChecksumAddress:
        existing = self.record.contracts.get(name)
        if existing and self.w3.eth.get_code(Web3.to_checksum_address(existing.address)):
            self.log(f"  {name}: already at {existing.address} (resumed)")
            return Web3.to_checksum_address(existing.address)
        art = self.artifacts.get(name)
        address, receipt = deploy(self.w3, self.sender, art.abi, art.bytecode, args, label=name, decoder=self.decoder)
        self.record.contracts[name] = ContractRecord(
            address=address,
            tx_hash=receipt["transactionHash"].to_0x_hex(),
            block=receipt["blockNumber"],
            constructor_args=_jsonable(args),
            gas_used=receipt["gasUsed"],
        )
        if not self.record.deploy_block:
            self.record.deploy_block = receipt["blockNumber"]
        self._save()
        self.log(f"  {name}: {address}  tx {receipt['transactionHash'].to_0x_hex()}  gas {receipt['gasUsed']:,}")
        return address

    def step(self, name: str, done: Callable[[], bool], action: Callable[[], ContractFunction]) -> None:
        """Run one wiring step unless the chain shows it is already done."""
        if done():
            self.record.wiring.setdefault(name, "")
            self.log(f"  {name}: already in place")
            return
        receipt = transact(self.w3, self.sender, action(), label=name, decoder=self.decoder)
        self.record.wiring[name] = receipt["transactionHash"].to_0x_hex()
        self._save()
        self.log(f"  {name}: tx {receipt['transactionHash'].to_0x_hex()}")


def plan_summary(config: DeployConfig, deployer: str, network: str) -> list[str]:
    """Human-readable lines describing what a deployment will do (printed before anything is sent)."""
    lines = [
        f"network {network}, deployer {deployer}, preset {config.preset}",
        f"RegionToken '{config.token_name}' ({config.token_symbol}), cap {config.token_cap / 10**18:,.0f} tokens",
        f"RegionGovernor '{config.governor_name}': voting delay {config.voting_delay}s, period {config.voting_period}s,"
        f" quorum {config.quorum_percent}%, threshold {config.proposal_threshold / 10**18:,.0f} tokens,"
        f" late-quorum extension {config.late_quorum_extension}s, guardian {config.guardian or 'none'}"
        + ("; MEMBERS ONLY: only registry members may propose and vote" if config.governor_members_only else ""),
        f"TimelockController: min delay {config.timelock_delay}s; proposer/canceller/executor = governor only",
        "Treasury owned by the timelock; treasury, timelock and governor excluded from voting",
        *(
            [
                f"ActivityRewards: minter, excluded from voting; challenge window {config.rewards.challenge_window}s,"
                f" member cap {config.rewards.member_cap / 10**18:,.0f}, standing budget"
                f" {config.rewards.standing_budget / 10**18:,.0f} tokens/epoch,"
                f" {len(config.rewards.coordinators)} coordinator(s); "
                + (
                    "pays registered members ONLY (a non-member's reward is withheld until they register and claim)"
                    if config.rewards.members_only
                    else "pays anyone in a plan"
                )
            ]
            if config.rewards
            else []
        ),
        *(
            [
                f"ResidentRegistry '{config.registry.name}' ({config.registry.symbol}):"
                f" {len(config.registry.registrars)} registrar(s), self-registration mask"
                f" {config.registry.self_registration_kinds:#05b}, admin the timelock; token transfers "
                + (
                    "RESTRICTED to registered members (genesis recipients are registered first)"
                    if config.registry.restrict_transfers
                    else "not restricted"
                )
            ]
            if config.registry
            else []
        ),
        f"genesis: {len(config.genesis)} allocation(s), {sum(a.amount for a in config.genesis) / 10**18:,.0f} tokens",
        "then the deployer renounces every role it held",
    ]
    return lines


def deploy_dao(
    w3: Web3,
    sender: Sender,
    config: DeployConfig,
    artifacts: Artifacts,
    *,
    network: str,
    development: bool,
    records_dir: Path,
    log: Log = print,
    force: bool = False,
    dry_run: bool = False,
) -> DeploymentRecord:
    """Deploy the governance core, wire it, check the wiring and write ``<records_dir>/<network>.json``."""
    where = f"network '{network}'"
    require_cancun(w3, where)
    deployer = sender.address
    if not development:
        refuse_public_test_account(deployer, network)
    final_path = record_path(records_dir, network)
    journal = record_path(records_dir, network, partial=True)
    chain_id = w3.eth.chain_id
    if final_path.exists() and not development and not force:
        existing = read_record(final_path)
        raise DeployError(
            f"{final_path} already records a DAO on {network} (chain {existing.chain_id}, token "
            f"{existing.contracts.get('RegionToken', ContractRecord('?', '', 0, [], 0)).address}); "
            "pass --force to deploy another one (the old record is kept as .replaced.json)"
        )
    if config.registry and deployer in config.registry.registrars:
        raise DeployError(
            f"the deployer {deployer} is listed as a registrar; the deployer gives up every role at the end of a "
            "deployment, so name the town staff's own account(s) in registry.registrars"
        )
    if not development:
        # The deployer renounces its own roles but cannot be trusted with a standing one either: on a live network
        # the coordinator and the guardian must be other keys (issue 10, like the registrar above).
        if config.guardian and config.guardian.lower() == deployer.lower():
            raise DeployError(
                f"the deployer {deployer} is the governor's guardian; on a live network name the resident "
                "council's own key (e.g. its multisig) as governor.guardian"
            )
        if config.rewards and any(c.lower() == deployer.lower() for c in config.rewards.coordinators):
            raise DeployError(
                f"the deployer {deployer} is listed as a rewards coordinator; on a live network name the "
                "coordinator's own account(s) in rewards.coordinators"
            )
    if config.rewards and config.rewards.members_only and not config.registry:
        raise DeployError("rewards.members_only needs a registry section: the ResidentRegistry of the members")
    balance = w3.eth.get_balance(deployer)
    if balance == 0:
        raise DeployError(f"the deployer {deployer} has no ETH on {network} to pay for gas")
    for line in plan_summary(config, deployer, network):
        log(line)
    if dry_run:
        log("dry run: nothing was sent")
        return DeploymentRecord(network, chain_id, deployer, config.preset, config.digest())

    record = DeploymentRecord(
        network=network, chain_id=chain_id, deployer=deployer, preset=config.preset, config_digest=config.digest()
    )
    if journal.exists() and not development:
        previous = read_record(journal)
        if (previous.chain_id, previous.deployer, previous.config_digest) != (chain_id, deployer, config.digest()):
            raise DeployError(
                f"{journal} holds an unfinished deployment with another chain, deployer or config; "
                "finish it with the same settings, or remove the file to start over"
            )
        record = previous
        log(f"resuming the unfinished deployment from {journal}")
    d = Deployment(w3, sender, config, artifacts, record, journal, log)
    _deploy_contracts(d)
    _wire(d)
    checks = check_wiring(w3, artifacts, record, config)
    failed = [c.description for c in checks if not c.ok]
    if failed:
        raise DeployError("the deployed system does not check out:\n  - " + "\n  - ".join(failed))
    log(f"wiring checks: {len(checks)} passed")
    first = artifacts.get("RegionToken")
    record.compiler = {
        "version": first.compiler_version,
        "evmVersion": first.evm_version,
        "optimizer": first.optimizer,
        "remappings": artifacts.remappings(),
    }
    names = list(contract_names(config))
    record.verification = {
        "contracts": {n: f"{artifacts.get(n).source_path}:{n}" for n in names},
        "standardJsonInput": artifacts.standard_json_input(names),
    }
    record.complete = True
    if final_path.exists() and not development:  # a development chain's record is simply overwritten
        final_path.replace(final_path.with_suffix(".replaced.json"))
    write_record(final_path, record)
    journal.unlink(missing_ok=True)
    log(f"deployment record written to {final_path}")
    return record


def _deploy_contracts(d: Deployment) -> None:
    c = d.config
    me = d.sender.address
    token = d.deploy_contract("RegionToken", [c.token_name, c.token_symbol, c.token_cap, me])
    # The registry comes before the governor: a members-only governor is built with its address.
    registry = d.deploy_contract(REGISTRY, [c.registry.name, c.registry.symbol, me]) if c.registry else None
    timelock = d.deploy_contract("TimelockController", [c.timelock_delay, [], [], me])
    params = (
        c.governor_name,
        c.voting_delay,
        c.voting_period,
        c.proposal_threshold,
        c.quorum_percent,
        c.late_quorum_extension,
        c.guardian or ZERO,
        registry if c.governor_members_only and registry else ZERO,
    )
    d.deploy_contract("RegionGovernor", [token, timelock, params])
    d.deploy_contract("Treasury", [timelock])
    if c.rewards:
        r = c.rewards
        args = [token, me, c.guardian or ZERO, r.challenge_window, r.member_cap, r.standing_budget]
        d.deploy_contract(REWARDS, args)


def _wire(d: Deployment) -> None:
    me = d.sender.address
    token, timelock = d.contract("RegionToken"), d.contract("TimelockController")
    gov, tl, treasury = d.record.address("RegionGovernor"), timelock.address, d.record.address("Treasury")

    def has_role(contract: Contract, role: bytes, who: str) -> Callable[[], bool]:
        return lambda: bool(contract.functions.hasRole(role, who).call())

    def lacks_role(contract: Contract, role: bytes, who: str) -> Callable[[], bool]:
        return lambda: not contract.functions.hasRole(role, who).call()

    def call(fn: ContractFunction) -> Callable[[], ContractFunction]:
        return lambda: fn

    for role, label in ((ROLE_PROPOSER, "proposer"), (ROLE_CANCELLER, "canceller"), (ROLE_EXECUTOR, "executor")):
        d.step(
            f"timelock: governor is {label}",
            has_role(timelock, role, gov),
            call(timelock.functions.grantRole(role, gov)),
        )
    excluded = [("Treasury", treasury), ("TimelockController", tl), ("RegionGovernor", gov)]
    if d.config.rewards:
        excluded.append((REWARDS, d.record.address(REWARDS)))
    for name, addr in excluded:
        d.step(
            f"token: {name} excluded from voting",
            _excluded(token, addr),
            call(token.functions.excludeFromVoting(addr)),
        )
    genesis = d.config.genesis
    reg = d.config.registry
    if reg and reg.restrict_transfers:
        _restrict(d, token, genesis, has_role, call)
    if genesis:

        def genesis_done() -> bool:  # genesis is the token's first mint
            return bool(token.functions.totalSupply().call() > 0)

        d.step(
            "token: deployer may mint genesis",
            lambda: genesis_done() or has_role(token, ROLE_MINTER, me)(),
            call(token.functions.grantRole(ROLE_MINTER, me)),
        )
        d.step(
            "token: genesis minted",
            genesis_done,
            call(token.functions.mintBatch([a.to for a in genesis], [a.amount for a in genesis])),
        )
    if d.config.rewards:
        _wire_rewards(d, token, has_role, lacks_role, call)
    if reg:
        _wire_registry(d, has_role, lacks_role, call)
    d.step(
        "token: deployer is no longer minter",
        lacks_role(token, ROLE_MINTER, me),
        call(token.functions.revokeRole(ROLE_MINTER, me)),
    )
    _hand_admin_to_timelock(d, "token", token, has_role, lacks_role, call)
    d.step(
        "timelock: deployer renounced admin",
        lacks_role(timelock, ROLE_ADMIN, me),
        call(timelock.functions.renounceRole(ROLE_ADMIN, me)),
    )


def _wire_rewards(
    d: Deployment,
    token: Contract,
    has_role: Callable[[Contract, bytes, str], Callable[[], bool]],
    lacks_role: Callable[[Contract, bytes, str], Callable[[], bool]],
    call: Callable[[ContractFunction], Callable[[], ContractFunction]],
) -> None:
    assert d.config.rewards is not None
    rewards = d.contract(REWARDS)
    d.step(
        "token: ActivityRewards is minter",
        has_role(token, ROLE_MINTER, rewards.address),
        call(token.functions.grantRole(ROLE_MINTER, rewards.address)),
    )
    for coordinator in d.config.rewards.coordinators:
        d.step(
            f"rewards: {coordinator} is coordinator",
            has_role(rewards, ROLE_COORDINATOR, coordinator),
            call(rewards.functions.grantRole(ROLE_COORDINATOR, coordinator)),
        )
    if d.config.rewards.members_only:
        registry = d.record.address(REGISTRY)  # deployed after the rewards contract, before any wiring
        d.step(
            "rewards: pays registered members only",
            lambda: rewards.functions.memberRegistry().call() == registry,
            call(rewards.functions.setMemberRegistry(registry)),
        )
    _hand_admin_to_timelock(d, "rewards", rewards, has_role, lacks_role, call)


def _restrict(
    d: Deployment,
    token: Contract,
    genesis: tuple[Allocation, ...],
    has_role: Callable[[Contract, bytes, str], Callable[[], bool]],
    call: Callable[[ContractFunction], Callable[[], ContractFunction]],
) -> None:
    """Transfer-restricted mode: on before the first mint; genesis recipients registered before the genesis mint."""
    assert d.config.registry is not None
    me, registry = d.sender.address, d.contract(REGISTRY)
    d.step(
        "token: transfers restricted to registered members",
        lambda: token.functions.transferRegistry().call() == registry.address,
        call(token.functions.restrictTransfers(registry.address)),
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
        lambda: registered() or has_role(registry, ROLE_REGISTRAR, me)(),
        call(registry.functions.grantRole(ROLE_REGISTRAR, me)),
    )

    def register() -> ContractFunction:
        todo = unregistered()
        kind = d.config.registry.genesis_kind if d.config.registry else 0
        return registry.functions.registerBatch(todo, [kind] * len(todo), [NO_RECORD] * len(todo))

    d.step("registry: genesis recipients registered", registered, register)


def _wire_registry(
    d: Deployment,
    has_role: Callable[[Contract, bytes, str], Callable[[], bool]],
    lacks_role: Callable[[Contract, bytes, str], Callable[[], bool]],
    call: Callable[[ContractFunction], Callable[[], ContractFunction]],
) -> None:
    reg = d.config.registry
    assert reg is not None
    me = d.sender.address
    registry = d.contract(REGISTRY)
    d.step(
        "registry: deployer is no longer registrar",
        lacks_role(registry, ROLE_REGISTRAR, me),
        call(registry.functions.renounceRole(ROLE_REGISTRAR, me)),
    )
    for registrar in reg.registrars:
        d.step(
            f"registry: {registrar} is registrar",
            has_role(registry, ROLE_REGISTRAR, registrar),
            call(registry.functions.grantRole(ROLE_REGISTRAR, registrar)),
        )
    d.step(
        "registry: self-registration kinds as configured",
        lambda: registry.functions.selfRegistrationKinds().call() == reg.self_registration_kinds,
        call(registry.functions.setSelfRegistrationKinds(reg.self_registration_kinds)),
    )
    if reg.restrict_transfers:
        token = d.record.address("RegionToken")
        d.step(
            "registry: a membership that ends suspends its token votes",
            lambda: registry.functions.membershipListener().call() == token,
            call(registry.functions.setMembershipListener(token)),
        )
    _hand_admin_to_timelock(d, "registry", registry, has_role, lacks_role, call)


def _hand_admin_to_timelock(
    d: Deployment,
    label: str,
    contract: Contract,
    has_role: Callable[[Contract, bytes, str], Callable[[], bool]],
    lacks_role: Callable[[Contract, bytes, str], Callable[[], bool]],
    call: Callable[[ContractFunction], Callable[[], ContractFunction]],
) -> None:
    """The last two steps of wiring a contract: the timelock becomes its admin, then the deployer renounces."""
    me, tl = d.sender.address, d.record.address("TimelockController")
    d.step(
        f"{label}: timelock is admin",
        has_role(contract, ROLE_ADMIN, tl),
        call(contract.functions.grantRole(ROLE_ADMIN, tl)),
    )
    d.step(
        f"{label}: deployer renounced admin",
        lacks_role(contract, ROLE_ADMIN, me),
        call(contract.functions.renounceRole(ROLE_ADMIN, me)),
    )


def _excluded(token: Contract, who: str) -> Callable[[], bool]:
    return lambda: bool(token.functions.isVotingExcluded(who).call())


def check_wiring(w3: Web3, artifacts: Artifacts, record: DeploymentRecord, config: DeployConfig) -> list[WiringCheck]:
    """Read the chain and check every role, owner, exclusion and setting the DAO depends on."""

    def at(name: str) -> Contract:
        return w3.eth.contract(address=record.address(name), abi=artifacts.get(name).abi)

    token, timelock, governor, treasury = (at(n) for n in CORE_CONTRACTS)
    me = record.deployer
    tl, gov = timelock.address, governor.address
    t, g, tlf = token.functions, governor.functions, timelock.functions
    checks = [
        ("token clock is timestamps", t.CLOCK_MODE().call() == "mode=timestamp"),
        ("token cap as configured", t.cap().call() == config.token_cap),
        ("token admin is the timelock", t.hasRole(ROLE_ADMIN, tl).call()),
        ("deployer holds no token admin role", not t.hasRole(ROLE_ADMIN, me).call()),
        ("deployer holds no minter role", not t.hasRole(ROLE_MINTER, me).call()),
        ("treasury excluded from voting", t.isVotingExcluded(treasury.address).call()),
        ("timelock excluded from voting", t.isVotingExcluded(tl).call()),
        ("governor excluded from voting", t.isVotingExcluded(gov).call()),
        ("timelock administers itself", tlf.hasRole(ROLE_ADMIN, tl).call()),
        ("deployer holds no timelock admin role", not tlf.hasRole(ROLE_ADMIN, me).call()),
        ("governor is the timelock's proposer", tlf.hasRole(ROLE_PROPOSER, gov).call()),
        ("governor is the timelock's canceller", tlf.hasRole(ROLE_CANCELLER, gov).call()),
        ("governor is the timelock's executor", tlf.hasRole(ROLE_EXECUTOR, gov).call()),
        ("deployer is not a timelock proposer", not tlf.hasRole(ROLE_PROPOSER, me).call()),
        ("anyone-may-execute is off", not tlf.hasRole(ROLE_EXECUTOR, ZERO).call()),
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
        ("proposal guardian as configured", g.proposalGuardian().call() == (config.guardian or ZERO)),
        (
            "only registry members propose and vote" if config.governor_members_only
            else "anyone with votes may propose and vote",
            g.memberRegistry().call()
            == (record.address(REGISTRY) if config.governor_members_only else ZERO),
        ),
    ]  # fmt: skip
    for alloc in config.genesis:
        checks.append((f"genesis balance of {alloc.to}", t.balanceOf(alloc.to).call() >= alloc.amount))
    if config.rewards:
        r = config.rewards
        rewards = at(REWARDS)
        rf = rewards.functions
        checks += [
            ("ActivityRewards mints in the token", rf.token().call() == token.address),
            ("ActivityRewards is a minter", t.hasRole(ROLE_MINTER, rewards.address).call()),
            ("ActivityRewards excluded from voting", t.isVotingExcluded(rewards.address).call()),
            ("rewards admin is the timelock", rf.hasRole(ROLE_ADMIN, tl).call()),
            ("deployer holds no rewards admin role", not rf.hasRole(ROLE_ADMIN, me).call()),
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
            checks.append(("ActivityRewards pays anyone", rf.memberRegistry().call() == ZERO))
    if config.registry:
        reg = config.registry
        registry = at(REGISTRY)
        gf = registry.functions
        checks += [
            ("registry name as configured", gf.name().call() == reg.name),
            ("registry symbol as configured", gf.symbol().call() == reg.symbol),
            ("registry admin is the timelock", gf.hasRole(ROLE_ADMIN, tl).call()),
            ("deployer holds no registry admin role", not gf.hasRole(ROLE_ADMIN, me).call()),
            ("deployer holds no registrar role", not gf.hasRole(ROLE_REGISTRAR, me).call()),
            ("registry cards are locked (ERC-5192)", gf.supportsInterface(ERC5192_INTERFACE).call()),
            ("self-registration kinds as configured", gf.selfRegistrationKinds().call() == reg.self_registration_kinds),
            (
                "token transfer restriction as configured",
                t.transferRegistry().call() == (registry.address if reg.restrict_transfers else ZERO),
            ),
            (  # once governance lifts the restriction, the token's suspendVotes does nothing: either is fine
                "a membership that ends suspends its token votes" if reg.restrict_transfers
                else "registry notifies nothing but the token when a membership ends",
                gf.membershipListener().call()
                in ((token.address,) if reg.restrict_transfers else (ZERO, token.address)),
            ),
        ]  # fmt: skip
        checks += [(f"{r} is a registrar", gf.hasRole(ROLE_REGISTRAR, r).call()) for r in reg.registrars]
    elif "transferRegistry" in {f.get("name") for f in token.abi}:
        checks.append(("token transfers not restricted", t.transferRegistry().call() == ZERO))
    return [WiringCheck(description, bool(ok)) for description, ok in checks]
