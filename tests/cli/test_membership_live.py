"""The registry and sale commands through the real doors on a live network (a separately started Anvil registered
as the non-development Brownie network `furusato-live`): `furusato registry import|stats` and `furusato sale
start|status` with a keystore account, the public test mnemonic refused, no key in any output, and
`brownie run scripts/membership.py cli` on the same network."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from eth_account import Account
from web3 import Web3

from furusato.artifacts import Artifacts
from furusato.config import load_config
from furusato.records import read_record

ROOT = Path(__file__).resolve().parents[2]
ANVIL_KEY_8 = "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97"  # public mnemonic, the registrar
TOKEN = 10**18


def test_registry_import_and_sale_status_on_a_live_network_with_a_keystore(live_network):
    w3 = live_network.w3
    deployer_ks, deployer_pw, deployer = live_network.keystore(Account.create().key)
    live_network.fund(deployer)
    key = Account.create().key  # town staff (registrar), who also proposes the sale
    ks, pw, address = live_network.keystore(key)
    live_network.fund(address)
    keystore = ["--keystore", str(ks), "--password-file", str(pw)]
    records = live_network.tmp / "deployments"
    net = ["--network", "furusato-live", "--deployments", str(records)]
    config = live_network.town_config(registry={"registrars": [address]})
    deployed = live_network.furusato("deploy", "--config", str(config), "--keystore", str(deployer_ks),
                                     "--password-file", str(deployer_pw), "--yes", *net)  # fmt: skip
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    record = read_record(records / "furusato-live.json")
    registry = w3.eth.contract(address=record.address("ResidentRegistry"),
                               abi=Artifacts(ROOT).get("ResidentRegistry").abi)  # fmt: skip

    new = [Account.create().address for _ in range(3)]
    csv_path = live_network.tmp / "members.csv"
    csv_path.write_text(f"member,kind\n{new[0]},住民\n{new[1]},関係人口\n{new[2]},supporter\n", encoding="utf-8")

    # the public test mnemonic's registrar key and a missing keystore are refused before anything is sent
    public_ks, public_pw, public = live_network.keystore(ANVIL_KEY_8)
    sent = w3.eth.get_transaction_count(public)
    refused = live_network.furusato("registry", "import", str(csv_path), *net, "--keystore", str(public_ks),
                                    "--password-file", str(public_pw), "--yes")  # fmt: skip
    assert refused.returncode == 2
    assert "public test mnemonic" in refused.stderr
    assert w3.eth.get_transaction_count(public) == sent
    anonymous = live_network.furusato("registry", "import", str(csv_path), *net, "--yes")
    assert anonymous.returncode == 2
    assert "is a live network: name a keystore" in anonymous.stderr
    assert registry.functions.memberCount().call() == 0

    imported = live_network.furusato("registry", "import", str(csv_path), *net, *keystore, "--yes")
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "registered 3, already registered 0" in imported.stdout
    assert key.hex()[2:] not in imported.stdout + imported.stderr
    assert [registry.functions.card(registry.functions.cardOf(a).call()).call()[1] for a in new] == [0, 1, 2]
    sent = w3.eth.get_transaction_count(address)
    again = live_network.furusato("registry", "import", str(csv_path), *net, *keystore, "--yes")
    assert again.returncode == 0, again.stderr
    assert "3 already registered, 0 to register" in again.stdout
    assert w3.eth.get_transaction_count(address) == sent

    stats = live_network.furusato("registry", "stats", *net)
    assert stats.returncode == 0, stats.stderr
    assert re.search(r"total\s+3\n", stats.stdout)

    # a sale proposed by the keystore member (votes from a genesis holder), then read by `sale status`
    token = w3.eth.contract(address=record.address("RegionToken"), abi=Artifacts(ROOT).get("RegionToken").abi)
    holder = live_network.act_as(load_config(config).genesis[0].to)
    tx = token.functions.transfer(address, 1_000 * TOKEN).transact({"from": holder})
    w3.eth.wait_for_transaction_receipt(tx)
    w3.provider.make_request("evm_increaseTime", [2])
    w3.provider.make_request("evm_mine", [])
    terms = live_network.tmp / "terms.yaml"
    terms.write_text('price: "0.001"\nopens_at: "in 1 hour"\ncloses_at: "+7 days"\nhard_cap: "1000"\n'
                     'buyer_cap: "100"\ngoal: "200"\ndescription: "live sale"\n', encoding="utf-8")  # fmt: skip
    started = live_network.furusato("sale", "start", str(terms), *net, *keystore, "--yes")
    assert started.returncode == 0, started.stdout + started.stderr
    assert key.hex()[2:] not in started.stdout + started.stderr
    sale = Web3.to_checksum_address(re.search(r"TokenSale deployed at (0x[0-9a-fA-F]{40})", started.stdout)[1])
    assert w3.eth.get_code(sale)
    status = live_network.furusato("sale", "status", sale, *net, "--buyer", new[0])
    assert status.returncode == 0, status.stderr
    assert f"sale {sale}: Pending" in status.stdout
    assert "sold 0 of 1,000 tokens (goal 200, per buyer 100); raised 0 ETH" in status.stdout
    assert f"buyers: registered members of {registry.address}" in status.stdout
    assert f"{new[0]}: bought 0 tokens, paid 0 ETH" in status.stdout

    # the brownie script's cli entry on the same live network
    brownie = shutil.which("brownie")
    assert brownie
    env = {**live_network.env, "FURUSATO_ARGS": f"sale status {sale} --deployments {records}"}
    run = subprocess.run(
        [brownie, "run", "scripts/membership.py", "cli", "--network", "furusato-live"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert f"sale {sale}: Pending" in run.stdout
