"""Fixture library for the whole suite (Curve/Yearn style).

Layout: isolation → actors (role accounts) → configuration → deployments in dependency order → the deployment record
and the CLI runner → factories → open proposals → other chains. Fixtures used by one folder only live in that folder's
conftest.py (tests/contracts/…, tests/cli/); helpers that are plain functions live in tests/helpers.py.
Every chain test runs on Anvil started by Brownie, inside a snapshot that is reverted afterwards (fn_isolation),
so tests never see each other's transactions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from brownie import (
    ActivityRewards,
    Contract,
    RegionGovernor,
    RegionTimelock,
    RegionToken,
    ResidentRegistry,
    Treasury,
    accounts,
    chain,
    web3,
)
from eth_account import Account
from helpers import advance, fresh_key_sender, w3c
from web3 import Web3

from furusato.artifacts import Artifacts
from furusato.chain import UnlockedSender
from furusato.config import DeployConfig, load_config
from furusato.deploy import deploy_dao
from furusato.governance import Proposal, call_action
from furusato.networks import stop_process

ROOT = Path(__file__).resolve().parent.parent
#: 2027-02-01 00:00 JST. ActivityRewards publishes an epoch (a calendar month) only once it has started: modules that
#: publish use the `epochs_started` fixture, which moves their chain past the months the tests use (202612, 202701)
#: whatever today's date is. (Not every module: some compare the chain with the wall clock.)
EPOCHS_STARTED_AT = 1801407600
ETH = "0x0000000000000000000000000000000000000000"
TOKEN = 10**18


# ------------------------------------------------------------------------------------------------ isolation


@pytest.fixture(scope="module", autouse=True)
def mod_isolation(module_isolation: Any) -> None:
    """Each test module starts from the same empty chain."""


@pytest.fixture(scope="module")
def epochs_started(mod_isolation: Any) -> None:
    """The module's chain clock past ``EPOCHS_STARTED_AT`` (for modules that publish reward epochs)."""
    gap = EPOCHS_STARTED_AT - web3.eth.get_block("latest").timestamp
    if gap > 0:
        chain.sleep(gap)
        chain.mine()


@pytest.fixture(autouse=True)
def isolation(fn_isolation: Any) -> None:
    """Each test runs in a snapshot that is reverted afterwards."""


# ------------------------------------------------------------------------------------------------ actors


@pytest.fixture(scope="session")
def deployer() -> Any:
    return accounts[0]


@pytest.fixture(scope="session")
def members() -> list[Any]:
    """Five members who receive genesis tokens in the `local` preset (50k, 30k, 20k, 10k, 5k)."""
    return [accounts[i] for i in range(1, 6)]


@pytest.fixture(scope="session")
def alice(members: list[Any]) -> Any:
    return members[0]


@pytest.fixture(scope="session")
def bob(members: list[Any]) -> Any:
    return members[1]


@pytest.fixture(scope="session")
def carol(members: list[Any]) -> Any:
    return members[2]


@pytest.fixture(scope="session")
def project() -> Any:
    """A local project that receives treasury payments."""
    return accounts[6]


@pytest.fixture(scope="session")
def outsider() -> Any:
    """An account with ETH and no tokens or roles."""
    return accounts[7]


@pytest.fixture(scope="session")
def steward() -> Any:
    """A budget-line steward (e.g. a festival committee)."""
    return accounts[8]


@pytest.fixture(scope="session")
def coordinator() -> Any:
    """The reward coordinator of the `local` preset (地域コーディネーター)."""
    return accounts[8]


@pytest.fixture(scope="module")
def staff(steward: Any) -> Any:
    """The `local` preset's registrar (Anvil account #8)."""
    return steward


@pytest.fixture(scope="session")
def guardian() -> Any:
    """The resident council (proposal guardian) of the `local` preset."""
    return accounts[9]


@pytest.fixture(scope="session")
def signer() -> Any:
    """A member whose private key the test holds (for permit / EIP-712 signatures)."""
    return Account.create("furusato-test-signer")


# ------------------------------------------------------------------------------------------------ configuration


@pytest.fixture(scope="session")
def artifacts() -> Artifacts:
    return Artifacts(ROOT)


@pytest.fixture(scope="session")
def local_config() -> DeployConfig:
    return load_config(preset="local")


# ------------------------------------------------------------------------------------------------ deployments


