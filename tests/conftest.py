"""Fixture library for the whole suite (Curve/Yearn style).

Layout: isolation → actors (role accounts) → configuration → deployments in dependency order → factories.
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
    RegionToken,
    TimelockController,
    Treasury,
    accounts,
    chain,
    web3,
)
from eth_account import Account
from helpers import advance, w3c

from furusato.artifacts import Artifacts
from furusato.chain import UnlockedSender
from furusato.config import DeployConfig, load_config
from furusato.deploy import deploy_dao
from furusato.governance import Proposal, Support, call_action

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
        timelock=TimelockController.at(record.address("TimelockController")),
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


@pytest.fixture(scope="session")
def coordinator() -> Any:
    """The reward coordinator of the `local` preset (地域コーディネーター)."""
    return accounts[8]


@pytest.fixture(scope="module")
def funded_treasury(treasury: Any, deployer: Any) -> Any:
    """The treasury holding 10 ETH."""
    deployer.transfer(treasury, 10 * TOKEN)
    return treasury


# ------------------------------------------------------------------------------------------------ factories


@pytest.fixture
def make_proposal(governor: Any) -> Any:
    """Factory: a :class:`Proposal` from ``(brownie_contract, fn_name, args...)`` calls and a description."""

    def make(*calls: tuple[Any, ...], description: str = "a proposal", value: int = 0) -> Proposal:
        actions = tuple(call_action(w3c(c[0]), c[1], *c[2:], value=value) for c in calls)
        return Proposal(actions=actions, description=description)

    return make


@pytest.fixture
def run_proposal(governor: Any, timelock: Any, members: list[Any]) -> Any:
    """Factory: propose, vote (all members for), queue and execute; returns the proposal id."""

    def run(proposal: Proposal, proposer: Any = None, voters: list[Any] | None = None, execute: bool = True) -> int:
        proposer = proposer or members[0]
        governor.propose(*proposal.args(), proposal.description, {"from": proposer})
        pid = proposal.proposal_id
        advance(governor.votingDelay() + 1)
        for voter in voters if voters is not None else members:
            governor.castVote(pid, Support.For, {"from": voter})
        advance(governor.proposalDeadline(pid) - chain.time() + 1)
        if execute:
            governor.queue(*proposal.args(), proposal.description_hash, {"from": proposer})
            advance(timelock.getMinDelay() + 1)
            governor.execute(*proposal.args(), proposal.description_hash, {"from": proposer})
        return pid

    return run


@pytest.fixture
def at() -> Any:
    """Factory: a Brownie contract object for an address and ABI."""
    return lambda name, address, abi: Contract.from_abi(name, address, abi)


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
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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


# ------------------------------------------------------------------------------------------------ governance CLI


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
def cli(records: Path, monkeypatch: Any) -> Any:
    """Run a governance command as `furusato …` would, on this test chain; returns the click Result.

    ``dev=N`` signs with development account N and answers yes.
    """
    from click.testing import CliRunner

    from furusato.cli_governance import standalone
    from furusato.doors import Connection

    monkeypatch.setattr("furusato.doors.connect", lambda network, root: Connection(web3, network, True))
    monkeypatch.setattr("furusato.doors.disconnect", lambda: None)
    group = standalone()

    def run(*args: str, dev: int | None = None) -> Any:
        extra = ["--network", "development", "--deployments", str(records)]
        if dev is not None:
            extra += ["--dev-account", str(dev), "--yes"]
        return CliRunner().invoke(group, ["--project", str(ROOT), *args, *extra], catch_exceptions=False)

    return run


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
