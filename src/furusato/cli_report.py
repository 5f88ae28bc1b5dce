"""`furusato report`: the transparency report (関係人口の可視化 and the town's books) of a deployed DAO.

Self-contained: the command is defined here and added to ``furusato.cli.main`` when this module loads (cli.py
imports it at its end). The work is :func:`furusato.transparency.build.write_report`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from furusato.errors import FurusatoError


@click.command("report")
@click.option("--network", default="development", show_default=True, help="Brownie network name.")
@click.option(
    "--deployments",
    "records_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of deployment records (default: the project's deployments/).",
)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for index.html, report.json, csv/ and charts/.")  # fmt: skip
@click.option("--plans", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A reward plan folder (from `rewards plan`), for the split by activity; repeatable.")  # fmt: skip
@click.option("--lang", type=click.Choice(["ja", "en"]), default="ja", show_default=True)
@click.option("--until", metavar="YYYY-MM-DD", help="Report as of the end of this day (JST).")
@click.option("--cache", type=click.Path(dir_okay=False, path_type=Path),
              help="SQLite event index (default: deployments/<network>.index.sqlite).")  # fmt: skip
@click.option("--excel-sjis", is_flag=True, help="Write the CSVs in Shift_JIS (cp932) instead of UTF-8 with BOM.")
@click.option("--explorer-url", metavar="TEMPLATE",
              help="Transaction link template, e.g. https://sepolia.etherscan.io/tx/{tx}.")  # fmt: skip
@click.option("--confirmations", type=click.IntRange(min=0),
              help="Blocks kept back for reorgs (default: 0 on development chains, else 12).")  # fmt: skip
@click.option("--project", type=click.Path(file_okay=False, path_type=Path), hidden=True,
              help="furusato-dao checkout (when run outside `furusato`).")  # fmt: skip
@click.pass_context
def report(
    ctx: click.Context,
    network: str,
    records_dir: Path | None,
    out_dir: Path,
    plans: tuple[Path, ...],
    lang: str,
    until: str | None,
    cache: Path | None,
    excel_sjis: bool,
    explorer_url: str | None,
    confirmations: int | None,
    project: Path | None,
) -> None:
    """Index the deployment's events and write the transparency report: a static site (Japanese unless --lang en),
    one CSV per table and report.json. It refuses (writes nothing) if the books rebuilt from events differ from the
    chain's balances, supply or reward totals."""
    from furusato import doors
    from furusato.artifacts import Artifacts, find_project_root
    from furusato.records import read_record, record_path
    from furusato.transparency.build import ReportOptions, write_report
    from furusato.transparency.site import check_template
    from furusato.transparency.timefmt import end_of_day

    try:
        root = getattr(ctx.obj, "root", None) or find_project_root(project)
        if until is not None:
            try:
                end_of_day(until)
            except ValueError:
                raise click.BadParameter(f"{until!r} is not a date (YYYY-MM-DD)", param_hint="--until") from None
        check_template(explorer_url)
        records_file = record_path(records_dir or root / "deployments", network)
        record = read_record(records_file)
        conn = doors.connect(network, root)
        try:
            options = ReportOptions(
                out=out_dir, plans=list(plans), lang=lang, until=until, cache=cache, excel_sjis=excel_sjis,
                explorer_url=explorer_url, confirmations=confirmations, log=lambda line: click.echo(line, err=True),
            )  # fmt: skip
            index = write_report(conn.w3, record, Artifacts(root), options, records_file=records_file)
        finally:
            doors.disconnect()
    except FurusatoError as exc:
        click.secho(f"error: {exc}", fg="red", err=True)
        sys.exit(2)
    click.secho(f"report written: {index}", fg="green")
    click.echo(f"  data: {out_dir / 'report.json'}, tables: {out_dir / 'csv'}")


def _register() -> None:
    from furusato.cli import main

    if "report" not in main.commands:
        main.add_command(report)


_register()
