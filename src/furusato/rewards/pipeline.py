"""One epoch end to end — plan (or reuse the plan), publish, wait out the challenge window, push — for schedulers.

Safe to run again at any point: an existing plan folder is reused only if the log and policy are byte-identical
to the ones it was planned from; publishing and paying read the chain first (see :mod:`furusato.rewards.onchain`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from furusato.chain import Log
from furusato.errors import InputError
from furusato.rewards import plan
from furusato.rewards.onchain import DistributeResult, PlanFolder, RewardsDesk, distribute, load_plan_folder, publish


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def plan_or_reuse(log_path: Path, policy_path: Path, epoch: str | None, out_dir: Path, log: Log) -> PlanFolder:
    """Plan into ``out_dir``, or reuse the plan already there if it was made from these exact files."""
    plan_file = out_dir / "plan.json"
    if plan_file.exists():
        recorded = json.loads(plan_file.read_text(encoding="utf-8"))
        if (recorded.get("log_sha256"), recorded.get("policy_sha256")) != (_sha256(log_path), _sha256(policy_path)):
            raise InputError(
                f"{out_dir} was planned from another version of {log_path.name} or {policy_path.name}; a published "
                "epoch's plan is never replaced — plan corrections into a new folder"
            )
        log(f"reusing the plan in {out_dir} (same log and policy)")
    else:
        result = plan(log_path, policy_path, epoch, out_dir)
        log(f"planned epoch {result.epoch.id}: {len(result.tree.values)} members -> {out_dir}")
    return load_plan_folder(out_dir)


def run_epoch(
    desk: RewardsDesk,
    *,
    log_path: Path,
    policy_path: Path,
    epoch: str | None,
    out_dir: Path,
    wait_window: Callable[[int], bool],
    batch_size: int | None = None,
) -> DistributeResult | None:
    """Plan, publish and pay one epoch. ``wait_window(payable_at)`` returns whether payments may start now
    (a development chain moves its clock; a live run returns False and is simply started again later)."""
    folder = plan_or_reuse(log_path, policy_path, epoch, out_dir, desk.log)
    state = publish(desk, folder)
    if int(desk.w3.eth.get_block("latest")["timestamp"]) < state.payable_at and not wait_window(state.payable_at):
        desk.log("the challenge window is still open: run this again after it to pay members")
        return None
    return distribute(desk, folder, batch_size=batch_size)
