"""Who plays which part in the benches (a development chain's unlocked accounts), and the local DAO they use."""

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


def deploy_local_dao(
    w3: Web3,
    root: Path,
    deployer: Sender,
    network: str,
    records_dir: Path,
    config: DeployConfig | None = None,
    log: Callable[[str], None] = lambda _l: None,
) -> tuple[DeploymentRecord, Artifacts]:
    """A fresh DAO (preset ``local`` unless ``config``) deployed quietly for one bench; its record and artifacts."""
    artifacts = Artifacts(root)
    record = deploy_dao(
        w3, deployer, config or load_config(preset="local"), artifacts, network=network, development=True,
        records_dir=records_dir, log=log,
    )  # fmt: skip
    return record, artifacts