@dataclass
class Dao:
    """The deployed governance core as Brownie contract objects, plus its deployment record."""

    token: Any
    timelock: Any
    governor: Any
    treasury: Any
    rewards: Any
    record: Any
    config: DeployConfig


@pytest.fixture(scope="module")
def dao(deployer: Any, artifacts: Artifacts, local_config: DeployConfig, tmp_path_factory: Any) -> Dao:
    """The governance core deployed and wired by the same code as `furusato deploy` (preset `local`)."""
    record = deploy_dao(
        web3,
        UnlockedSender(deployer.address),
        local_config,
        artifacts,
        network="development",
        development=True,
        records_dir=tmp_path_factory.mktemp("records"),
        log=lambda _line: None,
    )
    # Votes are read at `clock() - 1`: move past the deployment second so genesis balances count everywhere.
    advance(2)
    return Dao(
        token=RegionToken.at(record.address("RegionToken")),
        timelock=RegionTimelock.at(record.address("TimelockController")),
        governor=RegionGovernor.at(record.address("RegionGovernor")),
        treasury=Treasury.at(record.address("Treasury")),
        rewards=ActivityRewards.at(record.address("ActivityRewards")),
        record=record,
        config=local_config,
    )


@pytest.fixture(scope="module")
def token(dao: Dao) -> Any:
    return dao.token


@pytest.fixture(scope="module")
def governor(dao: Dao) -> Any:
    return dao.governor


@pytest.fixture(scope="module")
def timelock(dao: Dao) -> Any:
    return dao.timelock


@pytest.fixture(scope="module")
def treasury(dao: Dao) -> Any:
    return dao.treasury


@pytest.fixture(scope="module")
def rewards(dao: Dao) -> Any:
    """The ActivityRewards minter deployed with the DAO (coordinator: accounts[8])."""
    return dao.rewards


@pytest.fixture(scope="module")
def funded_treasury(treasury: Any, deployer: Any) -> Any:
    """The treasury holding 10 ETH."""
    deployer.transfer(treasury, 10 * TOKEN)
    return treasury


@pytest.fixture(scope="module")
def mdao(artifacts: Artifacts, tmp_path_factory: Any) -> Any:
    """A members-only DAO (the `town` preset's default with transfer-restricted tokens), deployed by a fresh key
    on the development chain (its roles are Anvil's public accounts, refused on any other network) and checked:
    ``token``, ``governor``, ``registry`` (Brownie objects), ``timelock`` (an
    unlocked account), ``treasury`` (address) and ``pdao`` (the package core's view)."""
    from furusato.bench.membership import members_only_config
    from furusato.deploy import check_wiring
    from furusato.proposals.dao import load_dao

    config = members_only_config()  # its roles are Anvil's public accounts: a development chain's deployment
    record = deploy_dao(
        web3, fresh_key_sender(), config, artifacts, network="members-dev", development=True,
        records_dir=tmp_path_factory.mktemp("records"), log=lambda _l: None,
    )  # fmt: skip
    failed = [c.description for c in check_wiring(web3, artifacts, record, config) if not c.ok]
    assert not failed, failed

    class M:
        token = RegionToken.at(record.address("RegionToken"))
        governor = RegionGovernor.at(record.address("RegionGovernor"))
        registry = ResidentRegistry.at(record.address("ResidentRegistry"))
        timelock = accounts.at(record.address("TimelockController"), force=True)
        treasury = record.address("Treasury")
        pdao = load_dao(web3, record, artifacts)

    advance(2)
    return M


@dataclass
class WithheldRewards:
    """Epoch 2026-12 published and pushed while rewards were members-only: ``newcomer`` (a fresh key, 0 ETH) was
    not registered at the push and is registered now (claimable); ``stranger`` never was (withheld); ``paid``
    (Anvil #1) was registered before the push (paid)."""

    plans: Path  # the folder holding the plan folder, as a coordinator's out/
    folder: Any  # the PlanFolder
    newcomer: Any  # a LocalAccount
    stranger: Any
    paid: str
    amounts: dict[str, int]


