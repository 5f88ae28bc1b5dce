"""Turn an activity log into rewards with `brownie run`: plan → publish → (challenge window) → push.

  brownie run scripts/mint_rewards.py                       # development: deploys a local DAO first, moves the
                                                            # clock past the challenge window, pays the sample log
  brownie run scripts/mint_rewards.py live --network NAME   # a deployed DAO (deployments/NAME.json), unattended

`live` reads FURUSATO_REWARDS_LOG, FURUSATO_REWARDS_POLICY, FURUSATO_REWARDS_EPOCH (YYYY-MM) and
FURUSATO_REWARDS_OUT (the plan folder), the coordinator's FURUSATO_KEYSTORE or FURUSATO_ACCOUNT, and
FURUSATO_PASSWORD_FILE. Run it from a scheduler: the first run plans and publishes; runs after the challenge
window pay; any run after that pays nothing. A run that was killed pays exactly the rest.
"""

import os
from pathlib import Path

from brownie import accounts, network

from furusato.artifacts import Artifacts, error_selectors
from furusato.chain import ErrorDecoder, UnlockedSender, advance_time
from furusato.config import load_config
from furusato.deploy import deploy_dao
from furusato.doors import choose_sender, connect
from furusato.records import read_record, record_path
from furusato.rewards.onchain import advance_to_epoch
from furusato.rewards.pipeline import run_epoch

ROOT = Path(__file__).resolve().parent.parent


def _rewards(conn, address):
    abi = Artifacts(ROOT).get("ActivityRewards").abi
    return conn.w3.eth.contract(address=address, abi=abi), ErrorDecoder(error_selectors([abi]))


def main() -> None:
    """Development: deploy the `local` preset, then pay the sample December log (coordinator: account #8)."""
    conn = connect(network.show_active(), ROOT)
    config = load_config(preset="local")
    record = deploy_dao(
        conn.w3, UnlockedSender(accounts[0].address), config, Artifacts(ROOT), network=conn.network,
        development=True, records_dir=ROOT / "build" / "mint_rewards", log=lambda _l: None,
    )  # fmt: skip
    rewards, decoder = _rewards(conn, record.address("ActivityRewards"))
    out = ROOT / "build" / "mint_rewards" / "rewards-2026-12"
    if out.exists():
        import shutil

        shutil.rmtree(out)

    def pass_window(payable_at: int) -> bool:
        advance_time(conn.w3, payable_at - conn.w3.eth.get_block("latest")["timestamp"] + 1)
        return True

    advance_to_epoch(conn.w3, rewards, 202612)
    run_epoch(
        conn.w3, UnlockedSender(accounts[8].address), rewards, decoder,
        log_path=ROOT / "examples" / "activity-2026-12.csv", policy_path=ROOT / "examples" / "rewards-policy.yaml",
        epoch="2026-12", out_dir=out, network=conn.network, wait_window=pass_window,
    )  # fmt: skip


def live() -> None:
    """A deployed DAO on a live network; unattended and safe to repeat."""
    conn = connect(network.show_active(), ROOT)
    if conn.development:
        raise SystemExit("`live` is for live networks: pass --network NAME")
    record = read_record(record_path(ROOT / "deployments", conn.network))
    rewards, decoder = _rewards(conn, record.address("ActivityRewards"))
    keystore = os.environ.get("FURUSATO_KEYSTORE")
    sender = choose_sender(conn, keystore=Path(keystore) if keystore else None,
                           account_id=os.environ.get("FURUSATO_ACCOUNT"))  # fmt: skip
    run_epoch(
        conn.w3, sender, rewards, decoder,
        log_path=Path(os.environ["FURUSATO_REWARDS_LOG"]), policy_path=Path(os.environ["FURUSATO_REWARDS_POLICY"]),
        epoch=os.environ.get("FURUSATO_REWARDS_EPOCH"), out_dir=Path(os.environ["FURUSATO_REWARDS_OUT"]),
        network=conn.network, wait_window=lambda _t: False,
    )  # fmt: skip
