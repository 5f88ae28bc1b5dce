"""`deploy_dao`: the record it writes, reproducible bytecode, resuming, and every refusal before anything is sent."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from brownie import accounts, web3
from helpers import CrashingSender, fresh_key_sender, private_roles
from web3 import HTTPProvider, Web3

from furusato.accounts import public_test_addresses
from furusato.chain import UnlockedSender, missing_capabilities
from furusato.config import load_config
from furusato.deploy import check_wiring, contract_names, deploy_dao
from furusato.errors import AccountError, DeployError, UnsupportedChainError
from furusato.records import read_record, record_path

ROOT = Path(__file__).resolve().parents[2]
# timelock roles, 4 exclusions, genesis (grant, mint, revoke), rewards (minter, coordinator, admin, renounce),
# registry (registrar, admin, renounce; transfers not restricted), token and timelock admin hand-over
WIRING_TXS = 3 + 4 + 3 + 4 + 3 + 3
CONTRACTS = contract_names(load_config(preset="local"))
TOTAL_TXS = len(CONTRACTS) + WIRING_TXS


def test_record_has_addresses_transactions_and_compiler_settings(dao):
    record = dao.record
    assert record.complete
    assert record.chain_id == web3.eth.chain_id
    assert record.deployer == accounts[0].address
    assert set(record.contracts) == set(CONTRACTS)
    for name, entry in record.contracts.items():
        receipt = web3.eth.get_transaction_receipt(entry.tx_hash)
        assert receipt["contractAddress"] == entry.address, name
        assert receipt["blockNumber"] == entry.block
        assert web3.eth.get_code(entry.address), name
    assert record.deploy_block == min(c.block for c in record.contracts.values())
    assert record.compiler["version"].startswith("0.8.37+commit.")
    assert record.compiler["evmVersion"] == "cancun"
    assert record.compiler["optimizer"] == {"enabled": True, "runs": 200}
    assert len([h for h in record.wiring.values() if h]) == WIRING_TXS
    assert record.contracts["Treasury"].constructor_args == [record.address("TimelockController")]


def test_record_file_round_trips(dao, tmp_path):
    from furusato.records import write_record

    path = tmp_path / "x.json"
    write_record(path, dao.record)
    assert read_record(path) == dao.record
    assert json.loads(path.read_text())["format"] == "furusato-deployment-v1"


def test_verification_input_reproduces_the_deployed_creation_code(dao, artifacts):
    """Compile the recorded standard-JSON input afresh: creation code + constructor args == each deploy tx's input."""
    record = dao.record
    solc = ROOT / ".tools" / "solcx" / f"solc-v{record.compiler['version'].split('+')[0]}"
    standard_input = record.verification["standardJsonInput"]
    out = subprocess.run(
        [str(solc), "--standard-json", "--allow-paths", str(ROOT)],
        input=json.dumps(standard_input),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    output = json.loads(out.stdout)
    assert not [e for e in output.get("errors", []) if e["severity"] == "error"]
    for name in CONTRACTS:
        path, contract_name = record.verification["contracts"][name].rsplit(":", 1)
        bytecode = output["contracts"][path][contract_name]["evm"]["bytecode"]["object"]
        tx_input = bytes(web3.eth.get_transaction(record.contracts[name].tx_hash)["input"]).hex()
        assert tx_input.startswith(bytecode), f"{name}: recompiled creation code differs from what was deployed"
        assert len(tx_input) > len(bytecode) or name == "__none__"


def test_wiring_check_catches_a_broken_setting(dao, artifacts):
    from dataclasses import replace

    wrong = replace(dao.config, quorum_percent=dao.config.quorum_percent + 1)
    failed = [c.description for c in check_wiring(web3, artifacts, dao.record, wrong) if not c.ok]
    assert failed == ["quorum as configured"]


def test_dry_run_sends_nothing(local_config, artifacts, tmp_path):
    nonce = web3.eth.get_transaction_count(accounts[0].address)
    record = deploy_dao(
        web3,
        UnlockedSender(accounts[0].address),
        local_config,
        artifacts,
        network="development",
        development=True,
        records_dir=tmp_path,
        log=lambda _l: None,
        dry_run=True,
    )
    assert record.contracts == {}
    assert web3.eth.get_transaction_count(accounts[0].address) == nonce
    assert list(tmp_path.iterdir()) == []


def _stopped_deploy(local_config, artifacts, tmp_path, after):
    """A deployment to a network other than development (no public account in any role), from a fresh key, killed
    after ``after`` transactions: (config, sender, deploy_dao's keyword arguments, the unfinished record)."""
    config = private_roles(local_config)
    sender = fresh_key_sender()
    kwargs = dict(network="testnet", development=False, records_dir=tmp_path, log=lambda _l: None)
    with pytest.raises(KeyboardInterrupt):
        deploy_dao(web3, CrashingSender(sender, after), config, artifacts, **kwargs)
    return config, sender, kwargs, read_record(record_path(tmp_path, "testnet", partial=True))


@pytest.mark.parametrize("crash_after", [2, 6, 11, TOTAL_TXS - 1])
def test_interrupted_deploy_resumes_and_sends_nothing_twice(local_config, artifacts, tmp_path, crash_after):
    local_config, sender, kwargs, half = _stopped_deploy(local_config, artifacts, tmp_path, crash_after)
    journal = record_path(tmp_path, "testnet", partial=True)
    assert journal.exists()
    assert not record_path(tmp_path, "testnet").exists()

    record = deploy_dao(web3, sender, local_config, artifacts, **kwargs)

    assert record.complete
    assert not journal.exists()
    for name, entry in half.contracts.items():
        assert record.contracts[name].address == entry.address, f"{name} was deployed twice"
    assert web3.eth.get_transaction_count(sender.address) == TOTAL_TXS
    assert all(c.ok for c in check_wiring(web3, artifacts, record, local_config))


def test_a_retry_with_a_corrected_config_continues_when_what_was_deployed_still_fits(local_config, artifacts, tmp_path):
    """Token, registry and timelock deployed, then a stop; the retry changes only the governor (not deployed yet):
    it continues with the same three contracts instead of refusing and orphaning them."""
    config, sender, kwargs, half = _stopped_deploy(local_config, artifacts, tmp_path, 3)
    assert set(half.contracts) == {"RegionToken", "ResidentRegistry", "TimelockController"}
    corrected = replace(config, governor_name="Yamakoshi Council", quorum_percent=10)
    lines: list[str] = []
    record = deploy_dao(web3, sender, corrected, artifacts, **{**kwargs, "log": lines.append})
    assert any("resuming the unfinished deployment" in line for line in lines)
    for name, entry in half.contracts.items():
        assert record.contracts[name].address == entry.address, name
    assert record.config_digest == corrected.digest()
    assert web3.eth.get_transaction_count(sender.address) == TOTAL_TXS
    assert all(c.ok for c in check_wiring(web3, artifacts, record, corrected))


def test_a_retry_that_no_longer_fits_names_the_orphans_and_restart_starts_over(local_config, artifacts, tmp_path):
    config, sender, kwargs, half = _stopped_deploy(local_config, artifacts, tmp_path, 4)
    other = replace(config, quorum_percent=10)  # the governor was deployed with 4 %
    nonce = web3.eth.get_transaction_count(sender.address)
    with pytest.raises(DeployError) as info:
        deploy_dao(web3, sender, other, artifacts, **kwargs)
    message = str(info.value)
    assert f"orphaned (deployed, unused by the new config): RegionGovernor {half.address('RegionGovernor')}" in message
    assert "RegionToken" not in message.split("orphaned")[1].split("Finish")[0]
    assert "--restart" in message
    assert web3.eth.get_transaction_count(sender.address) == nonce
    record = deploy_dao(web3, sender, other, artifacts, restart=True, **kwargs)
    assert record.address("RegionGovernor") != half.address("RegionGovernor")
    assert read_record(tmp_path / "testnet.partial.abandoned.json").contracts == half.contracts
    assert all(c.ok for c in check_wiring(web3, artifacts, record, other))


TOO_LONG = ": constructor would revert: StringTooLong"


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (
            dict(governor_name="やまこし村デジタル議会ガバナー"),
            "RegionGovernor: constructor would revert: StringTooLong",
        ),
        (
            dict(token_domain_name="やまこしデジタル村民トークン"),
            "RegionToken: constructor would revert: StringTooLong",
        ),
    ],
)
def test_dry_run_simulates_every_constructor_and_fails_where_the_real_run_would(
    local_config, artifacts, tmp_path, change, where
):
    """The trap: a 42-byte Japanese name passed --dry-run and the real deploy stopped after ~6.3M gas. (The config
    loader refuses these names first; here the config is built past it to show the preflight's own simulation.)"""
    config = replace(private_roles(local_config), **change)
    sender = fresh_key_sender()
    kwargs = dict(network="testnet", development=False, records_dir=tmp_path, log=lambda _l: None)
    with pytest.raises(DeployError, match="would stop part-way; nothing was sent") as info:
        deploy_dao(web3, sender, config, artifacts, dry_run=True, **kwargs)
    assert where in str(info.value)
    with pytest.raises(DeployError, match=where.split(":")[0]):
        deploy_dao(web3, sender, config, artifacts, **kwargs)
    assert web3.eth.get_transaction_count(sender.address) == 0
    assert list(tmp_path.iterdir()) == []