@pytest.fixture
def withheld_rewards(dao: Any, staff: Any, coordinator: Any, epochs_started: Any, tmp_path: Path) -> WithheldRewards:
    """The coordinator's plan for 2026-12, published, pushed with two members' rewards withheld; one of them is
    registered afterwards. The plan for 2027-01 (the newcomer, 200 tokens) is not published yet."""
    from furusato.chain import advance_time
    from furusato.reverts import ErrorDecoder
    from furusato.rewards import plan
    from furusato.rewards.onchain import RewardsDesk, distribute, epoch_state, load_plan_folder, publish

    newcomer, stranger, paid = Account.create(), Account.create(), accounts[1].address
    log = tmp_path / "activity-2026-12.csv"
    log.write_text(
        "メンバー,活動,数量,日付,備考\n"
        f"{newcomer.address},草刈り,3,2026/12/01,公民館裏の草刈り\n"
        f"{stranger.address},観光案内,2,2026/12/03,駅前で観光案内\n"
        f"{paid},祭りの準備,5,2026/12/05,冬祭りの準備\n",
        encoding="utf-8",
    )
    plan(log, ROOT / "examples" / "rewards-policy.yaml", "2026-12", tmp_path / "out" / "2026-12")
    folder = load_plan_folder(tmp_path / "out" / "2026-12")
    rewards = w3c(dao.rewards)
    desk = RewardsDesk(
        web3, UnlockedSender(coordinator.address), rewards, "development", ErrorDecoder(), lambda _l: None
    )
    publish(desk, folder)  # rewards pay anyone at publishing (the local preset)
    registry = ResidentRegistry.at(dao.record.address("ResidentRegistry"))
    dao.rewards.setMemberRegistry(registry.address, {"from": accounts.at(dao.timelock.address, force=True)})
    registry.register(paid, 0, b"\x00" * 32, {"from": staff})
    advance_time(web3, epoch_state(rewards, folder.epoch).payable_at - web3.eth.get_block("latest")["timestamp"] + 1)
    result = distribute(desk, folder)
    assert sorted(account for _i, account, _a in result.withheld) == sorted([newcomer.address, stranger.address])
    advance_time(web3, 86_400)
    registry.register(newcomer.address, 1, b"\x00" * 32, {"from": staff})  # registered a day after the push
    amounts = {folder.leaf(i)[1]: folder.leaf(i)[2] for i in range(folder.leaf_count)}
    log.write_text(f"メンバー,活動,数量,日付,備考\n{newcomer.address},草刈り,2,2027/01/10,雪囲い\n", encoding="utf-8")
    plan(log, ROOT / "examples" / "rewards-policy.yaml", "2027-01", tmp_path / "out" / "2027-01")
    return WithheldRewards(tmp_path / "out", folder, newcomer, stranger, paid, amounts)


# ------------------------------------------------------------------------------------------------ records and CLI


@pytest.fixture(scope="module")
def records(dao: Dao, tmp_path_factory: Any) -> Path:
    """A deployment-records folder holding the module's DAO as `development` (what the CLI reads)."""
    from furusato.records import write_record

    folder = tmp_path_factory.mktemp("records")
    write_record(folder / "development.json", dao.record)
    return folder


@pytest.fixture(scope="module")
def pdao(dao: Dao) -> Any:
    """The module's DAO as the package core sees it (`furusato.proposals.Dao`)."""
    from furusato.proposals import load_dao

    return load_dao(web3, dao.record, Artifacts(ROOT))


@pytest.fixture
def cli(records: Path) -> Any:
    """Run `furusato ARGS…` in-process, as a user would: the root group `furusato.cli.main` with `--project ROOT`.
    Nothing is patched: `--network development` reaches the Anvil Brownie started for the tests, as it would any
    development chain already running.

    The one CLI runner of the suite; returns click's Result. On the test chain by default: `--network development
    --deployments FOLDER` are added, FOLDER being ``deployments`` or else the module DAO's `records` (resolved
    before the test's snapshot, so the module's DAO outlives the test).
    ``dev=N`` signs with development account N and answers yes (`--dev-account N --yes`).
    ``chain=False`` runs a command that reads no deployment (nothing is added but `--project`).
    """
    from click.testing import CliRunner

    from furusato.cli import main

    def run(*args: str, dev: int | None = None, deployments: Path | None = None, chain: bool = True) -> Any:
        extra: list[str] = []
        if chain:
            extra += ["--network", "development", "--deployments", str(deployments or records)]
        if dev is not None:
            extra += ["--dev-account", str(dev), "--yes"]
        return CliRunner().invoke(main, ["--project", str(ROOT), *args, *extra], catch_exceptions=False)

    return run


# ------------------------------------------------------------------------------------------------ factories


