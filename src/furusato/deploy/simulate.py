"""Constructor arguments, and their simulation before anything is sent.

``constructor_args`` is the one place that says what each contract is built with (``steps.deploy_contracts`` sends
exactly these). ``simulate_constructors`` runs every constructor still to deploy as an ``eth_call`` of its creation
code with the real arguments, at the addresses the deployer's next nonces will give them (earlier contracts of the
plan are stood in by their runtime code through a state override), so a constructor that would revert
(``StringTooLong``, a parameter out of bounds…) is refused by the preflight — and by ``--dry-run`` — before the first
transaction. ``journal_matches`` tells whether an unfinished deployment's contracts are still valid for a config.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from web3 import Web3

from furusato.abi import keccak, to_checksum_address
from furusato.artifacts import Artifacts
from furusato.config import DeployConfig
from furusato.constants import ZERO_ADDRESS
from furusato.deploy.plan import REGISTRY, REWARDS, artifact_of
from furusato.records import DeploymentRecord
from furusato.reverts import ErrorDecoder, revert_data


def deploy_order(config: DeployConfig) -> tuple[str, ...]:
    """The order contracts are deployed in (the registry before the governor: a members-only governor needs it)."""
    return (
        ("RegionToken",)
        + ((REGISTRY,) if config.registry else ())
        + ("TimelockController", "RegionGovernor", "Treasury")
        + ((REWARDS,) if config.rewards else ())
    )


def constructor_args(name: str, config: DeployConfig, deployer: str, addresses: Mapping[str, str]) -> list[Any]:
    """The constructor arguments of ``name``; ``addresses`` holds every contract deployed before it."""
    c = config
    if name == "RegionToken":
        return [c.token_name, c.token_symbol, c.token_cap, deployer, c.token_domain_name]
    if name == REGISTRY:
        assert c.registry is not None
        return [c.registry.name, c.registry.symbol, deployer]
    if name == "TimelockController":
        return [c.timelock_delay, [], [], deployer]
    if name == "RegionGovernor":
        members = addresses[REGISTRY] if c.governor_members_only and c.registry else ZERO_ADDRESS
        params = (
            c.governor_name, c.voting_delay, c.voting_period, c.proposal_threshold, c.quorum_percent,
            c.late_quorum_extension, c.guardian or ZERO_ADDRESS, members,
        )  # fmt: skip
        return [addresses["RegionToken"], addresses["TimelockController"], params]
    if name == "Treasury":
        return [addresses["TimelockController"]]
    if name == REWARDS:
        assert c.rewards is not None
        r = c.rewards
        guardian = c.guardian or ZERO_ADDRESS
        return [addresses["RegionToken"], deployer, guardian, r.challenge_window, r.member_cap, r.standing_budget]
    raise KeyError(name)


def create_address(deployer: str, nonce: int) -> str:
    """The address a contract created by ``deployer`` with ``nonce`` gets (CREATE)."""

    def item(raw: bytes) -> bytes:  # RLP of a byte string shorter than 56 bytes
        return raw if len(raw) == 1 and raw[0] < 0x80 else bytes([0x80 + len(raw)]) + raw

    payload = item(bytes.fromhex(deployer[2:])) + item(nonce.to_bytes((nonce.bit_length() + 7) // 8, "big"))
    return to_checksum_address(keccak(bytes([0xC0 + len(payload)]) + payload)[12:])


def _jsonable(value: Any) -> Any:
    """As the journal stores constructor arguments (big integers as strings, tuples as lists)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value) if abs(value) > 2**53 else value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return value


def journal_matches(record: DeploymentRecord, config: DeployConfig) -> list[str]:
    """The contracts of an unfinished deployment that ``config`` would NOT build as they were built (orphans);
    an empty list when every deployed contract is still valid for ``config`` and no wiring was sent yet."""
    addresses = {n: c.address for n, c in record.contracts.items()}
    wanted = deploy_order(config)
    orphans = []
    for name, contract in record.contracts.items():
        if name not in wanted:
            orphans.append(name)
            continue
        try:
            args = constructor_args(name, config, record.deployer, addresses)
        except KeyError:
            orphans.append(name)
            continue
        if _jsonable(args) != contract.constructor_args:
            orphans.append(name)
    if any(record.wiring.values()):  # a wiring transaction was sent under the old config: nothing is reusable
        return list(record.contracts)
    return orphans


def simulate_constructors(
    w3: Web3, artifacts: Artifacts, config: DeployConfig, deployer: str, resume: DeploymentRecord | None
) -> list[str]:
    """Run every constructor still to deploy as an ``eth_call`` with its real arguments; return the problems
    (``"RegionGovernor: constructor would revert: …"``), empty when every one would succeed."""
    from web3.exceptions import ContractCustomError, ContractLogicError, ContractPanicError, Web3RPCError

    from furusato.abi import error_selectors

    order = deploy_order(config)

    decoder = ErrorDecoder(error_selectors([artifacts.get(artifact_of(n, config)).abi for n in order]))
    nonce = int(w3.eth.get_transaction_count(Web3.to_checksum_address(deployer), "pending"))
    addresses: dict[str, str] = {}
    overrides: dict[str, Any] = {}
    todo = []
    for name in order:
        done = resume.contracts.get(name) if resume else None
        if done and w3.eth.get_code(Web3.to_checksum_address(done.address)):
            addresses[name] = done.address
            continue
        addresses[name] = create_address(deployer, nonce)
        nonce += 1
        code = artifacts.get(artifact_of(name, config)).deployed_bytecode
        overrides[addresses[name]] = {"code": code if code.startswith("0x") else "0x" + code}
        todo.append(name)
    problems = []
    overridable = True
    start = nonce - len(todo)
    for i, name in enumerate(todo):
        art = artifacts.get(artifact_of(name, config))
        args = constructor_args(name, config, deployer, addresses)
        data = w3.eth.contract(abi=art.abi, bytecode=art.bytecode).constructor(*args).data_in_transaction
        tx: Any = {"from": deployer, "data": data}
        # earlier contracts stood in by their code; the deployer's nonce as it will be (the contract's own address)
        state = {a: o for a, o in overrides.items() if a != addresses[name]}
        state[Web3.to_checksum_address(deployer)] = {"nonce": hex(start + i)}
        try:
            if overridable:
                try:
                    w3.eth.call(tx, "latest", state)  # type: ignore[arg-type]
                    continue
                except Web3RPCError as exc:
                    if revert_data(exc) is not None or "revert" in str(exc).lower():
                        raise
                    overridable = False  # a node without state overrides: simulate what needs none
            if name == "RegionGovernor" and "RegionToken" in todo:
                continue  # its constructor reads the token's clock: cannot run before the token exists
            w3.eth.call(tx, "latest")
        except (ContractCustomError, ContractLogicError, ContractPanicError, Web3RPCError, ValueError) as exc:
            found = revert_data(exc)
            if isinstance(exc, ValueError) and found is None and "revert" not in str(exc).lower():
                raise  # not a revert (a bad argument): let it surface as it is
            problems.append(f"{name}: constructor would revert: {decoder.decode(found) if found else exc}")
    return problems