def test_simulation_predicts_the_addresses_the_deployment_gets(local_config, artifacts, tmp_path):
    from furusato.deploy.simulate import create_address, deploy_order

    config = private_roles(local_config)
    sender = fresh_key_sender()
    record = deploy_dao(web3, sender, config, artifacts, network="testnet", development=False, records_dir=tmp_path,
                        log=lambda _l: None)  # fmt: skip
    for nonce, name in enumerate(deploy_order(config)):
        assert record.address(name) == create_address(sender.address, nonce), name


def test_live_record_is_not_overwritten_without_force(local_config, artifacts, tmp_path):
    local_config = private_roles(local_config)
    sender = fresh_key_sender()
    kwargs = dict(network="testnet", development=False, records_dir=tmp_path, log=lambda _l: None)
    first = deploy_dao(web3, sender, local_config, artifacts, **kwargs)
    nonce = web3.eth.get_transaction_count(sender.address)
    with pytest.raises(DeployError, match="already records a DAO on testnet"):
        deploy_dao(web3, sender, local_config, artifacts, **kwargs)
    assert web3.eth.get_transaction_count(sender.address) == nonce
    second = deploy_dao(web3, sender, local_config, artifacts, force=True, **kwargs)
    assert second.address("RegionToken") != first.address("RegionToken")
    assert read_record(tmp_path / "testnet.replaced.json").address("RegionToken") == first.address("RegionToken")


