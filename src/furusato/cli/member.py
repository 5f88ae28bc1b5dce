"""`furusato member show`: one member as the DAO sees them (a read command)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from furusato.cli.options import ADDRESS, Deployment, reading_options


@click.group()
def member() -> None:
    """One member: card, balance, votes, delegate, rewards, nonce."""


@member.command("show")
@click.argument("address", type=ADDRESS)
@click.option("--proposal", "proposal_id", help="Also the votes at this proposal's snapshot (id, # number or prefix).")
@click.option("--plan", "plans", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A rewards plan folder: the member's reward in it, paid or withheld (repeatable).")  # fmt: skip
@reading_options
def member_show(address: str, proposal_id: str | None, plans: tuple[Path, ...], deployment: Deployment,
                tz: dt.tzinfo) -> None:  # fmt: skip
    """ADDRESS's card, balance, votes now (and at a proposal's snapshot with --proposal), delegate, signature nonce,
    and rewards paid or withheld per epoch of the --plan folders."""
    from furusato.membership.member_view import format_member, member_view
    from furusato.proposals.status import find_proposal, resolve_proposal_id

    s = deployment.reader
    dao = s.dao
    snapshot = None
    if proposal_id is not None:
        snapshot = find_proposal(dao, resolve_proposal_id(dao, proposal_id)).vote_start
    view = member_view(dao.token, dao.registry, dao.rewards, address, snapshot=snapshot, plan_folders=plans,
                       now=dao.now())  # fmt: skip
    for line in format_member(view, tz):
        click.echo(line)


COMMANDS: list[click.Command] = [member]
