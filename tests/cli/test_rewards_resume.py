"""Crash and resume, for real: `furusato rewards distribute` is killed (SIGKILL) mid-way and started again.

Runs against a separately started Anvil standing in for a live network, with keystore accounts, through the CLI
as a coordinator's scheduler would. Afterwards every member holds exactly their allocation, the minted total
equals the plan's total, and the transaction journal shows every leaf range pushed once.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from eth_account import Account

from furusato.artifacts import Artifacts
from furusato.bench.rewards import synthetic_members, write_activity_csv
from furusato.records import read_record
from furusato.rewards.onchain import epoch_state, load_plan_folder

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = 600
BATCH = 40


def chain_args(plan_dir: Path, ks: Path, pw: Path, records: Path) -> list[str]:
    return [str(plan_dir), "--network", "furusato-live", "--keystore", str(ks), "--password-file", str(pw),
            "--deployments", str(records), "--yes"]  # fmt: skip


def test_a_killed_distribution_resumes_and_pays_exactly_the_rest(live_network, tmp_path):
    lv = live_network
    d_ks, d_pw, deployer = lv.keystore(Account.create().key)
    c_ks, c_pw, coordinator = lv.keystore(Account.create().key)
    lv.fund(deployer)
    lv.fund(coordinator)
    config = lv.town_config(rewards={"coordinators": [coordinator]})
    records = tmp_path / "deployments"
    deployed = lv.furusato("deploy", "--network", "furusato-live", "--config", str(config), "--keystore", str(d_ks),
                           "--password-file", str(d_pw), "--yes", "--deployments", str(records))  # fmt: skip
    assert deployed.returncode == 0, deployed.stderr

    members = synthetic_members(MEMBERS, "resume")
    log = tmp_path / "activity.csv"
    write_activity_csv(log, members, "2026-12-10", quantity="0.3")  # 30 tokens each
    plan_dir = tmp_path / "plan"
    planned = lv.furusato("rewards", "plan", str(log), "--policy", str(ROOT / "examples" / "rewards-policy.yaml"),
                          "--epoch", "2026-12", "--out", str(plan_dir))  # fmt: skip
    assert planned.returncode == 0, planned.stderr
    # an epoch is published once its month has started (ActivityRewards binds epochs to time)
    from furusato.rewards.onchain import advance_to_epoch

    record = read_record(records / "furusato-live.json")
    rewards = lv.w3.eth.contract(
        address=record.address("ActivityRewards"), abi=Artifacts(ROOT).get("ActivityRewards").abi
    )
    advance_to_epoch(lv.w3, rewards, 202612)
    published = lv.furusato("rewards", "publish", *chain_args(plan_dir, c_ks, c_pw, records))
    assert published.returncode == 0, published.stderr
    w3 = lv.w3
    w3.provider.make_request("evm_increaseTime", [61])
    w3.provider.make_request("evm_mine", [])

    journal = plan_dir / "transactions.jsonl"
    proc = subprocess.Popen(
        lv.command("rewards", "distribute", *chain_args(plan_dir, c_ks, c_pw, records), "--batch-size", str(BATCH)),
        cwd=ROOT, env=lv.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        lines = journal.read_text().splitlines() if journal.exists() else []
        if sum('"distribute"' in line for line in lines) >= 4:
            break
        time.sleep(0.02)
    proc.kill()  # SIGKILL: no cleanup, no chance to finish the batch it may be sending
    proc.wait()
    assert proc.returncode != 0, "the run finished before it could be killed: make the epoch larger"

    record = read_record(records / "furusato-live.json")
    abi = Artifacts(ROOT).get("ActivityRewards").abi
    rewards = w3.eth.contract(address=record.address("ActivityRewards"), abi=abi)
    token = w3.eth.contract(address=record.address("RegionToken"), abi=Artifacts(ROOT).get("RegionToken").abi)
    folder = load_plan_folder(plan_dir)
    halfway = epoch_state(rewards, folder.epoch)
    assert 0 < halfway.cursor < MEMBERS
    assert halfway.minted == sum(folder.leaf(i)[2] for i in range(halfway.cursor))

    resumed = lv.furusato("rewards", "distribute", *chain_args(plan_dir, c_ks, c_pw, records),
                          "--batch-size", str(BATCH))  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr

    final = epoch_state(rewards, folder.epoch)
    assert final.cursor == MEMBERS
    assert final.minted == folder.total
    for i in range(folder.leaf_count):
        _index, account, amount = folder.leaf(i)
        assert token.functions.balanceOf(account).call() == amount
    entries = [json.loads(line) for line in journal.read_text().splitlines()]
    pushed = [e for e in entries if e["action"] == "distribute"]
    covered = []
    for e in pushed:
        first, last = (int(x) for x in e["leaves"].split("-"))
        covered += range(first, last + 1)
    assert sorted(covered) == list(range(MEMBERS)), "a leaf range was pushed twice or not at all"
    assert sum(e["paid"] for e in pushed) == MEMBERS

    again = lv.furusato("rewards", "distribute", *chain_args(plan_dir, c_ks, c_pw, records))
    assert again.returncode == 0
    assert "nothing to pay" in again.stdout
    claimed = lv.furusato("rewards", "claim", *chain_args(plan_dir, c_ks, c_pw, records), "--member", members[0])
    assert claimed.returncode == 0, claimed.stderr
    assert "already paid" in claimed.stdout
    assert epoch_state(rewards, folder.epoch).minted == folder.total