def test_public_test_mnemonic_account_is_refused_on_a_live_network(local_config, artifacts, tmp_path):
    assert accounts[0].address.lower() in public_test_addresses()
    nonce = web3.eth.get_transaction_count(accounts[0].address)
    with pytest.raises(AccountError, match="public test mnemonic"):
        deploy_dao(
            web3,
            UnlockedSender(accounts[0].address),
            local_config,
            artifacts,
            network="testnet",
            development=False,
            records_dir=tmp_path,
            log=lambda _l: None,
        )
    assert web3.eth.get_transaction_count(accounts[0].address) == nonce
    assert list(tmp_path.iterdir()) == []


def test_development_anvil_has_every_cancun_capability():
    assert missing_capabilities(web3) == []


def test_chain_without_cancun_is_refused_before_anything_is_sent(start_anvil, local_config, artifacts, tmp_path):
    url = start_anvil("--hardfork", "shanghai")
    w3 = Web3(HTTPProvider(url))
    deployer = Web3.to_checksum_address(w3.eth.accounts[0])
    missing = missing_capabilities(w3)
    assert "MCOPY (Cancun, EIP-5656)" in missing
    assert "TSTORE/TLOAD (Cancun, EIP-1153)" in missing
    assert "PUSH0 (Shanghai, EIP-3855)" not in missing
    with pytest.raises(UnsupportedChainError, match=r"does not support .*MCOPY") as exc:
        deploy_dao(
            w3,
            UnlockedSender(deployer),
            local_config,
            artifacts,
            network="old-chain",
            development=True,
            records_dir=tmp_path,
            log=lambda _l: None,
        )
    assert "Nothing was deployed" in str(exc.value)
    assert w3.eth.get_transaction_count(deployer) == 0
    assert list(tmp_path.iterdir()) == []


