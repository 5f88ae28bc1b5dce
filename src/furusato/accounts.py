"""Accounts for live networks: keystores only, and never the public test mnemonic's keys."""

from __future__ import annotations

import getpass
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from furusato.errors import AccountError

if TYPE_CHECKING:  # web3 and eth-account load only when an account is used: `furusato --help` stays quick
    from eth_account.signers.local import LocalAccount
    from web3 import Web3

    from furusato.chain import Sender

#: The mnemonic Anvil, Hardhat and Foundry fund by default. Its keys are public: anything they hold can be taken.
PUBLIC_TEST_MNEMONIC = "test test test test test test test test test test test junk"
PUBLIC_TEST_ACCOUNTS_CHECKED = 20


@lru_cache(maxsize=1)
def public_test_addresses() -> frozenset[str]:
    """The first accounts (lower-case) derived from :data:`PUBLIC_TEST_MNEMONIC` on the default path."""
    from eth_account import Account

    Account.enable_unaudited_hdwallet_features()
    return frozenset(
        Account.from_mnemonic(PUBLIC_TEST_MNEMONIC, account_path=f"m/44'/60'/0'/0/{i}").address.lower()
        for i in range(PUBLIC_TEST_ACCOUNTS_CHECKED)
    )


def refuse_public_test_account(address: str, network: str) -> None:
    """Raise :class:`AccountError` if ``address`` is one of the public test mnemonic's accounts."""
    if address.lower() in public_test_addresses():
        raise AccountError(
            f"{address} is an account of the public test mnemonic ('{PUBLIC_TEST_MNEMONIC}'); its private key is "
            f"published, so it is refused on the non-development network '{network}'. Use a keystore account."
        )


def read_password(password_file: Path | None, prompt: str) -> str:
    """The keystore password: from ``password_file`` (for unattended runs) or asked on the terminal."""
    if password_file is not None:
        try:
            return password_file.read_text().rstrip("\r\n")
        except OSError as exc:
            raise AccountError(f"cannot read the password file {password_file}: {exc.strerror}") from exc
    env = os.environ.get("FURUSATO_PASSWORD_FILE")
    if env:
        return read_password(Path(env), prompt)
    try:
        return getpass.getpass(prompt)
    except EOFError as exc:
        raise AccountError("a keystore password is needed: pass --password-file or run on a terminal") from exc


#: The shortest password a new keystore accepts: the file is only as safe as the password that encrypts it.
MIN_PASSWORD_LENGTH = 8


def read_new_password(password_file: Path | None) -> str:
    """The password for a new keystore: from ``password_file`` or ``FURUSATO_PASSWORD_FILE`` (unattended runs), else
    asked twice on the terminal. Refuses one shorter than :data:`MIN_PASSWORD_LENGTH` and two entries that differ."""
    if password_file is not None or os.environ.get("FURUSATO_PASSWORD_FILE"):
        password = read_password(password_file, "")
        where = f"the password file {password_file or os.environ['FURUSATO_PASSWORD_FILE']}"
    else:
        password = read_password(None, "new keystore password: ")
        if read_password(None, "the same password again: ") != password:
            raise AccountError("the two passwords differ: nothing was written, run the command again")
        where = "the password"
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"{where} is {len(password)} characters long: a keystore password needs at least {MIN_PASSWORD_LENGTH} "
            "(the keystore file is only as safe as its password)"
        )
    return password


def check_new_keystore(path: Path) -> Path:
    """Refuse ``path`` for a new keystore if it exists or its folder does not; return the folder."""
    if path.exists() or path.is_symlink():
        raise AccountError(f"{path} already exists: a keystore is never overwritten (its key would be lost); "
                           "choose another file name")  # fmt: skip
    if not path.parent.is_dir():
        raise AccountError(f"no folder {path.parent} for the keystore {path.name}: create it first")
    return path.parent


def new_keystore(path: Path, password: str) -> str:
    """Create a new random account and write it to ``path`` as a V3 keystore (scrypt, as geth and Brownie write it),
    readable by its owner only (0600). Refuses to replace an existing file. Returns the account's address."""
    import tempfile

    from eth_account import Account

    folder = check_new_keystore(path)
    account = Account.create()
    data = json.dumps(Account.encrypt(account.key, password)).encode()
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")  # created 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.link(tmp, path)  # atomic, and fails if the file appeared meanwhile: never overwrites
    except FileExistsError as exc:
        raise AccountError(f"{path} already exists: a keystore is never overwritten; choose another file name") from exc
    except OSError as exc:
        raise AccountError(f"cannot write the keystore {path}: {exc.strerror}") from exc
    finally:
        os.unlink(tmp)
    address: str = account.address
    return address


def load_keystore(path: Path, password: str) -> LocalAccount:
    """Decrypt an Ethereum keystore (V3 JSON, as geth, Brownie, Foundry and MetaMask export) into memory."""
    from eth_account import Account

    try:
        keyfile = json.loads(path.read_text())
    except OSError as exc:
        raise AccountError(f"cannot read the keystore {path}: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise AccountError(f"{path} is not a keystore (not JSON: {exc.msg})") from exc
    if not isinstance(keyfile, dict) or keyfile.get("version") != 3 or "crypto" not in {k.lower() for k in keyfile}:
        found = f"version {keyfile.get('version')!r}" if isinstance(keyfile, dict) else type(keyfile).__name__
        raise AccountError(
            f'{path} is not a V3 keystore ({found}; expected a JSON object with "version": 3 and "crypto"): '
            "export the account again as a keystore file (geth, Brownie, Foundry `cast wallet`, MetaMask)"
        )
    try:
        key = Account.decrypt(keyfile, password)
    except (ValueError, KeyError, TypeError) as exc:
        raise AccountError(f"cannot decrypt the keystore {path}: wrong password or damaged file") from exc
    account: LocalAccount = Account.from_key(key)
    return account


def brownie_keystore(account_id: str) -> Path:
    """Where Brownie keeps the keystore of ``brownie accounts new/import ID``."""
    return Path.home() / ".brownie" / "accounts" / f"{account_id}.json"


@dataclass(frozen=True)
class SignerChoice:
    """Who signs, as a user named it: a keystore file, a Brownie account id, or a development account's index."""

    keystore: Path | None = None
    account_id: str | None = None
    password_file: Path | None = None
    dev_index: int = 0

    def sender(self, w3: Web3, network: str, development: bool) -> Sender:
        """The account that signs: a keystore (required on live networks) or a development account of Anvil."""
        from web3 import Web3

        from furusato.chain import LocalKeySender, UnlockedSender

        if self.keystore is not None and self.account_id is not None:
            raise AccountError("give either --keystore or --account, not both")
        path = self.keystore or (brownie_keystore(self.account_id) if self.account_id else None)
        if path is None:
            if not development:
                raise AccountError(
                    f"'{network}' is a live network: name a keystore with --keystore FILE or a Brownie account with "
                    "--account ID (private keys are never taken from flags, files or the environment)"
                )
            accounts = list(w3.eth.accounts)
            if not 0 <= self.dev_index < len(accounts):
                raise AccountError(f"the development chain has only {len(accounts)} accounts")
            return UnlockedSender(Web3.to_checksum_address(accounts[self.dev_index]))
        if not path.is_file():
            raise AccountError(f"no keystore at {path}")
        account = load_keystore(path, read_password(self.password_file, f"password for {path.name}: "))
        if not development:
            refuse_public_test_account(account.address, network)
        return LocalKeySender(account)
