"""Fixtures of the CLI and script tests: a live network (a separately started Anvil registered with Brownie).

The in-process CLI runner (`cli`) is in tests/conftest.py: integration tests use it too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import EPOCHS_STARTED_AT
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

    def town_config(self, name: str = "town.yaml", **sections: Any) -> Path:
        """Write a deploy config for this live network: the `local` preset (short delays) with every role the
        preset gives to Anvil's public accounts moved to an address of no published key (a deploy to any network
        but `development` refuses public accounts in any role), then ``sections`` merged over it.
        The genesis holders are those of :func:`helpers.private_roles` (act as one with :meth:`act_as`)."""
        import yaml
        from helpers import private_roles

        from furusato.config import load_config

        config = private_roles(load_config(preset="local"))
        assert config.rewards is not None
        assert config.registry is not None
        data: dict[str, Any] = {
            "preset": "local",
            "governor": {"guardian": config.guardian},
            "genesis": [{"to": a.to, "amount": str(a.amount // 10**18)} for a in config.genesis],
            "rewards": {"coordinators": list(config.rewards.coordinators)},
            "registry": {"registrars": list(config.registry.registrars)},
        }
        for key, value in sections.items():
            data[key] = {**data[key], **value} if isinstance(value, dict) and isinstance(data.get(key), dict) else value
        path = self.tmp / name
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    def act_as(self, address: str) -> str:
        """Let the test send as ``address`` (Anvil impersonation), with ETH for gas; return the address."""
        self.w3.provider.make_request("anvil_impersonateAccount", [address])
        self.fund(address)
        return address

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


def _live(start_anvil: Any, tmp_path: Path, *anvil_args: str) -> LiveNetwork:
    import os
    import shutil
    import subprocess

    url = start_anvil(*anvil_args)
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


@pytest.fixture
def live_network(start_anvil: Any, tmp_path: Path) -> LiveNetwork:
    return _live(start_anvil, tmp_path)


#: Seconds between blocks of the testnet-like stand-in (Sepolia and mainnet: 12 s; every read after a transaction
#: must see it even though nothing is mined on demand).
BLOCK_TIME = 2


@pytest.fixture
def testnet_like(start_anvil: Any, tmp_path: Path) -> LiveNetwork:
    """A live network that behaves like a testnet: Anvil mines a block every ``BLOCK_TIME`` seconds, never on
    demand, so a transaction waits for its block and reads right after it must not be stale."""
    # its clock starts at a month whose reward epoch has begun (epochs are calendar months that have started)
    started = str(max(EPOCHS_STARTED_AT, int(time.time())))
    return _live(start_anvil, tmp_path, "--block-time", str(BLOCK_TIME), "--timestamp", started)
