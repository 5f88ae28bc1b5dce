"""Fixtures of the CLI and script tests: a live network (a separately started Anvil registered with Brownie).

The in-process CLI runner (`cli`) is in tests/conftest.py: integration tests use it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class LiveNetwork:
    """A separately started Anvil registered as the non-development Brownie network `furusato-live`.

    Brownie's data folder is a throw-away HOME, so the developer's own network list is never touched.
    """

    url: str
    env: dict[str, str]
    tmp: Path

    @property
    def w3(self) -> Any:
        from web3 import HTTPProvider, Web3

        return Web3(HTTPProvider(self.url))

    def keystore(self, key: bytes | str, password: str = "correct horse") -> tuple[Path, Path, str]:
        """Write an encrypted keystore and a password file for ``key``; return (keystore, password file, address)."""
        import json

        account = Account.from_key(key)
        path = self.tmp / f"{account.address}.json"
        path.write_text(json.dumps(Account.encrypt(account.key, password, kdf="pbkdf2", iterations=1024)))
        pw = self.tmp / f"{account.address}.password"
        pw.write_text(password + "\n")
        return path, pw, account.address

    def fund(self, address: str, eth: int = 50) -> None:
        self.w3.provider.make_request("anvil_setBalance", [address, hex(eth * 10**18)])

    def command(self, *args: str) -> list[str]:
        import shutil

        exe = shutil.which("furusato")
        assert exe, "the furusato command is not on PATH: run the tests through `make test`"
        return [exe, *args]

    def furusato(self, *args: str, env: dict[str, str] | None = None) -> Any:
        """Run the `furusato` command as a user would, without a terminal; return the CompletedProcess."""
        import subprocess

        return subprocess.run(
            self.command(*args), cwd=ROOT, env=env or self.env, capture_output=True, text=True, timeout=600,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip


@pytest.fixture
def live_network(start_anvil: Any, tmp_path: Path) -> LiveNetwork:
    import os
    import shutil
    import subprocess

    url = start_anvil()
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home)}
    env.pop("FURUSATO_PASSWORD_FILE", None)
    brownie = shutil.which("brownie")
    assert brownie, "brownie is not on PATH: run the tests through `make test`"
    subprocess.run(
        [brownie, "networks", "add", "Ethereum", "furusato-live", f"host={url}", "chainid=31337"],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )  # fmt: skip
    return LiveNetwork(url=url, env=env, tmp=tmp_path)