@pytest.fixture
def make_proposal(governor: Any) -> Any:
    """Factory: a :class:`Proposal` from ``(brownie_contract, fn_name, args...)`` calls and a description."""

    def make(*calls: tuple[Any, ...], description: str = "a proposal", value: int = 0) -> Proposal:
        actions = tuple(call_action(w3c(c[0]), c[1], *c[2:], value=value) for c in calls)
        return Proposal(actions=actions, description=description)

    return make


@pytest.fixture
def good_pay(project: Any) -> dict[str, Any]:
    """A valid `pay` action of a proposal spec (1 ETH to `project`)."""
    return {"kind": "pay", "to": project.address, "amount": "1"}


# ------------------------------------------------------------------------------------------------------- open proposals


@pytest.fixture
def voting(pdao: Any, governor: Any, alice: Any, signer: Any, funded_treasury: Any, project: Any) -> int:
    """The signer holds 1,000 votes; a proposal is active. Returns its id."""
    token = Contract.from_abi("RegionToken", pdao.token.address, pdao.token.abi)
    token.transfer(signer.address, 1_000 * TOKEN, {"from": alice})
    advance(1)
    proposal = Proposal(
        (call_action(pdao.treasury, "pay", "0x" + "00" * 20, project.address, TOKEN, "x"),), "ballot test"
    )
    governor.propose(*proposal.args(), proposal.description, {"from": alice})
    advance(governor.votingDelay() + 1)
    return proposal.proposal_id


@pytest.fixture(scope="module")
def voters() -> list[Any]:
    """Four keys the test holds (they sign ballots the relayer sends); no tokens until `active`."""
    return [Account.from_key(Web3.keccak(text=f"relayer-voter-{i}")) for i in range(4)]


@pytest.fixture
def active(pdao: Any, governor: Any, alice: Any, voters: list[Any], project: Any) -> int:
    """The voters hold 100 votes each; a proposal is active. Returns its id."""
    token = Contract.from_abi("RegionToken", pdao.token.address, pdao.token.abi)
    for v in voters:
        token.transfer(v.address, 100 * TOKEN, {"from": alice})
    advance(1)
    proposal = Proposal((call_action(pdao.treasury, "pay", ETH, project.address, 1, "relayed"),), "relayer test")
    governor.propose(*proposal.args(), proposal.description, {"from": alice})
    advance(governor.votingDelay() + 1)
    return proposal.proposal_id


# ------------------------------------------------------------------------------------------------ other chains


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def start_anvil() -> Any:
    """Factory: start a separate Anvil (e.g. with ``--hardfork shanghai``, or standing in for a live network).

    Returns its RPC URL; every Anvil started here is stopped after the test.
    """
    import shutil
    import subprocess
    import time

    from web3 import HTTPProvider, Web3

    started: list[subprocess.Popen[bytes]] = []

    def start(*args: str) -> str:
        binary = shutil.which("anvil")
        assert binary, "anvil is not on PATH: run the tests through `make test`"
        port = _free_port()
        proc = subprocess.Popen(
            [binary, "--port", str(port), "--silent", *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(proc)
        url = f"http://127.0.0.1:{port}"
        w3 = Web3(HTTPProvider(url))
        for _ in range(200):
            if proc.poll() is not None:
                raise RuntimeError(f"anvil {' '.join(args)} exited with {proc.returncode}")
            try:
                w3.eth.chain_id  # noqa: B018 - probing readiness
                return url
            except Exception:
                time.sleep(0.05)
        raise RuntimeError("anvil did not start within 10 s")

    yield start
    for proc in started:
        stop_process(proc)


# ------------------------------------------------------------------------------------------------ stateful depth

#: Steps run by every hypothesis state machine in this session (issue 10: `make test` runs at least 1,000).
STATEFUL_STEPS = [0]


def _count_stateful_steps() -> None:
    """Count state-machine steps: hypothesis checks the invariants once when a machine starts, then after every step."""
    from hypothesis import stateful

    original = stateful.RuleBasedStateMachine.check_invariants
    if getattr(original, "_furusato_counting", False):
        return

    def check_invariants(self: Any, settings: Any) -> None:
        if getattr(self, "_furusato_started", False):
            STATEFUL_STEPS[0] += 1
        else:
            self._furusato_started = True
        original(self, settings)

    check_invariants._furusato_counting = True  # type: ignore[attr-defined]
    stateful.RuleBasedStateMachine.check_invariants = check_invariants  # type: ignore[method-assign]


_count_stateful_steps()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    terminalreporter.write_line(f"hypothesis stateful steps: {STATEFUL_STEPS[0]}")
