"""The `furusato` command: a thin door onto the package core. Later issues add subcommands here."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from furusato import __version__
from furusato.errors import ChainError, FurusatoError

if TYPE_CHECKING:
    from web3.contract import Contract

    from furusato.chain import ErrorDecoder, Sender
    from furusato.doors import Connection
    from furusato.rewards.onchain import PlanFolder


class Context:
    """Options shared by every subcommand."""

    def __init__(self, project: Path | None) -> None:
        from furusato.artifacts import find_project_root

        self.root = find_project_root(project)


def _fail(exc: FurusatoError) -> None:
    click.secho(f"error: {exc}", fg="red", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="furusato")
@click.option(
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="furusato-dao checkout (default: the one containing the current folder).",
)
@click.pass_context
def main(ctx: click.Context, project: Path | None) -> None:
    """furusato-dao: a town's governance token, governor, timelock and treasury."""
    try:
        ctx.obj = Context(project)
    except FurusatoError as exc:
        _fail(exc)


def standalone_group(commands: list[click.Command]) -> click.Group:
    """A group holding only ``commands``, with the main command's --project option (the `brownie run` scripts'
    `cli` entries and tests run one family of commands this way)."""

    @click.group(context_settings={"help_option_names": ["-h", "--help"]})
    @click.option("--project", type=click.Path(file_okay=False, path_type=Path), default=None)
    @click.pass_context
    def group(ctx: click.Context, project: Path | None) -> None:
        try:
            ctx.obj = Context(project)
        except FurusatoError as exc:
            _fail(exc)

    for command in commands:
        group.add_command(command)
    return group


network_option = click.option(
    "--network",
    default="development",
    show_default=True,
    help="Brownie network name (see `brownie networks list`); `development` is the embedded Anvil.",
)
account_options = [
    click.option(
        "--keystore", type=click.Path(dir_okay=False, path_type=Path), help="Keystore (V3 JSON) to sign with."
    ),
    click.option("--account", "account_id", help="Brownie account id (`brownie accounts new ID`)."),
    click.option(
        "--password-file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="File holding the keystore password, for unattended runs (else FURUSATO_PASSWORD_FILE or a prompt).",
    ),
]


F = TypeVar("F", bound=Callable[..., Any])


def with_accounts(fn: F) -> F:
    """Add the account options (keystore, Brownie account, password file) to a command."""
    for option in reversed(account_options):
        fn = option(fn)
    return fn


