"""`deploy_dao` with a `registry` section: the ResidentRegistry wired and handed to the timelock; in
transfer-restricted mode the token is restricted before the first mint and the genesis recipients are registered
before the genesis mint; an interrupted restricted deploy resumes without sending anything twice."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from brownie import ActivityRewards, RegionToken, ResidentRegistry, accounts, web3
from eth_account import Account
from helpers import CrashingSender, fresh_key_sender, private_roles, reverts
from web3 import Web3

from furusato.accounts import public_test_addresses
from furusato.artifacts import Artifacts
from furusato.config import RegistryConfig, load_config, load_preset, parse_kind, validate
from furusato.deploy import check_wiring, contract_names, deploy_dao, plan_summary
from furusato.errors import ConfigError, DeployError
from furusato.records import read_record, record_path

pytestmark = pytest.mark.usefixtures("epochs_started")  # reward epochs are months that have started

TOKEN = 10**18
ZERO = "0x0000000000000000000000000000000000000000"
ADMIN_ROLE = b"\x00" * 32
REGISTRAR_ROLE = bytes(Web3.keccak(text="REGISTRAR_ROLE"))
RESIDENT, RELATIONSHIP, SUPPORTER = 0, 1, 2
STAFF = "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f"  # Anvil's public account #8


def _quiet(_line: str) -> None:
    """Progress lines the tests do not read."""


def restricted_config(members_only: bool = True, **kw: Any) -> Any:
    """The `local` preset with a transfer-restricted registry and (as `validate` defaults to) members-only rewards."""
    base = load_config(preset="local")
    registry = RegistryConfig(
        name="Yamakoshi Resident Card", symbol="YRC", registrars=(STAFF,),
        self_registration_kinds=(1 << RELATIONSHIP) | (1 << SUPPORTER), restrict_transfers=True,
        genesis_kind=RELATIONSHIP,
    )  # fmt: skip
    assert base.rewards is not None
    return replace(base, registry=replace(registry, **kw), rewards=replace(base.rewards, members_only=members_only))


ARTIFACTS = Artifacts(Path(__file__).resolve().parents[2])


def deploy(config: Any, sender: Any, records_dir: Path, network: str = "testnet") -> Any:
    """Deploy as on a live network (a journal to resume) when no public test account holds a role in ``config``;
    a config that gives roles to Anvil's public accounts is deployed as on a development chain (refused elsewhere)."""
    from furusato.deploy.preflight import config_roles

    public = public_test_addresses()
    development = any(address.lower() in public for _role, address in config_roles(config))
    return deploy_dao(
        web3, sender, config, ARTIFACTS, network=network, development=development, records_dir=records_dir,
        log=lambda _l: None,
    )  # fmt: skip


@pytest.fixture(scope="module")
def restricted(tmp_path_factory: Any) -> Any:
    sender = fresh_key_sender()
    config = restricted_config()
    record = deploy(config, sender, tmp_path_factory.mktemp("records"))
    return config, record, sender


# ------------------------------------------------------------------------------------------------ config


def test_registry_section_is_validated():
    base = load_config(preset="local")
    raw: dict[str, Any] = {
        "token": {"name": "T", "symbol": "T", "cap": "1000"},
        "governor": {"name": "G", "voting_delay": 1, "voting_period": 10, "quorum_percent": 4},
        "timelock": {"min_delay": 1},
        "registry": {
            "name": "Card", "symbol": "C", "registrars": [STAFF.lower()],
            "self_registration_kinds": ["関係人口", "supporter"], "restrict_transfers": True, "genesis_kind": "住民",
        },
    }  # fmt: skip
    reg = validate(raw, preset="local", source="t").registry
    assert reg == RegistryConfig("Card", "C", (STAFF,), 0b110, True, RESIDENT)
    assert base.registry is not None
    assert not base.registry.restrict_transfers
    assert load_config(preset="town").registry is not None
    assert [parse_kind(k, "k") for k in ("Resident", "サポーター", "relationship population")] == [0, 2, 1]
    for bad, message in [
        ({"self_registration_kinds": ["citizen"]}, "is not a kind"),
        ({"restrict_transfers": "yes"}, "must be true or false"),
        ({"registrars": ["0x1234"]}, "is not an address"),
        ({"colour": "red"}, "unknown key"),
    ]:
        with pytest.raises(ConfigError, match=message):
            validate({**raw, "registry": {**raw["registry"], **bad}}, preset="local", source="t")
    assert validate({**raw, "registry": None}, preset="local", source="t").registry is None


