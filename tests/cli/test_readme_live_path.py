"""Issue 11: the README's live path, run as written. The test reads README.md, takes the bash block of
"The live path end to end" and runs every command line of it through bash, in order, in a folder laid out like a
fresh checkout, against a separately started Anvil that behaves like a testnet (a block every 2 s, its own port,
chain id 11155111 as the README's `brownie networks add` says).

What the test changes in the README's lines is listed in :data:`SUBSTITUTIONS` (and nothing else); the environment
adds only a password file (:data:`ENVIRONMENT`) and a throw-away HOME (Brownie's data folder, where `brownie
networks add` writes, and where `furusato` reads the network list); every confirmation question is answered "y" on
a terminal, as the user would. Between the steps it does what the world does — a faucet funds the new accounts, the
user fills in my-town.yaml as step 3 says, time passes (:data:`WORLD`) — and after each command it checks the fact
the step is for (:data:`CHECKS`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pty
import re
import shutil
import stat
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from eth_account import Account

from furusato.records import read_record
from furusato.units import parse_duration

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
SECTION = "### The live path end to end"
CHAIN_ID = 11155111  # the README's `chainid=`: the stand-in runs with it, so that part is used as written
BLOCK_TIME = 2  # seconds between blocks; nothing is mined on demand (but the test's time jumps)
PASSWORD = "a testnet password"  # the throw-away keystores of this test
JST = dt.timezone(dt.timedelta(hours=9))
MEMBER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"  # the first member of examples/members/members-2027.csv

pytestmark = pytest.mark.slow  # about two minutes: the deploy alone sends ~35 transactions, each waiting its block

#: The only changes made to the README's command lines: README text → (what the test runs, why).
SUBSTITUTIONS: dict[str, tuple[str, str]] = {
    "host=https://rpc.example": ("host={rpc}", "the stand-in Anvil's RPC URL (the README's placeholder node)"),
    "furusato member show 0x… ": (f"furusato member show {MEMBER} ", "FILL IN: a member's address"),
}
#: What the environment adds to the test's own: the keystore password from a file instead of the terminal.
ENVIRONMENT = {"FURUSATO_PASSWORD_FILE": "{password_file}"}


# ------------------------------------------------------------------------------------------------ the README


def readme_steps() -> list[tuple[int, str]]:
    """The command lines of the README's live path, each with its step number (the `# N.` comments)."""
    text = README.read_text(encoding="utf-8")
    assert SECTION in text, f"README.md has no section {SECTION!r}"
    section = text[text.index(SECTION) :]
    section = section[: section.find("\n## ", 1)]
    block = re.search(r"```bash\n(.*?)```", section, re.DOTALL)
    assert block, "the live path section has no ```bash block"
    lines: list[tuple[int, str]] = []
    step = 0
    for line in block[1].splitlines():
        heading = re.match(r"# (\d+)\. ", line)
        if heading:
            step = int(heading[1])
        elif line.strip() and not line.lstrip().startswith("#"):
            assert not line.rstrip().endswith("\\"), f"a continued line; join it: {line}"
            lines.append((step, line))
    return lines


def substitute(line: str, values: dict[str, str], used: set[str]) -> str:
    for old, (new, _why) in SUBSTITUTIONS.items():
        if old in line:
            used.add(old)
            line = line.replace(old, new.format(**values))
    return line


# ------------------------------------------------------------------------------------------------ the world


@dataclass
class World:
    """The test's side: the checkout folder, the stand-in chain, the accounts step 1 created."""

    checkout: Path
    rpc: str
    env: dict[str, str]
    addresses: dict[str, str] = field(default_factory=dict)  # keystore file name → address
    proposal_id: int = 0

    @property
    def w3(self) -> Any:
        from web3 import HTTPProvider, Web3

        return Web3(HTTPProvider(self.rpc))

    def now(self) -> int:
        return int(self.w3.eth.get_block("latest")["timestamp"])

    def pass_time(self, seconds: int) -> None:
        """Time passes, as on a testnet over days: the clock jumps, then a block carries the new time."""
        self.w3.provider.make_request("evm_increaseTime", [seconds])
        self.w3.provider.make_request("evm_mine", [])

    def config(self) -> dict[str, Any]:
        data: dict[str, Any] = yaml.safe_load((self.checkout / "my-town.yaml").read_text(encoding="utf-8"))
        return data

    def record(self) -> Any:
        return read_record(self.checkout / "deployments" / "my-testnet.json")

    def contract(self, name: str) -> Any:
        """The deployment's contract ``name`` (address from deployments/my-testnet.json), to check the chain."""
        abi = json.loads((ROOT / "build" / "contracts" / f"{name}.json").read_text())["abi"]
        return self.w3.eth.contract(address=self.record().address(name), abi=abi)