@main.command()
@network_option
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), help="Deploy config YAML.")
@click.option(
    "--preset", type=click.Choice(["local", "town"]), help="Built-in preset (default: local, or the config's)."
)
@with_accounts
@click.option("--dry-run", is_flag=True, help="Check the chain and the config, print the plan, send nothing.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.option("--force", is_flag=True, help="Deploy even though deployments/<network>.json already records a DAO.")
@click.option(
    "--deployments",
    "records_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of deployment records (default: the project's deployments/).",
)
@click.pass_obj
def deploy(
    obj: Context,
    network: str,
    config_path: Path | None,
    preset: str | None,
    keystore: Path | None,
    account_id: str | None,
    password_file: Path | None,
    dry_run: bool,
    yes: bool,
    force: bool,
    records_dir: Path | None,
) -> None:
    """Deploy token, timelock, governor and treasury; wire and check them; write deployments/<network>.json."""
    from furusato.artifacts import Artifacts
    from furusato.config import load_config
    from furusato.deploy import deploy_dao, plan_summary
    from furusato.doors import choose_sender, connect, disconnect

    try:
        config = load_config(config_path, preset)
        conn = connect(network, obj.root)
        try:
            sender = choose_sender(conn, keystore=keystore, account_id=account_id, password_file=password_file)
            artifacts = Artifacts(obj.root)
            if not dry_run and not yes:
                for line in plan_summary(config, sender.address, network):
                    click.echo(line)
                if not sys.stdin.isatty():
                    raise click.UsageError("not on a terminal: pass --yes to deploy without confirmation")
                click.confirm(f"Deploy to '{network}'?", abort=True)
            record = deploy_dao(
                conn.w3,
                sender,
                config,
                artifacts,
                network=network,
                development=conn.development,
                records_dir=records_dir or obj.root / "deployments",
                log=click.echo,
                force=force,
                dry_run=dry_run,
            )
            if not dry_run:
                click.secho(f"deployed on {network} (chain {record.chain_id}):", fg="green")
                for name, contract in record.contracts.items():
                    click.echo(f"  {name:<20} {contract.address}")
        finally:
            disconnect()
    except FurusatoError as exc:
        _fail(exc)


# ------------------------------------------------------------------------------------------------ rewards


@main.group()
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
    from furusato.report import units
    from furusato.rewards import plan

    try:
        result = plan(log, policy, epoch, out_dir, overwrite=force, dry_run=dry_run)
    except FurusatoError as exc:
        _fail(exc)
    click.echo(result.files["summary.txt"].decode("utf-8"))
    click.secho(
        f"planned epoch {result.epoch.id}: {len(result.tree.values)} members, {units(result.allocation.total)} tokens,"
        f" root {result.tree.root}" + (" (dry run: nothing written)" if dry_run else f" -> {out_dir}"),
        fg="green",
    )


@dataclass
class RewardsSession:
    """A connection, the ActivityRewards contract of the network's deployment record, and the sender."""

    conn: Connection
    rewards: Contract
    decoder: ErrorDecoder
    sender: Sender


def open_rewards(
    obj: Context,
    network: str,
    records_dir: Path | None,
    keystore: Path | None,
    account_id: str | None,
    password_file: Path | None,
    dev_index: int,
) -> RewardsSession:
    """Connect to ``network`` and find ActivityRewards from ``deployments/<network>.json``, refusing mismatches."""
    from furusato.artifacts import Artifacts, error_selectors
    from furusato.chain import ErrorDecoder
    from furusato.doors import choose_sender, connect
    from furusato.records import read_record, record_path

    record = read_record(record_path(records_dir or obj.root / "deployments", network))
    conn = connect(network, obj.root)
    chain_id = conn.w3.eth.chain_id
    if chain_id != record.chain_id:
        raise ChainError(
            f"network '{network}' is chain {chain_id}, but its deployment record is for chain {record.chain_id}"
        )
    address = record.address("ActivityRewards")
    if not conn.w3.eth.get_code(address):
        raise ChainError(f"no ActivityRewards contract at {address} on '{network}' (was the chain reset?)")
    abi = Artifacts(obj.root).get("ActivityRewards").abi
    sender = choose_sender(
        conn, keystore=keystore, account_id=account_id, password_file=password_file, dev_index=dev_index
    )
    return RewardsSession(
        conn=conn,
        rewards=conn.w3.eth.contract(address=address, abi=abi),
        decoder=ErrorDecoder(error_selectors([abi])),
        sender=sender,
    )


def records_option(fn: F) -> F:
    """--deployments: the folder of deployment records a chain command reads."""
    return click.option(
        "--deployments",
        "records_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Folder of deployment records (default: the project's deployments/).",
    )(fn)


def sending_options(*, dry_run: bool) -> Callable[[F], F]:
    """The options of a command that sends transactions: network, records, accounts, --yes, --dev-account, and
    --dry-run when the command has one."""

    def decorate(fn: F) -> F:
        fn = click.option("--dev-account", "dev_index", type=int, default=0, show_default=True,
                          help="Development network only: which Anvil account signs.")(fn)  # fmt: skip
        fn = click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")(fn)
        if dry_run:
            fn = click.option("--dry-run", is_flag=True,
                              help="Read the chain and say what would be sent; send nothing.")(fn)  # fmt: skip
        fn = with_accounts(fn)
        fn = records_option(fn)
        return network_option(fn)

    return decorate


def rewards_chain_command(fn: F) -> F:
    """The options every on-chain rewards command takes, plus the plan folder argument."""
    fn = sending_options(dry_run=True)(fn)
    return click.argument("plan_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))(fn)


@contextmanager
def rewards_session(
    obj: Context,
    plan_dir: Path,
    network: str,
    records_dir: Path | None,
    keystore: Path | None,
    account_id: str | None,
    password_file: Path | None,
    dev_index: int,
) -> Iterator[tuple[PlanFolder, RewardsSession]]:
    """The checked plan folder and an open rewards session; disconnects (stopping a launched Anvil) afterwards."""
    from furusato.doors import disconnect
    from furusato.rewards.onchain import load_plan_folder

    folder = load_plan_folder(plan_dir)
    session = open_rewards(obj, network, records_dir, keystore, account_id, password_file, dev_index)
    try:
        yield folder, session
    finally:
        disconnect()


def _confirm(question: str, yes: bool, dry_run: bool) -> None:
    if yes or dry_run:
        return
    if not sys.stdin.isatty():
        raise click.UsageError("not on a terminal: pass --yes to send without confirmation")
    click.confirm(question, abort=True)


@rewards.command("publish")
@rewards_chain_command
@click.pass_obj
def rewards_publish(obj: Context, plan_dir: Path, network: str, keystore: Path | None, account_id: str | None,
                    password_file: Path | None, records_dir: Path | None, dry_run: bool, yes: bool,
                    dev_index: int) -> None:  # fmt: skip
    """Publish PLAN_DIR's Merkle root for its epoch (a coordinator's transaction); idempotent."""
    from furusato.rewards.onchain import publish

    try:
        with rewards_session(obj, plan_dir, network, records_dir, keystore, account_id, password_file,
                             dev_index) as (folder, s):  # fmt: skip
            _confirm(f"Publish epoch {folder.epoch} ({folder.leaf_count} members) on '{network}'?", yes, dry_run)
            publish(s.conn.w3, s.sender, s.rewards, folder, network=network, decoder=s.decoder, dry_run=dry_run,
                    log=click.echo)  # fmt: skip
    except FurusatoError as exc:
        _fail(exc)


@rewards.command("distribute")
@rewards_chain_command
@click.option(
    "--batch-size", type=click.IntRange(1, 1000), help="Leaves per transaction (default: from the gas limit)."
)
@click.pass_obj
def rewards_distribute(obj: Context, plan_dir: Path, network: str, keystore: Path | None, account_id: str | None,
                       password_file: Path | None, records_dir: Path | None, dry_run: bool, yes: bool,
                       dev_index: int, batch_size: int | None) -> None:  # fmt: skip
    """Pay every member of PLAN_DIR not paid yet (push); resumable, never pays a leaf twice."""
    from furusato.rewards.onchain import distribute, epoch_state

    try:
        with rewards_session(obj, plan_dir, network, records_dir, keystore, account_id, password_file,
                             dev_index) as (folder, s):  # fmt: skip
            state = epoch_state(s.rewards, folder.epoch)
            left = max(state.leaf_count - state.cursor, 0)
            _confirm(f"Pay up to {left} member(s) of epoch {folder.epoch} on '{network}'?", yes, dry_run)
            with click.progressbar(length=left, label="paying", file=sys.stderr) as bar:
                result = distribute(s.conn.w3, s.sender, s.rewards, folder, network=network, decoder=s.decoder,
                                    batch_size=batch_size, dry_run=dry_run, log=click.echo,
                                    progress=bar.update)  # fmt: skip
            if not dry_run:
                click.secho(
                    f"epoch {folder.epoch}: {result.state.cursor}/{result.state.leaf_count} leaves settled, "
                    f"{result.state.minted} of {result.state.total} base units minted",
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
    except FurusatoError as exc:
        _fail(exc)


@rewards.command("claim")
@rewards_chain_command
@click.option("--member", required=True, help="Whose reward to claim (tokens always go to the member).")
@click.pass_obj
def rewards_claim(obj: Context, plan_dir: Path, network: str, keystore: Path | None, account_id: str | None,
                  password_file: Path | None, records_dir: Path | None, dry_run: bool, yes: bool, dev_index: int,
                  member: str) -> None:  # fmt: skip
    """Claim one member's reward with its Merkle proof (the sender pays gas; the member receives the tokens)."""
    from furusato.rewards.onchain import claim

    try:
        with rewards_session(obj, plan_dir, network, records_dir, keystore, account_id, password_file,
                             dev_index) as (folder, s):  # fmt: skip
            _confirm(f"Claim {member}'s reward for epoch {folder.epoch} on '{network}'?", yes, dry_run)
            receipt = claim(s.conn.w3, s.sender, s.rewards, folder, member, network=network, decoder=s.decoder,
                            dry_run=dry_run, log=click.echo)  # fmt: skip
            if receipt is not None:
                click.secho(f"{member}: epoch {folder.epoch} reward claimed", fg="green")
    except FurusatoError as exc:
        _fail(exc)


# `proposal`, `delegate`, `ballot` and `relayer` live in their own module, which adds them to `main` when it loads
# (whichever of the two modules is imported first).
import furusato.cli_governance  # noqa: E402, F401
from furusato import cli_membership, cli_report  # noqa: E402, F401

if __name__ == "__main__":  # pragma: no cover
    main()