# ------------------------------------------------------------------------------------------------ local preset


def test_local_preset_deploys_an_unrestricted_registry(dao):
    registry = ResidentRegistry.at(dao.record.address("ResidentRegistry"))
    assert "ResidentRegistry" in contract_names(dao.config)
    assert dao.token.transferRegistry() == ZERO
    assert registry.hasRole(REGISTRAR_ROLE, STAFF)
    assert registry.hasRole(ADMIN_ROLE, dao.timelock)
    assert not registry.hasRole(ADMIN_ROLE, accounts[0])
    assert not registry.hasRole(REGISTRAR_ROLE, accounts[0])
    assert registry.selfRegistrationKinds() == 0
    assert dao.record.contracts["ResidentRegistry"].constructor_args == [
        "Furusato Resident Card", "FRC", accounts[0].address,
    ]  # fmt: skip


# ------------------------------------------------------------------------------------------------ restricted


def test_restricted_deploy_checks_out(restricted, artifacts):
    config, record, sender = restricted
    assert record.complete
    checks = check_wiring(web3, artifacts, record, config)
    assert all(c.ok for c in checks), [c.description for c in checks if not c.ok]
    descriptions = {c.description for c in checks}
    expected = {
        "registry admin is the timelock", "deployer holds no registrar role", "registry cards are locked (ERC-5192)",
        "token transfer restriction as configured", f"{STAFF} is a registrar",
    }  # fmt: skip
    assert expected <= descriptions
    token = RegionToken.at(record.address("RegionToken"))
    registry = ResidentRegistry.at(record.address("ResidentRegistry"))
    assert token.transferRegistry() == registry.address
    assert registry.selfRegistrationKinds() == 0b110
    for role in (ADMIN_ROLE, REGISTRAR_ROLE):
        assert not registry.hasRole(role, sender.address)
    assert registry.hasRole(ADMIN_ROLE, record.address("TimelockController"))
    assert registry.memberCount() == len(config.genesis) == registry.countOf(RELATIONSHIP)
    for alloc in config.genesis:
        assert registry.isMember(alloc.to)
        assert token.balanceOf(alloc.to) == alloc.amount
    # the wiring order: restricted before the genesis mint, recipients registered before it too
    steps = list(record.wiring)
    assert steps.index("token: transfers restricted to registered members") < steps.index("token: genesis minted")
    assert steps.index("registry: genesis recipients registered") < steps.index("token: genesis minted")
    assert steps.index("registry: deployer is no longer registrar") > steps.index("token: genesis minted")


def test_restricted_token_refuses_outsiders_and_wiring_check_notices_a_lifted_restriction(
    restricted, artifacts, outsider
):
    config, record, _sender = restricted
    token = RegionToken.at(record.address("RegionToken"))
    member = accounts.at(config.genesis[0].to, force=True)
    with reverts("RegionTokenTransferRestricted", outsider):
        token.transfer(outsider, TOKEN, {"from": member})
    token.transfer(config.genesis[1].to, TOKEN, {"from": member})  # among members: fine
    token.transfer(member, TOKEN, {"from": accounts.at(config.genesis[1].to, force=True)})
    unrestricted = replace(config, registry=replace(config.registry, restrict_transfers=False))
    failed = [c.description for c in check_wiring(web3, artifacts, record, unrestricted) if not c.ok]
    assert failed == ["token transfer restriction as configured"]


