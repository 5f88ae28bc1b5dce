"""Idempotent, resumable steps: a deployment in progress (the journal) and the contract deployments.

Every step first reads the chain to see whether its effect is already there; every transaction is written to the
journal (``<network>.partial.json``) as soon as it is mined, so a run that stopped half-way resumes where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eth_typing import ChecksumAddress
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction

from furusato.abi import error_selectors
from furusato.chain import Log, deploy, transact
from furusato.deploy.plan import artifact_of, contract_names
from furusato.deploy.preflight import PreparedDeploy
from furusato.deploy.simulate import _jsonable, constructor_args, deploy_order
from furusato.records import ContractRecord, DeploymentRecord, write_record
from furusato.reverts import ErrorDecoder


class Deployment:
    """A deployment in progress: the prepared plan, typed handles on the contracts, and the journal."""

    def __init__(self, prepared: PreparedDeploy, record: DeploymentRecord, log: Log) -> None:
        self.w3 = prepared.w3
        self.sender = prepared.sender
        self.config = prepared.plan.config
        self.artifacts = prepared.artifacts
        self.journal = prepared.plan.journal
        self.record = record
        self.log = log
        abis = [self.artifacts.get(artifact_of(n, self.config)).abi for n in contract_names(self.config)]
        self.decoder = ErrorDecoder(error_selectors(abis))

    def contract(self, name: str) -> Contract:
        abi = self.artifacts.get(artifact_of(name, self.config)).abi
        return self.w3.eth.contract(address=self.record.address(name), abi=abi)

    def _save(self) -> None:
        write_record(self.journal, self.record)

    def deploy_contract(self, name: str, args: list[Any]) -> ChecksumAddress:
        """Deploy ``name`` (built from :func:`~furusato.deploy.plan.artifact_of` it) unless the journal names an
        address that holds code already."""
        existing = self.record.contracts.get(name)
        if existing and self.w3.eth.get_code(Web3.to_checksum_address(existing.address)):
            self.log(f"  {name}: already at {existing.address} (resumed)")
            return Web3.to_checksum_address(existing.address)
        art = self.artifacts.get(artifact_of(name, self.config))
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


def deploy_contracts(d: Deployment) -> None:
    """Deploy every contract of the configuration, in dependency order (the deployer holds every admin role)."""
    addresses: dict[str, str] = {}
    for name in deploy_order(d.config):
        args = constructor_args(name, d.config, d.sender.address, addresses)
        addresses[name] = d.deploy_contract(name, args)
