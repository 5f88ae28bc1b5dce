"""The member portal's door: ``furusato portal serve`` (pages, JSON API and the gasless relayer, one ASGI app)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from furusato.accounts import SignerChoice
from furusato.cli.options import Deployment, deployment_options, open_relayer, serve_portal, signer_options, tz_option


@click.group()
def portal() -> None:
    """The member portal: proposals, votes and delegation from members' own wallets, gasless."""


@portal.command("serve")
@deployment_options
@signer_options
@tz_option
@click.option("--read-only", is_flag=True, help="Serve the pages and the read API only: no relayer, nothing is paid.")
@click.option("--log", "log_path", type=click.Path(dir_okay=False, path_type=Path),
              help="The relayer's JSONL journal (default: relayer-<network>.jsonl).")  # fmt: skip
@click.option("--daily-gas", type=click.IntRange(1), default=20_000_000, show_default=True,
              help="Most gas the relayer spends per day (JST).")  # fmt: skip
@click.option("--per-client", type=click.IntRange(0), default=30, show_default=True,
              help="Relayed submissions per client address per minute (0: no limit).")  # fmt: skip
@click.option("--per-signer", type=click.IntRange(0), default=20, show_default=True,
              help="Relayed submissions per signer per hour (0: no limit).")  # fmt: skip
@click.option("--rpc-url", default="", help="RPC URL a wallet should add for this chain (default: the node's).")
@click.option("--cors-origin", "cors_origins", multiple=True, help="Allow this origin cross-site (default: none).")
@click.option("--report", "report_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A transparency report folder (`furusato report --out DIR`) to serve at /report/.")  # fmt: skip
@click.option("--plans", "plans", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A reward plan folder (`furusato rewards plan --out DIR`) or a folder holding them (repeatable): "
                   "my page then shows rewards per month and offers a gasless claim of a withheld one.")  # fmt: skip
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (127.0.0.1: this machine only).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
def portal_serve(deployment: Deployment, signer: SignerChoice, tz: dt.tzinfo, read_only: bool, log_path: Path | None,
                 daily_gas: int, per_client: int, per_signer: int, rpc_url: str, cors_origins: tuple[str, ...],
                 report_dir: Path | None, plans: tuple[Path, ...], host: str, port: int) -> None:  # fmt: skip
    """Serve the portal until interrupted (Ctrl-C). With --read-only nothing is relayed; otherwise the relayer pays
    from --keystore (live networks) or --dev-account (development)."""
    from furusato.portal import PortalSettings

    s = deployment.session
    relayer = None
    if not read_only:
        relayer = open_relayer(s, signer, log_path, daily_gas, tz, per_client_per_minute=per_client,
                               per_signer_per_hour=per_signer)  # fmt: skip
    who = "read-only" if relayer is None else f"relayer paying from {relayer.sender.address}"
    click.echo(f"portal for '{s.network}' (governor {s.dao.governor.address}), {who}")
    settings = PortalSettings(
        rpc_url=rpc_url, cors_origins=list(cors_origins), tz=tz, report_dir=report_dir, plans=list(plans)
    )
    serve_portal(s, relayer, host, port, settings, lambda url: f"open {url}/  (Ctrl-C stops)")


COMMANDS: list[click.Command] = [portal]
