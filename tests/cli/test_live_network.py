"""A live network reached by RPC URL with a keystore account: a separately started Anvil stands in for a testnet.

The network is added to Brownie as a non-development network (in a throw-away Brownie data folder, see the
`live_network` fixture), and the deployment goes through the real doors, `furusato deploy` and
`brownie run scripts/deploy.py live`, in subprocesses.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from eth_account import Account

from furusato.artifacts import Artifacts
from furusato.config import load_config
from furusato.deploy import check_wiring, contract_names
from furusato.records import read_record

ROOT = Path(__file__).resolve().parents[2]
ANVIL_KEY_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"  # public test mnemonic, #0


def deploy_args(ks: Path, pw: Path, records: Path, config: Path) -> list[str]:
    return ["deploy", "--network", "furusato-live", "--keystore", str(ks), "--password-file", str(pw),
            "--config", str(config), "--yes", "--deployments", str(records)]  # fmt: skip


def test_the_separate_anvil_is_a_non_development_brownie_network(live_network):
    listed = subprocess.run(
        [shutil.which("brownie"), "networks", "list"], cwd=ROOT, env=live_network.env, capture_output=True, text=True
    )
    assert "furusato-live" in listed.stdout


def test_cli_deploys_to_a_live_network_with_a_keystore_account(live_network):
    w3 = live_network.w3
    key = Account.create().key
    ks, pw, address = live_network.keystore(key)
    live_network.fund(address)
    records = live_network.tmp / "deployments"

    result = live_network.furusato(*deploy_args(ks, pw, records, live_network.town_config()))

    assert result.returncode == 0, result.stdout + result.stderr
    assert key.hex() not in result.stdout + result.stderr
    record = read_record(records / "furusato-live.json")
    assert record.network == "furusato-live"
    assert record.deployer == address
    assert record.chain_id == 31337
    config = load_config(live_network.tmp / "town.yaml")
    for name in contract_names(config):
        assert w3.eth.get_code(record.address(name)), name
    checks = check_wiring(w3, Artifacts(ROOT), record, config)
    assert [c.description for c in checks if not c.ok] == []

    again = live_network.furusato(*deploy_args(ks, pw, records, live_network.town_config()))
    assert again.returncode == 2
    assert "already records a DAO on furusato-live" in again.stderr


def test_cli_refuses_the_public_test_mnemonic_on_a_live_network(live_network):
    ks, pw, address = live_network.keystore(ANVIL_KEY_0)
    nonce = live_network.w3.eth.get_transaction_count(address)
    result = live_network.furusato(*deploy_args(ks, pw, live_network.tmp / "d", live_network.town_config()))
    assert result.returncode == 2
    assert "public test mnemonic" in result.stderr
    assert live_network.w3.eth.get_transaction_count(address) == nonce
    assert not (live_network.tmp / "d").exists()


def test_cli_needs_a_keystore_on_a_live_network(live_network):
    result = live_network.furusato("deploy", "--network", "furusato-live", "--yes")
    assert result.returncode == 2
    assert "is a live network: name a keystore" in result.stderr


def test_cli_reports_a_wrong_keystore_password(live_network):
    ks, _pw, _address = live_network.keystore(Account.create().key)
    wrong = live_network.tmp / "wrong.txt"
    wrong.write_text("not the password")
    result = live_network.furusato(*deploy_args(ks, wrong, live_network.tmp / "d", live_network.town_config()))
    assert result.returncode == 2
    assert "wrong password or damaged file" in result.stderr


PLAN_LAST_LINE = "then the deployer renounces every role it held"


def test_cli_preflight_refusal_comes_before_the_plan_and_the_question(live_network):
    """An unfunded deployer is refused by the preflight: no plan, no question, nothing sent or written."""
    ks, pw, address = live_network.keystore(Account.create().key)
    config = live_network.town_config()
    args = [
        a for a in deploy_args(ks, pw, live_network.tmp / "d", config) if a != "--yes"
    ]  # would ask, if it got that far
    result = live_network.furusato(*args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"the deployer {address} has no ETH on furusato-live" in result.stderr
    assert PLAN_LAST_LINE not in result.stdout
    assert "Deploy to" not in result.stdout
    assert "not on a terminal" not in result.stderr  # the question's own precondition was never reached
    assert live_network.w3.eth.get_transaction_count(address) == 0
    assert not (live_network.tmp / "d").exists()


def test_cli_prints_the_plan_once_then_asks_then_deploys(live_network):
    """On a terminal: the plan once, the question, and after "y" the steps (without the plan again)."""
    import os
    import pty

    ks, pw, address = live_network.keystore(Account.create().key)
    live_network.fund(address)
    records = live_network.tmp / "deployments"
    args = [a for a in deploy_args(ks, pw, records, live_network.town_config()) if a != "--yes"]
    controller, terminal = pty.openpty()
    try:
        os.write(controller, b"y\n")
        result = subprocess.run(
            live_network.command(*args), cwd=ROOT, env=live_network.env, stdin=terminal, capture_output=True,
            text=True, timeout=600,
        )  # fmt: skip
    finally:
        os.close(terminal)
        os.close(controller)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert out.count(PLAN_LAST_LINE) == 1
    assert out.count("network furusato-live, deployer") == 1
    assert out.index(PLAN_LAST_LINE) < out.index("Deploy to 'furusato-live'?") < out.index("  RegionToken: 0x")
    # the `local` preset's 60 s timelock delay is right on a development chain, and named before the question here
    warned = out.index("warning: timelock.min_delay is 60 s: ")
    assert warned < out.index("Deploy to 'furusato-live'?")
    assert read_record(records / "furusato-live.json").deployer == address


def test_brownie_run_live_entry_point_deploys_with_a_keystore(live_network):
    ks, pw, address = live_network.keystore(Account.create().key)
    live_network.fund(address)
    records = live_network.tmp / "records"
    env = {
        **live_network.env,
        "FURUSATO_KEYSTORE": str(ks),
        "FURUSATO_PASSWORD_FILE": str(pw),
        "FURUSATO_CONFIG": str(live_network.town_config()),
        "FURUSATO_DEPLOYMENTS": str(records),
    }
    brownie = shutil.which("brownie")
    assert brownie
    result = subprocess.run(
        [brownie, "run", "scripts/deploy.py", "live", "--network", "furusato-live"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    record = read_record(records / "furusato-live.json")
    assert record.deployer == address
    assert record.complete


def test_cli_refuses_a_public_test_account_as_guardian_on_a_live_network(live_network):
    """The trap: a config without the guardian line fell back to Anvil's public account #9 and was deployed."""
    ks, pw, address = live_network.keystore(Account.create().key)
    live_network.fund(address)
    public_guardian = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720"  # Anvil's public account #9
    config = live_network.town_config(governor={"guardian": public_guardian})
    result = live_network.furusato(*deploy_args(ks, pw, live_network.tmp / "d", config))
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"governor.guardian {public_guardian}" in result.stderr
    assert "Traceback" not in result.stderr
    assert live_network.w3.eth.get_transaction_count(address) == 0
    assert not (live_network.tmp / "d").exists()


def test_cli_refuses_a_config_without_preset_and_a_key_typo(live_network, tmp_path):
    ks, pw, _address = live_network.keystore(Account.create().key)
    bare = tmp_path / "bare.yaml"
    bare.write_text("token: {name: 山古志トークン, symbol: YMK}\n", encoding="utf-8")
    result = live_network.furusato(*deploy_args(ks, pw, tmp_path / "d", bare))
    assert result.returncode == 2
    assert "does not say which preset it extends" in result.stderr
    typo = tmp_path / "typo.yaml"
    typo.write_text("preset: town\ngovernor: {quorum_precent: 10}\n", encoding="utf-8")
    result = live_network.furusato(*deploy_args(ks, pw, tmp_path / "d", typo))
    assert result.returncode == 2
    assert "did you mean 'governor.quorum_percent'?" in result.stderr