def test_pre_shanghai_chain_is_reported_missing_push0_too(start_anvil):
    w3 = Web3(HTTPProvider(start_anvil("--hardfork", "paris")))
    assert "PUSH0 (Shanghai, EIP-3855)" in missing_capabilities(w3)


@pytest.mark.parametrize(
    ("role", "change"),
    [
        ("governor.guardian", lambda c, a: replace(c, guardian=a)),
        ("rewards.coordinators[0]", lambda c, a: replace(c, rewards=replace(c.rewards, coordinators=(a,)))),
        ("registry.registrars[0]", lambda c, a: replace(c, registry=replace(c.registry, registrars=(a,)))),
        ("genesis[2].to", lambda c, a: replace(c, genesis=(*c.genesis[:2], replace(c.genesis[2], to=a)))),
    ],
)
def test_a_public_test_account_in_any_role_is_refused_off_development(local_config, artifacts, tmp_path, role, change):
    """The trap: a config naming Anvil's public account #9 as guardian was deployed to a live network."""
    private = private_roles(local_config)
    public = accounts[9].address
    config = change(private, public)
    sender = fresh_key_sender()
    kwargs = dict(network="testnet", development=False, records_dir=tmp_path, log=lambda _l: None)
    with pytest.raises(DeployError) as info:
        deploy_dao(web3, sender, config, artifacts, dry_run=True, **kwargs)
    assert f"{role} {public}" in str(info.value)
    assert "public test mnemonic" in str(info.value)
    assert web3.eth.get_transaction_count(sender.address) == 0
    assert list(tmp_path.iterdir()) == []
    # the same config on a development chain is the demo's: allowed
    deploy_dao(web3, sender, config, artifacts, dry_run=True, **{**kwargs, "development": True})


def test_a_long_japanese_name_deploys_with_its_own_short_domain_name(local_config, artifacts, tmp_path):
    """ERC-20/721 names as the town writes them; the EIP-712 domain (what wallets show when signing) fits 31 bytes."""
    long_name = "やまこしデジタル村民トークン"  # 42 UTF-8 bytes
    config = replace(
        local_config, token_name=long_name, token_domain_name="山古志トークン",
        registry=replace(local_config.registry, name="やまこし村ふるさと住民登録カード"),
    )  # fmt: skip
    record = deploy_dao(web3, UnlockedSender(accounts[0].address), config, artifacts, network="development",
                        development=True, records_dir=tmp_path, log=lambda _l: None)  # fmt: skip
    token = web3.eth.contract(address=record.address("RegionToken"), abi=artifacts.get("RegionToken").abi)
    assert token.functions.name().call() == long_name
    assert token.functions.eip712Domain().call()[1] == "山古志トークン"
    assert all(c.ok for c in check_wiring(web3, artifacts, record, config))
