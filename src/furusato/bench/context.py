"""What every bench stands on: who plays which part (a development chain's unlocked accounts), the chain, the
checkout, a scratch folder and where progress lines go; and the quiet local DAO a bench deploys."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from eth_account.signers.local import LocalAccount
from web3 import Web3

from furusato.artifacts import Artifacts
from furusato.chain import Sender
from furusato.config import DeployConfig, load_config
from furusato.deploy import deploy_dao
from furusato.records import DeploymentRecord

TOKEN = 10**18


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


@dataclass(frozen=True)
class Bench:
    """One bench's surroundings: the development chain, the checkout (its ``build/`` artifacts), the actors, a
    scratch folder for deployment records and logs, and where progress lines go."""

    w3: Web3
    root: Path
    actors: BenchActors
    work: Path
    log: Callable[[str], None] = print

    def deploy(self, network: str, config: DeployConfig | None = None) -> tuple[DeploymentRecord, Artifacts]:
        """A fresh DAO (preset ``local`` unless ``config``) deployed quietly by the deployer, its record in ``work``;
        the record and the artifacts."""
        artifacts = Artifacts(self.root)
        record = deploy_dao(
            self.w3, self.actors.deployer, config or load_config(preset="local"), artifacts, network=network,
            development=True, records_dir=self.work, log=lambda _l: None,
        )  # fmt: skip
        return record, artifacts