def test_restricted_deploy_without_genesis_registers_nobody(artifacts, tmp_path):
    config = replace(restricted_config(registrars=()), genesis=())
    record = deploy(config, fresh_key_sender(), tmp_path)
    registry = ResidentRegistry.at(record.address("ResidentRegistry"))
    assert registry.memberCount() == 0
    assert "registry: genesis recipients registered" not in record.wiring
    assert all(c.ok for c in check_wiring(web3, artifacts, record, config))


def test_deployer_as_registrar_is_refused_before_anything_is_sent(tmp_path):
    sender = fresh_key_sender()
    with pytest.raises(DeployError, match="listed as a registrar"):
        deploy(restricted_config(registrars=(sender.address,)), sender, tmp_path)
    assert web3.eth.get_transaction_count(sender.address) == 0


@pytest.mark.parametrize(
    "step", ["token: transfers restricted", "registry: deployer may register", "registry: genesis"]
)
def test_interrupted_restricted_deploy_resumes(restricted, artifacts, tmp_path, step):
    """Crash right after each restricted-mode step; the second run completes and sends no step twice."""
    config, full, _sender = restricted
    config = private_roles(config)  # resumed as on a live network: no public test account in any role
    names = list(contract_names(config))
    steps = [k for k, v in full.wiring.items() if v]
    (index,) = [i for i, k in enumerate(steps) if k.startswith(step)]
    sender = fresh_key_sender()
    with pytest.raises(KeyboardInterrupt):
        deploy(config, CrashingSender(sender, len(names) + index + 1), tmp_path)
    assert read_record(record_path(tmp_path, "testnet", partial=True)).wiring
    record = deploy(config, sender, tmp_path)
    assert record.complete
    assert web3.eth.get_transaction_count(sender.address) == len(names) + len(steps)
    assert all(c.ok for c in check_wiring(web3, artifacts, record, config))


def test_rewards_to_non_members_are_refused_before_publishing_on_a_restricted_token(restricted, tmp_path):
    """On a transfer-restricted token a push to a non-member would revert and block the push cursor: the plan is
    refused before anything is sent; a plan of members only is published."""
    from furusato.abi import error_selectors
    from furusato.chain import UnlockedSender
    from furusato.errors import InputError
    from furusato.reverts import ErrorDecoder
    from furusato.rewards import plan
    from furusato.rewards.onchain import RewardsDesk, load_plan_folder, publish

    _config, record, _sender = restricted
    examples = Path(__file__).resolve().parents[2] / "examples"
    abi = ARTIFACTS.get("ActivityRewards").abi
    rewards = web3.eth.contract(address=record.address("ActivityRewards"), abi=abi)
    desk = RewardsDesk(web3, UnlockedSender(STAFF), rewards, "testnet", ErrorDecoder(error_selectors([abi])), _quiet)
    outsider = Account.create().address
    log = tmp_path / "log.csv"
    log.write_text(
        "member,activity,quantity,date,note\n"
        f"{outsider},草刈り,2,2026/12/02,not registered\n"
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8,草刈り,2,2026/12/02,member\n",
        encoding="utf-8",
    )
    plan(log, examples / "rewards-policy.yaml", "2026-12", tmp_path / "mixed")
    nonce = web3.eth.get_transaction_count(STAFF)
    with pytest.raises(InputError, match=f"not registered members: {outsider}"):
        publish(desk, load_plan_folder(tmp_path / "mixed"))
    assert web3.eth.get_transaction_count(STAFF) == nonce

    plan(examples / "activity-2026-12.csv", examples / "rewards-policy.yaml", "2026-12", tmp_path / "members")
    state = publish(desk, load_plan_folder(tmp_path / "members"))
    assert state.published


# ------------------------------------------------------------------------------------------------ members-only rewards


