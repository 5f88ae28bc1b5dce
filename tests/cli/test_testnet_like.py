"""The live path on a stand-in that behaves like a testnet: Anvil with a block every 2 s (no mining on demand), and
time jumps as after a long voting period. Issue 11's traps: `proposal queue` printed `timelock ready at 1970-01-01`
and a deploy failed its wiring checks on stale reads."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import yaml
from eth_account import Account

from furusato.records import read_record

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def jump(live, seconds: int) -> None:
    """Move the clock as the passing of a long period would, then wait for the next (timed) block to carry it."""
    w3 = live.w3
    before = w3.eth.block_number
    w3.provider.make_request("evm_increaseTime", [seconds])
    deadline = time.monotonic() + 30
    while w3.eth.block_number <= before and time.monotonic() < deadline:
        time.sleep(0.2)


def test_deploy_propose_vote_queue_on_a_chain_with_a_block_time(testnet_like):
    live = testnet_like
    w3 = live.w3
    start = w3.eth.block_number
    time.sleep(2.5)
    assert w3.eth.block_number > start  # blocks come by time, not on demand

    key = Account.create().key
    ks, pw, address = live.keystore(key)
    live.fund(address)
    c_ks, c_pw, coordinator = live.keystore(Account.create().key)
    live.fund(coordinator)
    config = live.town_config(genesis=[{"to": address, "amount": "50000"}], rewards={"coordinators": [coordinator]})
    records = live.tmp / "deployments"
    keystore = ["--keystore", str(ks), "--password-file", str(pw)]
    net = ["--network", "furusato-live", "--deployments", str(records)]
    deployed = live.furusato("deploy", "--config", str(config), *keystore, "--yes", *net)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    assert "wiring checks:" in deployed.stdout
    assert "passed" in deployed.stdout
    assert read_record(records / "furusato-live.json").complete

    spec = live.tmp / "spec.yaml"
    action = {"kind": "governor_setting", "setting": "voting_period", "value": "2 hours"}
    spec.write_text(yaml.safe_dump({"title": "ブロック時間", "description": "d", "actions": [action]},
                                   allow_unicode=True), encoding="utf-8")  # fmt: skip
    jump(live, 2)
    created = live.furusato("proposal", "create", str(spec), *net, *keystore, "--yes")
    assert created.returncode == 0, created.stdout + created.stderr
    jump(live, 61)  # the voting delay
    voted = live.furusato("proposal", "vote", "#1", "--support", "for", *net, *keystore, "--yes")
    assert voted.returncode == 0, voted.stdout + voted.stderr
    jump(live, 601)  # the voting period
    queued = live.furusato("proposal", "queue", "#1", *net, *keystore, "--yes", "--tz", "UTC")
    assert queued.returncode == 0, queued.stdout + queued.stderr
    line = next(x for x in queued.stdout.splitlines() if x.startswith("timelock ready at "))
    ready = dt.datetime.strptime(line.removeprefix("timelock ready at ")[:19], "%Y-%m-%d %H:%M:%S")
    now = dt.datetime.fromtimestamp(w3.eth.get_block("latest")["timestamp"], dt.UTC).replace(tzinfo=None)
    assert ready.year != 1970
    assert dt.timedelta(seconds=50) <= ready - now <= dt.timedelta(seconds=60 + 10)  # the timelock's 60 s delay

    # rewards on the same chain: distribute reports the leaves it settled (it once said "0/4 leaves settled")
    plan_dir = live.tmp / "plan"
    policy = str(EXAMPLES / "rewards-policy.yaml")
    planned = live.furusato("rewards", "plan", str(EXAMPLES / "activity-2026-12.csv"), "--policy", policy,
                            "--epoch", "2026-12", "--out", str(plan_dir))  # fmt: skip
    assert planned.returncode == 0, planned.stdout + planned.stderr
    coordinator_keys = ["--keystore", str(c_ks), "--password-file", str(c_pw)]
    published = live.furusato("rewards", "publish", str(plan_dir), *net, *coordinator_keys, "--yes")
    assert published.returncode == 0, published.stdout + published.stderr
    jump(live, 61)  # the challenge window
    paid = live.furusato("rewards", "distribute", str(plan_dir), *net, *coordinator_keys, "--yes")
    assert paid.returncode == 0, paid.stdout + paid.stderr
    from furusato.rewards.onchain import load_plan_folder

    leaves = load_plan_folder(plan_dir).leaf_count
    assert f"{leaves}/{leaves} leaves settled" in paid.stdout