def faucet(world: World) -> None:
    """A testnet faucet: 10 ETH to each account step 1 created (sent from an Anvil account, mined in its block)."""
    w3 = world.w3
    source = w3.eth.accounts[0]
    sent = [w3.eth.send_transaction({"from": source, "to": a, "value": 10 * 10**18}) for a in world.addresses.values()]
    for tx in sent:
        assert w3.eth.wait_for_transaction_receipt(tx, timeout=30)["status"] == 1


def fill_in_town_config(world: World) -> None:
    """Step 3's FILL IN, as the README's comment lists it (the file's own comments go; yaml rewrites it)."""
    path = world.checkout / "my-town.yaml"
    data = world.config()
    assert data["preset"] == "town"
    data["governor"]["guardian"] = Account.create().address  # the council's multisig (its key is not needed here)
    data["genesis"] = [{"to": world.addresses["deployer.json"], "amount": "10000"}]
    data["rewards"]["coordinators"] = [world.addresses["coordinator.json"]]
    data["rewards"]["standing_budget"] = "50000"
    data["registry"]["registrars"] = [world.addresses["staff.json"]]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def month_begun(world: World) -> None:
    """The rewards epoch 2026-12 is a month that must have begun: wait for it if the chain's clock is before it."""
    start = int(dt.datetime(2026, 12, 1, tzinfo=JST).timestamp())
    if world.now() < start:
        world.pass_time(start - world.now() + 60)


def after(setting: Callable[[dict[str, Any]], Any]) -> Callable[[World], None]:
    """Let the time a config setting names (plus a minute) pass."""
    return lambda world: world.pass_time(parse_duration(setting(world.config()), "setting") + 60)


#: What the world does before (or after) a command, by the command's start.
WORLD: dict[str, tuple[str, Callable[[World], None]]] = {
    "brownie networks add": ("before", faucet),  # the three accounts of step 1 have their testnet ETH
    "cp src/furusato/presets/town.yaml my-town.yaml": ("after", fill_in_town_config),
    "furusato rewards publish": ("before", month_begun),
    "furusato rewards distribute": ("before", after(lambda c: c["rewards"]["challenge_window"])),
    "furusato proposal vote": ("before", after(lambda c: c["governor"]["voting_delay"])),
    "furusato proposal queue": ("before", after(lambda c: c["governor"]["voting_period"])),
}


# ------------------------------------------------------------------------------------------------ the checks


def created_account(world: World, line: str, out: str) -> None:
    name = line.split()[-1]
    found = re.search(r"new account (0x[0-9a-fA-F]{40}) written to (\S+)", out)
    assert found, out
    assert found[2] == name
    keystore = world.checkout / name
    assert stat.S_IMODE(keystore.stat().st_mode) == 0o600
    key = Account.decrypt(json.loads(keystore.read_text()), PASSWORD)
    assert Account.from_key(key).address == found[1]
    world.addresses[name] = found[1]


def network_added(world: World, _line: str, _out: str) -> None:
    config = Path(world.env["HOME"]) / ".brownie" / "network-config.yaml"
    assert "my-testnet" in config.read_text()


def copied(world: World, _line: str, _out: str) -> None:
    preset = world.checkout / "src" / "furusato" / "presets" / "town.yaml"
    assert (world.checkout / "my-town.yaml").read_text() == preset.read_text()


def dry_run(world: World, _line: str, out: str) -> None:
    assert "dry run: nothing was sent" in out
    assert f"deployer {world.addresses['deployer.json']}" in out
    assert not (world.checkout / "deployments" / "my-testnet.json").exists()


def deployed(world: World, _line: str, out: str) -> None:
    record = world.record()
    assert record.complete
    assert record.chain_id == CHAIN_ID
    assert record.deployer == world.addresses["deployer.json"]
    assert re.search(r"wiring checks: \d+ passed", out), out
    assert "failed" not in out


def addresses_listed(world: World, _line: str, out: str) -> None:
    listed = dict(line.split() for line in out.splitlines())
    assert listed["Treasury"] == world.record().address("Treasury")
    assert listed["RegionGovernor"] == world.record().address("RegionGovernor")


def treasury_funded(world: World, _line: str, out: str) -> None:
    treasury = world.record().address("Treasury")
    assert world.w3.eth.get_balance(treasury) == 15 * 10**17
    assert "deposited 1.5 ETH" in out
    assert f"treasury {treasury}: 1.5 ETH now" in out


