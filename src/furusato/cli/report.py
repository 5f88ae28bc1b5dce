"""`furusato report`: the transparency report (関係人口の可視化 and the town's books) of a deployed DAO."""

from __future__ import annotations

from pathlib import Path

import click

from furusato.cli.options import Deployment, deployment_options


@click.command("report")
@deployment_options
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
def report(
    deployment: Deployment,
    out_dir: Path,
    plans: tuple[Path, ...],
    lang: str,
    until: str | None,
    cache: Path | None,
    excel_sjis: bool,
    explorer_url: str | None,
    confirmations: int | None,
) -> None:
    """Index the deployment's events and write the transparency report: a static site (Japanese unless --lang en),
    one CSV per table and report.json. It refuses (writes nothing) if the books rebuilt from events differ from the
    chain's balances, supply or reward totals."""
    from furusato.records import record_path
    from furusato.transparency.build import ReportOptions, write_report
    from furusato.transparency.site import check_template
    from furusato.transparency.timefmt import end_of_day

    if until is not None:
        try:
            end_of_day(until)
        except ValueError:
            raise click.BadParameter(f"{until!r} is not a date (YYYY-MM-DD)", param_hint="--until") from None
    check_template(explorer_url)
    s = deployment.session
    options = ReportOptions(
        out=out_dir, plans=list(plans), lang=lang, until=until, cache=cache, excel_sjis=excel_sjis,
        explorer_url=explorer_url, confirmations=confirmations, log=lambda line: click.echo(line, err=True),
    )  # fmt: skip
    index = write_report(s.w3, s.record, s.artifacts, options, records_file=record_path(s.records_dir, s.network))
    click.secho(f"report written: {index}", fg="green")
    click.echo(f"  data: {out_dir / 'report.json'}, tables: {out_dir / 'csv'}")


COMMANDS: list[click.Command] = [report]
