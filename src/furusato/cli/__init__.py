"""The `furusato` command: the root group on top of the command families (one module each).

Every family imports only :mod:`furusato.cli.options` and the core; this module adds them to the root. The one
place a :class:`~furusato.errors.FurusatoError` becomes ``error: …`` and exit status 2 is :class:`FurusatoGroup`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from furusato import __version__
from furusato.cli import account, budget, deploy, governance, member, membership, portal, report, rewards, treasury
from furusato.cli.options import Context
from furusato.errors import FurusatoError


class FurusatoGroup(click.Group):
    """The root group: a user's mistake (any :class:`FurusatoError`) is one red line and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FurusatoError as exc:
            click.secho(f"error: {exc}", fg="red", err=True)
            ctx.exit(2)


@click.group(cls=FurusatoGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="furusato")
@click.option(
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="furusato-dao checkout (default: the one containing the current folder).",
)
@click.pass_context
def main(ctx: click.Context, project: Path | None) -> None:
    """furusato-dao: a town's governance token, governor, timelock, treasury, rewards, registry and sales."""
    from furusato.artifacts import find_project_root

    ctx.obj = Context(find_project_root(project))


for _family in (account, deploy, treasury, rewards, governance, membership, member, budget, report, portal):
    for _command in _family.COMMANDS:
        main.add_command(_command)