def test_members_only_follows_restricted_mode_unless_stated():
    base = load_config(preset="local")
    assert base.rewards is not None
    assert not base.rewards.members_only
    town = load_config(preset="town")
    assert town.rewards is not None
    assert town.registry is not None
    assert town.rewards.members_only
    assert town.registry.restrict_transfers
    raw: dict[str, Any] = {
        "token": {"name": "T", "symbol": "T", "cap": "1000"},
        "governor": {"name": "G", "voting_delay": 1, "voting_period": 10, "quorum_percent": 4},
        "timelock": {"min_delay": 1},
        "rewards": {"challenge_window": 60, "member_cap": "10"},
        "registry": {"name": "Card", "symbol": "C", "restrict_transfers": True},
    }

    def members_only(rewards: dict[str, Any] | None = None, registry: Any = ...) -> bool:
        data = {**raw, "rewards": {**raw["rewards"], **(rewards or {})}}
        if registry is not ...:
            data["registry"] = registry
        config = validate(data, preset="local", source="t")
        assert config.rewards is not None
        return config.rewards.members_only

    assert members_only()  # default: restricted transfers -> members only
    assert not members_only(registry={**raw["registry"], "restrict_transfers": False})
    assert not members_only(registry=None)  # no registry: anyone
    assert not members_only({"members_only": False})
    assert members_only({"members_only": True}, registry={**raw["registry"], "restrict_transfers": False})
    with pytest.raises(ConfigError, match="members_only is true but the config has no 'registry' section"):
        members_only({"members_only": True}, registry=None)
    with pytest.raises(ConfigError, match="members_only must be true or false"):
        members_only({"members_only": "yes"})
    # the town preset states it explicitly, so dropping its registry needs members_only: false too
    with pytest.raises(ConfigError, match="no 'registry' section"):
        validate({**load_preset("town"), "registry": None}, preset="town", source="t")
    assert digest_differs(town)


def digest_differs(config: Any) -> bool:
    """Switching members-only rewards changes the config digest (an unfinished deploy is not resumed across it)."""
    return config.digest() != replace(config, rewards=replace(config.rewards, members_only=False)).digest()


def test_members_only_deploy_wires_the_registry_before_the_deployer_leaves(restricted, artifacts):
    config, record, sender = restricted
    rewards = ActivityRewards.at(record.address("ActivityRewards"))
    assert rewards.memberRegistry() == record.address("ResidentRegistry")
    steps = list(record.wiring)
    assert steps.index("rewards: pays registered members only") < steps.index("rewards: deployer renounced admin")
    checks = {c.description: c.ok for c in check_wiring(web3, artifacts, record, config)}
    assert checks["ActivityRewards pays members only"]
    assert "ActivityRewards pays anyone" not in checks
    anyone = replace(config, rewards=replace(config.rewards, members_only=False))
    failed = [c.description for c in check_wiring(web3, artifacts, record, anyone) if not c.ok]
    assert failed == ["ActivityRewards pays anyone"]
    # governance lifts members-only rewards: the check against the config notices
    rewards.setMemberRegistry(ZERO, {"from": accounts.at(record.address("TimelockController"), force=True)})
    failed = [c.description for c in check_wiring(web3, artifacts, record, config) if not c.ok]
    assert failed == ["ActivityRewards pays members only"]
    assert any("pays registered members ONLY" in line for line in plan_summary(config, sender.address, "testnet"))


def test_local_preset_rewards_pay_anyone(dao, artifacts):
    assert dao.rewards.memberRegistry() == ZERO
    assert "rewards: pays registered members only" not in dao.record.wiring
    checks = {c.description: c.ok for c in check_wiring(web3, artifacts, dao.record, dao.config)}
    assert checks["ActivityRewards pays anyone"]
    assert any("pays anyone in a plan" in line for line in plan_summary(dao.config, accounts[0].address, "dev"))


