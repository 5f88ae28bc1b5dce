"""`furusato budget round create|status|vote|finalize`: participatory budget rounds (参加型予算)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from furusato.cli.options import ADDRESS, Deployment, Sending, echo_tx, project_root, reading_options, sending_options


@click.group()
def budget() -> None:
    """Participatory budgets (参加型予算): members choose among plans within a budget governance appropriates."""


@budget.group("round")
def round_group() -> None:
    """A budget round: create (propose), status, vote (direct or signed), finalize."""


@round_group.command("create")
@click.argument("plans", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@sending_options(dry_run=True)
def round_create(plans: Path, deployment: Deployment, sending: Sending) -> None:
    """Validate PLANS (YAML), check the budget against the treasury, deploy the round and propose its opening
    (a budget line whose steward is the round, then `open()`)."""
    from furusato.artifacts import Artifacts
    from furusato.budget import steps
    from furusato.budget.plans import load_round_spec

    spec = load_round_spec(plans)
    s = deployment.session
    prepared = steps.prepare(s.dao, spec)
    sender = sending.approve(s, prepared.lines(), "Deploy this round and propose it")
    if sender is None:
        return
    address, proposal, receipt = steps.create(s.dao, Artifacts(project_root()), sender, prepared)
    click.echo(f"round: {address}")
    echo_tx(f"proposed {proposal.proposal_id}", receipt)


@round_group.command("status")
@click.argument("round_address", metavar="ROUND", type=ADDRESS)
@reading_options
def round_status(round_address: str, deployment: Deployment, tz: dt.tzinfo) -> None:
    """Show ROUND (an address): phase, window, plans with approvals, and the winners as the rule picks them now."""
    from furusato.budget import steps
    from furusato.texttable import text_width
    from furusato.units import format_units, local_time

    dao = deployment.session.dao
    st = steps.status(dao, steps.round_at(dao, round_address))
    unit = "ETH" if int(st.token, 16) == 0 else st.token
    click.echo(f"round {st.address}: {st.phase}; budget {format_units(st.budget)} {unit}; voters {st.mode}; "
               f"approve up to {st.max_approvals}; {st.ballots} ballots")  # fmt: skip
    if st.vote_end:
        click.echo(f"voting {local_time(st.vote_start, tz)} – {local_time(st.vote_end, tz)} (line {st.line_id})")
    width = max(text_width(p.title) for p in st.plans)
    for p in st.plans:
        mark = "★" if p.index in st.recomputed.winners else " "
        pad = " " * (width - text_width(p.title))
        click.echo(f" {mark} #{p.index + 1:<3}{p.title}{pad}  {format_units(p.amount):>12}  {p.approvals:>8} approvals")
    label = "funded" if st.phase == "finalized" else "would win now"
    click.echo(
        f"{label}: {format_units(st.recomputed.total)} {unit}, {format_units(st.recomputed.leftover)} left unspent"
    )
    if not st.agrees:
        click.secho("WARNING: the contract's result differs from the one recomputed from its events", fg="red")


@round_group.command("vote")
@click.argument("round_address", metavar="ROUND", type=ADDRESS)
@click.option("--plans", "plan_numbers", help="Plan numbers to approve, as shown by `status` (e.g. 1,3).")
@click.option("--export", "export_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the EIP-712 ballot for --voter to sign in a wallet (gasless); send nothing.")  # fmt: skip
@click.option("--voter", type=ADDRESS, help="With --export: the member who will sign.")
@click.option("--relay", "relay_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Send a signed ballot ({typedData, signature}); the signing account pays the gas.")  # fmt: skip
@sending_options(dry_run=False)
def round_vote(round_address: str, plan_numbers: str | None, export_path: Path | None, voter: str | None,
               relay_path: Path | None, deployment: Deployment, sending: Sending) -> None:  # fmt: skip
    """Cast a ballot in ROUND: directly (--plans), as a typed-data file to sign (--plans --export --voter), or
    relay a signed one (--relay)."""
    from furusato.ballots import read_signed
    from furusato.budget import steps
    from furusato.budget.round import parse_plan_numbers
    from furusato.errors import InputError
    from furusato.textio import atomic_write

    dao = deployment.session.dao
    rnd = steps.round_at(dao, round_address)
    if relay_path is not None:
        if plan_numbers or export_path:
            raise InputError("--relay sends a ballot already signed: give no --plans or --export with it")
        typed, signature = read_signed(relay_path)
        sender = sending.sender(deployment.session)
        sending.confirm(f"Relay this signed ballot from {sender.address}?")
        echo_tx(f"relayed ballot of {typed['message']['voter']}", steps.relay(dao, rnd, sender, typed, signature))
        return
    if not plan_numbers:
        raise InputError("say which plans to approve: --plans 1,3 (numbers as `budget round status` shows them)")
    st = steps.status(dao, rnd)
    choices = parse_plan_numbers(plan_numbers, len(st.plans), st.max_approvals)
    if export_path is not None:
        if not voter:
            raise InputError("--export needs --voter: the member whose wallet will sign the ballot")
        typed = steps.ballot_typed_data(dao, rnd, voter, choices)
        atomic_write(export_path, json.dumps(typed, ensure_ascii=False, indent=2) + "\n")
        click.echo(f"ballot for {voter} written to {export_path}: sign it with eth_signTypedData_v4, then relay it")
        return
    sender = sending.sender(deployment.session)
    sending.confirm(f"Approve plans {plan_numbers} from {sender.address}?")
    echo_tx(f"ballot cast (plans {plan_numbers})", steps.vote(dao, rnd, sender, choices))


@round_group.command("finalize")
@click.argument("round_address", metavar="ROUND", type=ADDRESS)
@sending_options(dry_run=True)
def round_finalize(round_address: str, deployment: Deployment, sending: Sending) -> None:
    """After the vote: recompute the result from the round's events, refuse if the contract disagrees, then
    finalize (anyone may) and pay the winners from the budget line."""
    from furusato.budget import steps
    from furusato.budget.round import check_finalize
    from furusato.units import format_units

    dao = deployment.session.dao
    rnd = steps.round_at(dao, round_address)
    st = steps.status(dao, rnd)
    check_finalize(st)
    names = ", ".join(f"#{i + 1} {st.plans[i].title}" for i in st.recomputed.winners) or "none"
    sender = sending.approve(
        deployment.session,
        (f"winners (recomputed from {len(st.cast)} ballots, agreeing with the contract): {names}",
         f"paid {format_units(st.recomputed.total)}, left unspent {format_units(st.recomputed.leftover)}"),
        f"Finalize round {st.address}",
    )  # fmt: skip
    if sender is None:
        return
    _, receipt = steps.finalize(dao, rnd, sender)
    echo_tx("finalized", receipt)


COMMANDS = (budget,)
