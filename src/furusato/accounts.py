"""Accounts for live networks: keystores only, and never the public test mnemonic's keys."""

from __future__ import annotations

import getpass
import json
import os
from functools import lru_cache
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount

from furusato.errors import AccountError

#: The mnemonic Anvil, Hardhat and Foundry fund by default. Its keys are public: anything they hold can be taken.
PUBLIC_TEST_MNEMONIC = "test test test test test test test test test test test junk"
PUBLIC_TEST_ACCOUNTS_CHECKED = 20


@lru_cache(maxsize=1)
def public_test_addresses() -> frozenset[str]:
    """The first accounts (lower-case) derived from :data:`PUBLIC_TEST_MNEMONIC` on the default path."""
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


def load_keystore(path: Path, password: str) -> LocalAccount:
    """Decrypt an Ethereum keystore (V3 JSON, as geth, Brownie, Foundry and MetaMask export) into memory."""
    try:
        keyfile = json.loads(path.read_text())
    except OSError as exc:
        raise AccountError(f"cannot read the keystore {path}: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise AccountError(f"{path} is not a keystore (not JSON: {exc.msg})") from exc
    try:
        key = Account.decrypt(keyfile, password)
    except ValueError as exc:
        raise AccountError(f"cannot decrypt the keystore {path}: wrong password or damaged file") from exc
    account: LocalAccount = Account.from_key(key)
    return account
