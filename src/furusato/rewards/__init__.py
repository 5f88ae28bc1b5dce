"""Activity rewards: turn a month's activity log and a reward policy into allocations and a Merkle tree.

``plan(log, policy, epoch, out_dir)`` runs the whole pipeline, one module per step:

* :mod:`~furusato.rewards.policy` — read and check the YAML policy; epochs (``YYYY-MM`` → id ``YYYYMM``);
* :mod:`~furusato.rewards.activity_log` — read and check the CSV/JSON log, reporting every problem at once;
* :mod:`~furusato.rewards.allocation` — per-member amounts: exact sums, cap, pro-rata to the budget;
* :mod:`~furusato.rewards.tree` — the ``(epoch id, member, amount)`` StandardMerkleTree;
* :mod:`~furusato.rewards.outputs` — ``allocation.csv``, ``tree.json``, ``summary.txt``, ``plan.json``,
  written atomically.

Nothing here needs a chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from furusato.merkle import StandardMerkleTree
from furusato.rewards.activity_log import ActivityLog, read_activity_log
from furusato.rewards.allocation import Allocation, allocate
from furusato.rewards.outputs import render_outputs, write_outputs
from furusato.rewards.policy import Epoch, Policy, load_policy, resolve_epoch
from furusato.rewards.tree import build_tree

__all__ = ["RewardPlan", "plan"]


@dataclass(frozen=True)
class RewardPlan:
    """Everything a ``plan`` run produced."""

    policy: Policy
    epoch: Epoch
    log: ActivityLog
    allocation: Allocation
    tree: StandardMerkleTree
    out_dir: Path
    files: dict[str, bytes]
    """The bytes written, by file name."""


def plan(
    log_path: str | Path,
    policy_path: str | Path,
    epoch: str | Epoch | None,
    out_dir: str | Path,
    *,
    overwrite: bool = False,
    dry_run: bool = False,
) -> RewardPlan:
    """Plan one epoch's rewards and write the plan folder ``out_dir``.

    ``epoch`` is ``YYYY-MM`` (id ``YYYYMM``), an :class:`~furusato.rewards.policy.Epoch`, or None to use the
    policy's ``epoch``. Raises :class:`~furusato.errors.ConfigError` for policy/epoch problems,
    :class:`~furusato.errors.InputError` for log problems (all of them at once) and when the budget is
    exceeded under ``over_budget: reject``, and :class:`~furusato.rewards.outputs.PlanExistsError` if
    ``out_dir`` holds a different plan and ``overwrite`` is false. Nothing is written unless everything succeeds,
    and nothing at all with ``dry_run`` (the result still holds every file's bytes).
    """
    policy = load_policy(policy_path)
    run_epoch = resolve_epoch(policy, epoch)
    log = read_activity_log(log_path, policy, run_epoch)
    allocation = allocate(log.rows, policy, run_epoch, log_name=str(log.path))
    tree = build_tree(allocation, log_name=str(log.path))
    files = render_outputs(allocation, tree, policy, log)
    written = Path(out_dir) if dry_run else write_outputs(out_dir, files, overwrite=overwrite)
    return RewardPlan(policy, run_epoch, log, allocation, tree, written, files)
