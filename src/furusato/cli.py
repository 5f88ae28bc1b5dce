"""The `furusato` command: a thin door onto the package core. Later issues add subcommands here."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from furusato import __version__
from furusato.errors import FurusatoError


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


if __name__ == "__main__":  # pragma: no cover
    main()