def test_restricted_deploy_without_members_only_rewards_anyone(artifacts, tmp_path):
    config = replace(restricted_config(members_only=False, registrars=()), genesis=())
    record = deploy(config, fresh_key_sender(), tmp_path)
    assert ActivityRewards.at(record.address("ActivityRewards")).memberRegistry() == ZERO
    assert all(c.ok for c in check_wiring(web3, artifacts, record, config))


def test_members_only_without_a_registry_is_refused_before_anything_is_sent(tmp_path):
    sender = fresh_key_sender()
    base = load_config(preset="local")
    config = replace(base, registry=None, rewards=replace(base.rewards, members_only=True))
    with pytest.raises(DeployError, match="members_only needs a registry"):
        deploy(config, sender, tmp_path)
    assert web3.eth.get_transaction_count(sender.address) == 0


def test_a_member_revoked_after_publishing_is_withheld_reported_and_claims_once_registered(restricted, tmp_path, cli):
    """Publish a plan of members; a registrar revokes one during the challenge window; the push withholds that
    reward (reported by `distribute`, journalled, shown by the CLI); the claim is refused until they are registered
    again, then pays."""
    import json

    from furusato.abi import error_selectors
    from furusato.chain import UnlockedSender, advance_time
    from furusato.errors import InputError
    from furusato.records import write_record
    from furusato.reverts import ErrorDecoder
    from furusato.rewards import plan
    from furusato.rewards.onchain import RewardsDesk, claim, distribute, load_plan_folder, publish

    _config, record, _sender = restricted
    examples = Path(__file__).resolve().parents[2] / "examples"
    abi = ARTIFACTS.get("ActivityRewards").abi
    rewards = web3.eth.contract(address=record.address("ActivityRewards"), abi=abi)
    registry = ResidentRegistry.at(record.address("ResidentRegistry"))
    token = RegionToken.at(record.address("RegionToken"))
    desk = RewardsDesk(web3, UnlockedSender(STAFF), rewards, "testnet", ErrorDecoder(error_selectors([abi])), _quiet)
    plan(examples / "activity-2026-12.csv", examples / "rewards-policy.yaml", "2026-12", tmp_path / "plan")
    folder = load_plan_folder(tmp_path / "plan")
    state = publish(desk, folder)
    index, gone, amount = folder.leaf(1)
    registry.revoke(gone, {"from": STAFF})
    advance_time(web3, state.payable_at - web3.eth.get_block("latest")["timestamp"] + 1)
    before = token.balanceOf(gone)

    lines: list[str] = []
    result = distribute(replace(desk, log=lines.append), folder)
    assert result.withheld == ((index, gone, amount),)
    assert result.paid == folder.leaf_count - 1
    assert result.skipped == 0
    assert result.state.minted == folder.total - amount
    assert any("WITHHELD 1 reward(s)" in line and gone in line for line in lines)
    journal = [json.loads(x) for x in (folder.path / "transactions.jsonl").read_text().splitlines()]
    assert [e.get("withheld") for e in journal if e["action"] == "distribute"] == [[gone]]
    assert token.balanceOf(gone) == before

    with pytest.raises(InputError, match=f"{gone} is not a registered member"):
        claim(desk, folder, gone)
    registry.register(gone, RESIDENT, b"\x00" * 32, {"from": STAFF})
    # the CLI claims it (development account 8 = STAFF signs)
    records = tmp_path / "records"
    write_record(records / "development.json", record)
    out = cli("rewards", "claim", str(folder.path), "--member", gone, deployments=records, dev=8)
    assert out.exit_code == 0, out.output
    assert "withheld at push time" in out.output
    assert "reward claimed" in out.output
    assert token.balanceOf(gone) == before + amount
    assert rewards.functions.isPaid(folder.epoch, index).call()
    assert rewards.functions.epochInfo(folder.epoch).call()[2] == folder.total
    assert claim(desk, folder, gone) is None  # already paid: nothing sent
