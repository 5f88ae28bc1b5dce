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

from furusato.accounts import SignerChoice
from furusato.artifacts import Artifacts
from furusato.chain import UnlockedSender, advance_time
from furusato.config import load_config
from furusato.deploy import deploy_dao
from furusato.networks import connect
from furusato.rewards.onchain import RewardsDesk, advance_to_epoch
from furusato.rewards.pipeline import run_epoch
from furusato.session import open_session, session_over

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    """Development: deploy the `local` preset, then pay the sample December log (coordinator: account #8)."""
    conn = connect(network.show_active(), ROOT)
    config = load_config(preset="local")
    record = deploy_dao(
        conn.w3, UnlockedSender(accounts[0].address), config, Artifacts(ROOT), network=conn.network,
        development=True, records_dir=ROOT / "build" / "mint_rewards", log=lambda _l: None,
    )  # fmt: skip
    session = session_over(conn.w3, record, ROOT, development=True)
    rewards, decoder = session.rewards(), session.dao.decoder
    out = ROOT / "build" / "mint_rewards" / "rewards-2026-12"
    if out.exists():
        import shutil

        shutil.rmtree(out)

    def pass_window(payable_at: int) -> bool:
        advance_time(conn.w3, payable_at - conn.w3.eth.get_block("latest")["timestamp"] + 1)
        return True

    advance_to_epoch(conn.w3, rewards, 202612)
    run_epoch(
        RewardsDesk(conn.w3, UnlockedSender(accounts[8].address), rewards, conn.network, decoder),
        log_path=ROOT / "examples" / "activity-2026-12.csv", policy_path=ROOT / "examples" / "rewards-policy.yaml",
        epoch="2026-12", out_dir=out, wait_window=pass_window,
    )  # fmt: skip


def live() -> None:
    """A deployed DAO on a live network; unattended and safe to repeat."""
    session = open_session(network.show_active(), ROOT)
    if session.development:
        raise SystemExit("`live` is for live networks: pass --network NAME")
    keystore = os.environ.get("FURUSATO_KEYSTORE")
    sender = session.sender(SignerChoice(keystore=Path(keystore) if keystore else None,
                                         account_id=os.environ.get("FURUSATO_ACCOUNT")))  # fmt: skip
    run_epoch(
        RewardsDesk(session.w3, sender, session.rewards(), session.network, session.dao.decoder),
        log_path=Path(os.environ["FURUSATO_REWARDS_LOG"]), policy_path=Path(os.environ["FURUSATO_REWARDS_POLICY"]),
        epoch=os.environ.get("FURUSATO_REWARDS_EPOCH"), out_dir=Path(os.environ["FURUSATO_REWARDS_OUT"]),
        wait_window=lambda _t: False,
    )  # fmt: skip
