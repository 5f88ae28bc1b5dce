"""A live network reached by RPC URL with a keystore account: a separately started Anvil stands in for a testnet.

The network is added to Brownie as a non-development network (in a throw-away Brownie data folder), and the
deployment goes through the real doors, `furusato deploy` and `brownie run scripts/deploy.py live`, in subprocesses.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from eth_account import Account
from web3 import HTTPProvider, Web3

from furusato.artifacts import Artifacts
from furusato.config import load_config
from furusato.deploy import check_wiring, contract_names
from furusato.records import read_record

ROOT = Path(__file__).resolve().parents[2]
ANVIL_KEY_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"  # public test mnemonic, #0


@pytest.fixture
def live(start_anvil, tmp_path):
    """A separately started Anvil registered in a fresh Brownie data folder as the live network `furusato-live`."""
    url = start_anvil()
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home)}
    env.pop("FURUSATO_PASSWORD_FILE", None)
    brownie = shutil.which("brownie")
    assert brownie, "brownie is not on PATH: run the tests through `make test`"
    subprocess.run(
        [brownie, "networks", "add", "Ethereum", "furusato-live", f"host={url}", "chainid=31337"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    listed = subprocess.run([brownie, "networks", "list"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert "furusato-live" in listed.stdout
    return {"url": url, "env": env, "w3": Web3(HTTPProvider(url)), "tmp": tmp_path}


def keystore(tmp_path: Path, key: bytes | str, password: str = "correct horse") -> tuple[Path, Path, str]:
    account = Account.from_key(key)
    path = tmp_path / f"{account.address}.json"
    path.write_text(json.dumps(Account.encrypt(account.key, password, kdf="pbkdf2", iterations=1024)))
    pw = tmp_path / "password.txt"
    pw.write_text(password + "\n")
    return path, pw, account.address


def furusato(live, *args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("furusato")
    assert exe, "the furusato command is not on PATH: run the tests through `make test`"
    return subprocess.run(
        [exe, *args], cwd=ROOT, env=live["env"], capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL
    )


def test_cli_deploys_to_a_live_network_with_a_keystore_account(live):
    w3 = live["w3"]
    key = Account.create().key
    ks, pw, address = keystore(live["tmp"], key)
    w3.provider.make_request("anvil_setBalance", [address, hex(50 * 10**18)])
    records = live["tmp"] / "deployments"

    result = furusato(
        live, "deploy", "--network", "furusato-live", "--keystore", str(ks), "--password-file", str(pw),
        "--preset", "local", "--yes", "--deployments", str(records),
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    assert key.hex() not in result.stdout + result.stderr
    record = read_record(records / "furusato-live.json")
    assert record.network == "furusato-live"
    assert record.deployer == address
    assert record.chain_id == 31337
    for name in contract_names(load_config(preset="local")):
        assert w3.eth.get_code(record.address(name)), name
    checks = check_wiring(w3, Artifacts(ROOT), record, load_config(preset="local"))
    assert [c.description for c in checks if not c.ok] == []

    again = furusato(
        live, "deploy", "--network", "furusato-live", "--keystore", str(ks), "--password-file", str(pw),
        "--preset", "local", "--yes", "--deployments", str(records),
    )  # fmt: skip
    assert again.returncode == 2
    assert "already records a DAO on furusato-live" in again.stderr


def test_cli_refuses_the_public_test_mnemonic_on_a_live_network(live):
    w3 = live["w3"]
    ks, pw, address = keystore(live["tmp"], ANVIL_KEY_0)
    nonce = w3.eth.get_transaction_count(address)
    result = furusato(
        live, "deploy", "--network", "furusato-live", "--keystore", str(ks), "--password-file", str(pw),
        "--yes", "--deployments", str(live["tmp"] / "d"),
    )  # fmt: skip
    assert result.returncode == 2
    assert "public test mnemonic" in result.stderr
    assert w3.eth.get_transaction_count(address) == nonce
    assert not (live["tmp"] / "d").exists()


def test_cli_needs_a_keystore_on_a_live_network(live):
    result = furusato(live, "deploy", "--network", "furusato-live", "--yes")
    assert result.returncode == 2
    assert "is a live network: name a keystore" in result.stderr


def test_cli_reports_a_wrong_keystore_password(live):
    ks, _pw, _address = keystore(live["tmp"], Account.create().key)
    wrong = live["tmp"] / "wrong.txt"
    wrong.write_text("not the password")
    result = furusato(
        live, "deploy", "--network", "furusato-live", "--keystore", str(ks), "--password-file", str(wrong), "--yes"
    )
    assert result.returncode == 2
    assert "wrong password or damaged file" in result.stderr


def test_brownie_run_live_entry_point_deploys_with_a_keystore(live):
    w3 = live["w3"]
    ks, pw, address = keystore(live["tmp"], Account.create().key)
    w3.provider.make_request("anvil_setBalance", [address, hex(50 * 10**18)])
    records = live["tmp"] / "records"
    env = {
        **live["env"],
        "FURUSATO_KEYSTORE": str(ks),
        "FURUSATO_PASSWORD_FILE": str(pw),
        "FURUSATO_PRESET": "local",
        "FURUSATO_DEPLOYMENTS": str(records),
    }
    brownie = shutil.which("brownie")
    assert brownie
    result = subprocess.run(
        [brownie, "run", "scripts/deploy.py", "live", "--network", "furusato-live"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    record = read_record(records / "furusato-live.json")
    assert record.deployer == address
    assert record.complete
