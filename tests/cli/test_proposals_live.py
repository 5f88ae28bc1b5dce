"""The governance commands through the real doors on a live network (a separately started Anvil registered as a
non-development Brownie network): keystore accounts only, the public test mnemonic refused, no key in any output,
and the relayer started with one command, signing with a keystore and answering over HTTP."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import yaml
from eth_account import Account
from eth_account.messages import encode_typed_data
from web3 import Web3

from furusato.artifacts import Artifacts
from furusato.ballots import export_ballot
from furusato.config import load_config
from furusato.governance import Support
from furusato.proposals import load_dao
from furusato.records import read_record

ROOT = Path(__file__).resolve().parents[2]
ANVIL_KEY_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"  # public test mnemonic, #0


def gov(live: Any, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a governance command as a user would (`furusato …`; here through the module's own entry point)."""
    command = [sys.executable, "-m", "furusato.cli", *args]
    return subprocess.run(command, cwd=ROOT, env=live.env, capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)  # fmt: skip


def test_governance_commands_on_a_live_network_with_keystores(live_network):
    w3 = live_network.w3
    key = Account.create().key
    ks, pw, address = live_network.keystore(key)
    live_network.fund(address)
    records = live_network.tmp / "deployments"
    deployed = live_network.furusato("deploy", "--network", "furusato-live", "--keystore", str(ks), "--password-file",
                                     str(pw), "--config", str(live_network.town_config()), "--yes", "--deployments",
                                     str(records))  # fmt: skip
    assert deployed.returncode == 0, deployed.stderr
    net = ["--network", "furusato-live", "--deployments", str(records)]

    # A genesis holder (impersonated on the stand-in) gives the keystore member votes.
    dao = load_dao(w3, read_record(records / "furusato-live.json"), Artifacts(ROOT))
    holder = live_network.act_as(load_config(live_network.tmp / "town.yaml").genesis[0].to)
    voter = Account.create()
    w3.eth.wait_for_transaction_receipt(
        dao.token.functions.transfer(voter.address, 500 * 10**18).transact({"from": holder})
    )
    # The proposer's tokens arrive in the chain's latest block, and nothing is mined until `proposal create` below
    # (the refused commands send nothing): its votes are then one second too young to propose, however long the
    # commands take on a loaded machine.
    tx = dao.token.functions.transfer(address, 1_000 * 10**18).transact({"from": holder})
    w3.eth.wait_for_transaction_receipt(tx)

    public_ks, public_pw, _ = live_network.keystore(ANVIL_KEY_0)
    refused = gov(live_network, "delegate", "self", *net, "--keystore", str(public_ks), "--password-file",
                  str(public_pw), "--yes")  # fmt: skip
    assert refused.returncode == 2
    assert "public test mnemonic" in refused.stderr
    needs = gov(live_network, "relayer", "serve", *net)
    assert needs.returncode == 2
    assert "is a live network: name a keystore" in needs.stderr

    spec = live_network.tmp / "spec.yaml"
    action = {"kind": "governor_setting", "setting": "voting_period", "value": "2 hours"}
    spec.write_text(yaml.safe_dump({"title": "ライブ", "description": "live", "actions": [action]}, allow_unicode=True))
    keystore = ["--keystore", str(ks), "--password-file", str(pw)]
    early = gov(live_network, "proposal", "create", str(spec), *net, *keystore, "--yes")
    assert early.returncode == 2
    assert "they count for proposing from the next second on" in early.stderr
    w3.provider.make_request("evm_increaseTime", [2])
    w3.provider.make_request("evm_mine", [])
    created = gov(live_network, "proposal", "create", str(spec), *net, *keystore, "--yes")
    assert created.returncode == 0, created.stderr
    output = created.stdout + created.stderr
    assert key.hex() not in output
    assert key.hex()[2:] not in output
    pid = int(created.stdout.split("proposed ")[1].split(":")[0])
    w3.provider.make_request("evm_increaseTime", [61])
    w3.provider.make_request("evm_mine", [])

    # The relayer, one command, paying from the keystore account.
    log = live_network.tmp / "relayer.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "furusato.cli", "relayer", "serve", *net, "--keystore", str(ks),
         "--password-file", str(pw), "--port", "0", "--log", str(log)],
        cwd=ROOT, env=live_network.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        line = ""
        for _ in range(300):
            line = proc.stdout.readline() if proc.stdout else ""
            if "listening on" in line or proc.poll() is not None:
                break
        assert "listening on http://127.0.0.1:" in line, line + (proc.stderr.read() if proc.poll() is not None else "")
        url = line.rsplit(" ", 1)[1].strip()
        typed = json.loads(json.dumps(export_ballot(dao, pid, Support.For, voter.address)))
        signature = Account.sign_message(encode_typed_data(full_message=typed), private_key=voter.key).signature
        body = json.dumps({"typedData": typed, "signature": "0x" + bytes(signature).hex()}).encode()
        request = urllib.request.Request(url + "/ballot", data=body, method="POST")
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.loads(response.read())
        receipt = w3.eth.wait_for_transaction_receipt(answer["tx"])
        assert receipt["status"] == 1
        assert Web3.to_checksum_address(receipt["from"]) == address
        assert dao.governor.functions.hasVoted(pid, voter.address).call()
        time.sleep(0.1)
        assert key.hex()[2:] not in log.read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    shown = gov(live_network, "proposal", "show", str(pid), *net)
    assert "for 500" in shown.stdout
