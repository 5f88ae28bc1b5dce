"""`furusato deploy`: token, timelock, governor, treasury (and rewards, registry) deployed, wired and checked."""

from __future__ import annotations

from pathlib import Path

import click

from furusato.accounts import SignerChoice
from furusato.cli.options import Sending, network_option, project_root, records_option, signer_options


@click.command()
@network_option
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), help="Deploy config YAML.")
@click.option(
    "--preset", type=click.Choice(["local", "town"]), help="Built-in preset (default: local, or the config's)."
)
@signer_options
@click.option("--dry-run", is_flag=True, help="Check the chain and the config, print the plan, send nothing.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.option("--force", is_flag=True, help="Deploy even though deployments/<network>.json already records a DAO.")
@click.option(
    "--restart",
    is_flag=True,
    help="Set aside an unfinished deployment (deployments/<network>.partial.json) that no longer fits the config "
    "and start a new one; its contracts stay on chain, unused.",
)
@records_option
def deploy(
    network: str,
    config_path: Path | None,
    preset: str | None,
    signer: SignerChoice,
    dry_run: bool,
    yes: bool,
    force: bool,
    restart: bool,
    records_dir: Path | None,
) -> None:
    """Deploy token, timelock, governor and treasury; wire and check them; write deployments/<network>.json.

    Every preflight check runs first; then the plan is printed once, then the question (unless --yes), then the
    steps."""
    from furusato.artifacts import Artifacts
    from furusato.config import load_config
    from furusato.deploy import prepare_deploy, run_deploy
    from furusato.networks import connect

    root = project_root()
    config = load_config(config_path, preset)
    with connect(network, root) as conn:
        sender = signer.sender(conn.w3, network, conn.development)
        prepared = prepare_deploy(  # every preflight check, before the question and before anything is sent
            conn.w3,
            sender,
            config,
            Artifacts(root),
            network=network,
            development=conn.development,
            records_dir=records_dir or root / "deployments",
            force=force,
            restart=restart,
        )
        for line in prepared.summary():  # the plan, printed once
            click.echo(line)
        if dry_run:
            click.echo("dry run: nothing was sent")
            return
        Sending(signer, yes).confirm(f"Deploy to '{network}'?")
        record = run_deploy(prepared, log=click.echo)
    click.secho(f"deployed on {network} (chain {record.chain_id}):", fg="green")
    for name, contract in record.contracts.items():
        click.echo(f"  {name:<20} {contract.address}")


COMMANDS: list[click.Command] = [deploy]
