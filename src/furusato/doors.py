"""What the CLI and the Brownie scripts share: connecting to a network by Brownie name and choosing the sender.

A network is named as Brownie names it (`brownie networks list`): `development` is the embedded Anvil that
Brownie starts and stops; anything else is a live network reached by its RPC URL (a testnet, an L2, mainnet, or
a separately started Anvil standing in for one). Live networks take keystore accounts only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from web3 import Web3

from furusato.accounts import load_keystore, read_password, refuse_public_test_account
from furusato.chain import LocalKeySender, Sender, UnlockedSender
from furusato.errors import AccountError, ChainError


@dataclass(frozen=True)
class Connection:
    """An open connection: the web3 object, the Brownie network name and whether it is a development chain."""

    w3: Web3
    network: str
    development: bool


def connect(network: str, root: Path) -> Connection:
    """Load the Brownie project at ``root`` (compiling what changed) and connect to ``network``."""
    from brownie import network as bnetwork
    from brownie import project as bproject
    from brownie._config import CONFIG

    try:
        loaded = bproject.get_loaded_projects()
        if not loaded:
            loaded = [bproject.load(root, raise_if_loaded=False)]
        loaded[0].load_config()  # applies brownie-config.yaml's network settings, as `brownie run` does
        if not bnetwork.is_connected():
            bnetwork.connect(network)
    except Exception as exc:  # Brownie raises many types; name the network in every case.
        raise ChainError(f"cannot connect to network '{network}': {exc}") from exc
    from brownie import web3

    development = CONFIG.network_type == "development"
    return Connection(w3=web3, network=network, development=development)


def disconnect() -> None:
    """Close the connection (and stop Anvil when Brownie started it)."""
    from brownie import network as bnetwork

    if bnetwork.is_connected():
        bnetwork.disconnect()


def brownie_keystore(account_id: str) -> Path:
    """Where Brownie keeps the keystore of ``brownie accounts new/import ID``."""
    return Path.home() / ".brownie" / "accounts" / f"{account_id}.json"


def choose_sender(
    conn: Connection,
    *,
    keystore: Path | None = None,
    account_id: str | None = None,
    password_file: Path | None = None,
    dev_index: int = 0,
) -> Sender:
    """The account that signs: a keystore (required on live networks) or a development account of Anvil."""
    if keystore is not None and account_id is not None:
        raise AccountError("give either --keystore or --account, not both")
    path = keystore or (brownie_keystore(account_id) if account_id else None)
    if path is None:
        if not conn.development:
            raise AccountError(
                f"'{conn.network}' is a live network: name a keystore with --keystore FILE or a Brownie account with "
                "--account ID (private keys are never taken from flags, files or the environment)"
            )
        accounts = list(conn.w3.eth.accounts)
        if dev_index >= len(accounts):
            raise AccountError(f"the development chain has only {len(accounts)} accounts")
        return UnlockedSender(Web3.to_checksum_address(accounts[dev_index]))
    if not path.is_file():
        raise AccountError(f"no keystore at {path}")
    account = load_keystore(path, read_password(password_file, f"password for {path.name}: "))
    if not conn.development:
        refuse_public_test_account(account.address, conn.network)
    return LocalKeySender(account)