def members_registered(world: World, _line: str, out: str) -> None:
    registry = world.contract("ResidentRegistry")
    rows = (ROOT / "examples" / "members" / "members-2027.csv").read_text(encoding="utf-8").splitlines()[1:]
    members = [row.split(",")[0] for row in rows if row.strip()]
    assert members
    assert all(registry.functions.isMember(m).call() for m in members), out
    assert f"registered {len(members)}, already registered 0" in out


def planned(world: World, _line: str, _out: str) -> None:
    assert (world.checkout / "out" / "2026-12").is_dir()


def published(world: World, _line: str, out: str) -> None:
    root = re.search(r"epoch 202612: publishing root (0x[0-9a-f]{64})", out)
    assert root, out
    info = world.contract("ActivityRewards").functions.epochInfo(202612).call()
    assert "0x" + info[0].hex() == root[1]
    assert "payable from 20" in out


def distributed(world: World, _line: str, out: str) -> None:
    settled = re.search(r"(\d+)/(\d+) leaves settled", out)
    assert settled, out
    assert settled[1] == settled[2] != "0"
    token = world.contract("RegionToken")
    assert token.functions.balanceOf(MEMBER).call() > 0


def proposed(world: World, _line: str, out: str) -> None:
    found = re.search(r"proposed (\d+): tx", out)
    assert found, out
    world.proposal_id = int(found[1])


def listed_first(world: World, _line: str, out: str) -> None:
    assert out.startswith(f"#1  {world.proposal_id}  Pending"), out


def voted(world: World, _line: str, out: str) -> None:
    governor = world.contract("RegionGovernor")
    deployer = world.addresses["deployer.json"]
    assert governor.functions.hasVoted(world.proposal_id, deployer).call()
    against, for_, abstain = governor.functions.proposalVotes(world.proposal_id).call()
    assert (against, for_, abstain) == (0, 10_000 * 10**18, 0)  # the genesis holder's votes, counted


