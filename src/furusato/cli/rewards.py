"""`furusato rewards`: plan an epoch from an activity log, publish its root, pay members (push), claim one reward."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from furusato.cli.options import ADDRESS, Deployment, Sending, sending_options

if TYPE_CHECKING:
    from furusato.rewards.onchain import PlanFolder, RewardsDesk


@click.group()
def rewards() -> None:
    """Activity rewards: plan an epoch from an activity log, publish its root, pay members."""


@rewards.command("plan")
@click.argument("log", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--policy", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--epoch", help="YYYY-MM (epoch id YYYYMM); default: the policy's epoch.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a different plan already in --out.")
@click.option("--dry-run", is_flag=True, help="Check the log and show the summary; write nothing.")
def rewards_plan(log: Path, policy: Path, epoch: str | None, out_dir: Path, force: bool, dry_run: bool) -> None:
    """Turn LOG (CSV in UTF-8, UTF-8 with BOM or Shift_JIS, or JSON) into allocations and a Merkle tree in --out."""
    from furusato.rewards import plan
    from furusato.units import format_units as units

    result = plan(log, policy, epoch, out_dir, overwrite=force, dry_run=dry_run)
    click.echo(result.files["summary.txt"].decode("utf-8"))
    click.secho(
        f"planned epoch {result.epoch.id}: {len(result.tree.values)} members, {units(result.allocation.total)} tokens,"
        f" root {result.tree.root}" + (" (dry run: nothing written)" if dry_run else f" -> {out_dir}"),
        fg="green",
    )


def _chain_command(fn: Any) -> Any:
    """An on-chain rewards command: the plan folder argument and the sending options."""
    plan_dir = click.argument("plan_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
    return plan_dir(sending_options(dry_run=True)(fn))


def _open(plan_dir: Path, deployment: Deployment, sending: Sending) -> tuple[PlanFolder, RewardsDesk]:
    """The checked plan folder (before connecting), then the desk that sends: the opened deployment's rewards
    contract, the sender, --dry-run, lines to the terminal."""
    from furusato.rewards.onchain import RewardsDesk, load_plan_folder

    folder = load_plan_folder(plan_dir)
    s = deployment.session
    rewards = s.rewards()
    desk = RewardsDesk(s.w3, sending.sender(s), rewards, s.network, s.dao.decoder, click.echo, sending.dry_run)
    return folder, desk


@rewards.command("publish")
@_chain_command
def rewards_publish(plan_dir: Path, deployment: Deployment, sending: Sending) -> None:
    """Publish PLAN_DIR's Merkle root for its epoch (a coordinator's transaction); idempotent."""
    from furusato.rewards.onchain import publish

    folder, desk = _open(plan_dir, deployment, sending)
    sending.confirm(f"Publish epoch {folder.epoch} ({folder.leaf_count} members) on '{desk.network}'?")
    publish(desk, folder)


@rewards.command("distribute")
@_chain_command
@click.option(
    "--batch-size", type=click.IntRange(1, 1000), help="Leaves per transaction (default: from the gas limit)."
)
def rewards_distribute(plan_dir: Path, deployment: Deployment, sending: Sending, batch_size: int | None) -> None:
    """Pay every member of PLAN_DIR not paid yet (push); resumable, never pays a leaf twice."""
    from furusato.rewards.onchain import distribute, epoch_state
    from furusato.units import format_units as units

    folder, desk = _open(plan_dir, deployment, sending)
    state = epoch_state(desk.rewards, folder.epoch)
    left = max(state.leaf_count - state.cursor, 0)
    sending.confirm(f"Pay up to {left} member(s) of epoch {folder.epoch} on '{desk.network}'?")
    with click.progressbar(length=left, label="paying", file=sys.stderr) as bar:
        result = distribute(desk, folder, batch_size=batch_size, progress=bar.update)
    if not sending.dry_run:
        click.secho(
            f"epoch {folder.epoch}: {result.state.cursor}/{result.state.leaf_count} leaves settled, "
            f"{units(result.state.minted)} of {units(result.state.total)} tokens minted",
            fg="green",
        )
    if result.withheld:
        accounts = [account for _index, account, _amount in result.withheld]
        click.secho(
            f"{len(accounts)} reward(s) WITHHELD: not registered members at push time (members-only "
            f"rewards): {', '.join(accounts)}\n  once registered: furusato rewards claim {plan_dir} "
            "--member ADDRESS",
            fg="yellow",
        )


@rewards.command("claim")
@_chain_command
@click.option("--member", required=True, type=ADDRESS, help="Whose reward to claim (tokens always go to the member).")
def rewards_claim(plan_dir: Path, deployment: Deployment, sending: Sending, member: str) -> None:
    """Claim one member's reward with its Merkle proof (the sender pays gas; the member receives the tokens)."""
    from furusato.rewards.onchain import claim

    folder, desk = _open(plan_dir, deployment, sending)
    sending.confirm(f"Claim {member}'s reward for epoch {folder.epoch} on '{desk.network}'?")
    receipt = claim(desk, folder, member)
    if receipt is not None:
        click.secho(f"{member}: epoch {folder.epoch} reward claimed", fg="green")


COMMANDS: list[click.Command] = [rewards]