def queued(world: World, _line: str, out: str) -> None:
    line = next((x for x in out.splitlines() if x.startswith("timelock ready at ")), None)
    assert line, out
    ready = dt.datetime.strptime(line.removeprefix("timelock ready at ")[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=JST)
    delay = parse_duration(world.config()["timelock"]["min_delay"], "min_delay")
    assert ready.year != 1970
    assert world.contract("RegionGovernor").functions.state(world.proposal_id).call() == 5  # Queued
    assert dt.timedelta(seconds=delay - 30) <= ready - dt.datetime.fromtimestamp(world.now(), JST)
    assert ready - dt.datetime.fromtimestamp(world.now(), JST) <= dt.timedelta(seconds=delay + 30)


def member_shown(world: World, _line: str, out: str) -> None:
    balance = world.contract("RegionToken").functions.balanceOf(MEMBER).call()
    shown = f"{balance // 10**18:,}"
    assert balance > 0
    assert out.startswith(f"{MEMBER}: member, card #"), out
    assert f"balance {shown} tokens; votes now {shown}\n" in out
    assert "votes at the proposal's snapshot (" in out
    assert f"rewards epoch 202612 (out/2026-12): {shown} tokens, paid" in out


#: After each command (by its start): the fact its step is for.
CHECKS: dict[str, Callable[[World, str, str], None]] = {
    "furusato account new": created_account,
    "brownie networks add": network_added,
    "cp src/furusato/presets/town.yaml my-town.yaml": copied,
    "furusato deploy --network my-testnet --config my-town.yaml --keystore deployer.json --dry-run": dry_run,
    "furusato deploy --network my-testnet --config my-town.yaml --keystore deployer.json": deployed,
    "python -c": addresses_listed,
    "furusato treasury fund": treasury_funded,
    "furusato registry import": members_registered,
    "furusato rewards plan": planned,
    "furusato rewards publish": published,
    "furusato rewards distribute": distributed,
    "furusato proposal create": proposed,
    "furusato proposal list": listed_first,
    "furusato proposal vote": voted,
    "furusato proposal queue": queued,
    "furusato member show": member_shown,
}


def _match(table: dict[str, Any], line: str) -> str | None:
    """The longest key of ``table`` that ``line`` starts with."""
    keys = [k for k in table if line.startswith(k)]
    return max(keys, key=len) if keys else None


# ------------------------------------------------------------------------------------------------ running


def fresh_checkout(folder: Path) -> Path:
    """A folder laid out like a fresh checkout with its contracts compiled: what the README's lines read. Sources and
    compiled artifacts are linked (read only); everything the path writes stays in the folder."""
    folder.mkdir()
    shutil.copy(ROOT / "brownie-config.yaml", folder)
    for name in ("contracts", "interfaces", "node_modules"):
        (folder / name).symlink_to(ROOT / name)
    (folder / "build").mkdir()
    for name in ("contracts", "interfaces"):
        (folder / "build" / name).symlink_to(ROOT / "build" / name)
    shutil.copytree(ROOT / "examples", folder / "examples")
    presets = folder / "src" / "furusato" / "presets"
    presets.mkdir(parents=True)
    shutil.copy(ROOT / "src" / "furusato" / "presets" / "town.yaml", presets)
    return folder


def run_line(line: str, world: World) -> subprocess.CompletedProcess[str]:
    """Run one README line through bash in the checkout; its stdin is a terminal on which "y" is already typed
    (the answer to a confirmation question; a command that asks nothing leaves it unread)."""
    master, slave = pty.openpty()
    try:
        os.write(master, b"y\n")
        return subprocess.run(
            ["bash", "-c", line], cwd=world.checkout, env=world.env, stdin=slave, capture_output=True, text=True,
            timeout=300, start_new_session=True,  # no controlling terminal: nothing can ask the developer's
        )  # fmt: skip
    finally:
        os.close(slave)
        os.close(master)


def test_readme_lists_the_live_path_with_a_check_for_each_command():
    """Without a chain: every README line has its check, and every substitution and world event has its line."""
    lines = readme_steps()
    assert [step for step, _ in lines] == sorted(step for step, _ in lines)
    assert {step for step, _ in lines} == set(range(1, 11))  # every step has a command
    unchecked = [line for _, line in lines if _match(CHECKS, line) is None]
    assert unchecked == [], "a README command without a check in CHECKS"
    assert [k for k in SUBSTITUTIONS if not any(k in line for _, line in lines)] == []
    assert [k for k in WORLD if not any(_match(WORLD, line) == k for _, line in lines)] == []


def test_the_readme_live_path_runs_as_written(start_anvil, tmp_path):
    machine_config = Path.home() / ".brownie" / "network-config.yaml"
    machine_before = machine_config.read_bytes() if machine_config.exists() else None
    rpc = start_anvil("--block-time", str(BLOCK_TIME), "--chain-id", str(CHAIN_ID))
    home = tmp_path / "home"
    home.mkdir()
    password_file = tmp_path / "password.txt"
    password_file.write_text(PASSWORD + "\n")
    values = {"rpc": rpc, "password_file": str(password_file)}
    env = {**os.environ, "HOME": str(home), **{k: v.format(**values) for k, v in ENVIRONMENT.items()}}
    world = World(checkout=fresh_checkout(tmp_path / "checkout"), rpc=rpc, env=env)
    assert world.w3.eth.chain_id == CHAIN_ID

    timings: list[tuple[float, str]] = []
    used_substitutions: set[str] = set()
    used_world: set[str] = set()
    for step, written in readme_steps():
        line = substitute(written, values, used_substitutions)
        hook = _match(WORLD, written)
        if hook and WORLD[hook][0] == "before":
            WORLD[hook][1](world)
            used_world.add(hook)
        started = time.monotonic()
        result = run_line(line, world)
        timings.append((time.monotonic() - started, line))
        out = result.stdout + result.stderr
        print(f"$ {line}\n{out}")  # the log of every step so far, shown when the test fails
        assert result.returncode == 0, f"README step {step} failed (exit {result.returncode}):\n{line}\n{out}"
        assert "Traceback" not in out, f"README step {step}: {line}\n{out}"
        check = _match(CHECKS, written)
        assert check, f"no check for {written}"
        try:
            CHECKS[check](world, written, result.stdout)
        except AssertionError as exc:
            raise AssertionError(f"README step {step}: {line}\n{out}") from exc
        if hook and WORLD[hook][0] == "after":
            WORLD[hook][1](world)
            used_world.add(hook)

    for seconds, line in timings:
        print(f"{seconds:6.1f} s  {line[:100]}")
    assert used_substitutions == set(SUBSTITUTIONS)
    assert used_world == set(WORLD)
    assert set(world.addresses) == {"deployer.json", "staff.json", "coordinator.json"}
    after_run = machine_config.read_bytes() if machine_config.exists() else None
    assert after_run == machine_before  # the machine's own Brownie network list is untouched
