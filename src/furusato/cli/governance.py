"""Governance commands: proposals, delegation, wallet ballots and the gasless relayer."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from furusato.accounts import SignerChoice
from furusato.cli.options import (
    ADDRESS,
    Deployment,
    Sending,
    deployment_options,
    echo_tx,
    open_relayer,
    reading_options,
    sending_options,
    serve_portal,
    signer_options,
    tz_option,
)

if TYPE_CHECKING:
    from furusato.chain import Sender
    from furusato.proposals.dao import Dao

F = TypeVar("F", bound=Callable[..., Any])


# ------------------------------------------------------------------------------------------------ proposal


@click.group()
def proposal() -> None:
    """Proposals: create from a YAML spec, list, show, vote, queue, execute, cancel."""


@proposal.command("create")
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@sending_options(dry_run=True)
def proposal_create(spec: Path, deployment: Deployment, sending: Sending) -> None:
    """Validate SPEC (YAML), print its preview and propose it (--dry-run: validate against the chain only)."""
    from furusato.proposals import steps
    from furusato.proposals.spec import build_file, refuse_public_test_accounts

    s = deployment.session
    built = build_file(spec, s.dao)
    if not s.development:
        refuse_public_test_accounts(built, s.network)
    sender = sending.approve(s, built.preview(), "Propose this")
    if sender is None:
        return
    built = steps.bind(built, sender)  # `#proposer=0x…`: nobody else can submit it first and own its id
    echo_tx(f"proposed {built.proposal.proposal_id}", steps.create(s.dao, sender, built))


@proposal.command("list")
@reading_options
def proposal_list(deployment: Deployment, tz: dt.tzinfo) -> None:
    """Every proposal on the governor: state, votes, quorum progress and what comes next."""
    from furusato.proposals.status import find_proposals, read_status, summary_line

    dao = deployment.reader.dao
    infos = find_proposals(dao)
    if not infos:
        click.echo("no proposals yet")
    for number, info in enumerate(infos, start=1):  # the # number names the proposal in every command
        click.echo(f"#{number}  " + summary_line(read_status(dao, info), tz))


@proposal.command("show")
@click.argument("proposal_id")
@reading_options
def proposal_show(proposal_id: str, deployment: Deployment, tz: dt.tzinfo) -> None:
    """One proposal in full: state, votes, quorum, deadlines in local time, actions, description.

    PROPOSAL_ID (here and in vote, queue, execute, cancel): the full id, its # number in `proposal list`, or an
    unambiguous prefix of 4 or more digits."""
    from furusato.proposals.status import find_proposal, format_status, read_status, resolve_proposal_id

    dao = deployment.reader.dao
    pid = resolve_proposal_id(dao, proposal_id)
    for line in format_status(read_status(dao, find_proposal(dao, pid)), tz):
        click.echo(line)


def _step(name: str, doc: str, question: Callable[..., str]) -> Callable[[Callable[..., None]], click.Command]:
    """A proposal step command (PROPOSAL_ID, sending options, --tz). The decorated function receives
    ``(dao, sender, pid, tz, **its own options)`` after the id is parsed, the sender chosen and
    ``question(pid, sender, **its own options)`` confirmed."""

    def wrap(act: Callable[..., None]) -> click.Command:
        def command(proposal_id: str, deployment: Deployment, sending: Sending, tz: dt.tzinfo, **extra: Any) -> None:
            from furusato.proposals.status import resolve_proposal_id

            s = deployment.session
            pid = resolve_proposal_id(s.dao, proposal_id)
            sender = sending.sender(s)
            sending.confirm(question(pid, sender, **extra))
            act(s.dao, sender, pid, tz, **extra)

        command.__doc__ = doc
        command.__click_params__ = getattr(act, "__click_params__", [])  # type: ignore[attr-defined]
        fn = tz_option(sending_options(dry_run=False)(command))
        return proposal.command(name)(click.argument("proposal_id")(fn))

    return wrap


@_step("vote", "Vote on PROPOSAL_ID (for, against or abstain).",
       lambda pid, sender, support, **_: f"Vote {support} on {pid} as {sender.address}?")  # fmt: skip
@click.option("--support", required=True, type=click.Choice(["for", "against", "abstain"]))
@click.option("--reason", default="", help="A reason recorded on chain with the vote.")
def proposal_vote(dao: Dao, sender: Sender, pid: int, tz: dt.tzinfo, support: str, reason: str) -> None:
    from furusato.proposals import steps

    echo_tx(f"voted {support}", steps.vote(dao, sender, pid, steps.parse_support(support), reason, tz))


@_step("queue", "Queue a succeeded PROPOSAL_ID in the timelock.", lambda pid, _sender: f"Queue {pid}?")
def proposal_queue(dao: Dao, sender: Sender, pid: int, tz: dt.tzinfo) -> None:
    from furusato.proposals import steps
    from furusato.proposals.status import find_proposal, read_status
    from furusato.units import local_time

    _info, receipt = steps.queue(dao, sender, pid, tz)
    echo_tx("queued", receipt)
    click.echo(f"timelock ready at {local_time(read_status(dao, find_proposal(dao, pid)).eta, tz)}")


@_step("execute", "Execute a queued PROPOSAL_ID once its timelock delay has passed.",
       lambda pid, _sender: f"Execute {pid}?")  # fmt: skip
def proposal_execute(dao: Dao, sender: Sender, pid: int, tz: dt.tzinfo) -> None:
    from furusato.proposals import steps

    echo_tx("executed", steps.execute(dao, sender, pid, tz))


@_step("cancel", "Cancel PROPOSAL_ID (the guardian any time before execution; the proposer while pending).",
       lambda pid, _sender: f"Cancel {pid}?")  # fmt: skip
def proposal_cancel(dao: Dao, sender: Sender, pid: int, tz: dt.tzinfo) -> None:
    from furusato.proposals import steps

    echo_tx("canceled", steps.cancel(dao, sender, pid, tz))


# ------------------------------------------------------------------------------------------------ delegate


@click.command()
@click.argument("to")
@sending_options(dry_run=False)
def delegate(to: str, deployment: Deployment, sending: Sending) -> None:
    """Delegate your votes to TO (an address, `self`, or `none` to opt out)."""
    from furusato.proposals import steps

    s = deployment.session
    sender = sending.sender(s)
    sending.confirm(f"Delegate the votes of {sender.address} to {to}?")
    echo_tx(f"delegated to {to}", steps.delegate(s.dao, sender, to))


# ------------------------------------------------------------------------------------------------ ballot


@click.group()
def ballot() -> None:
    """Wallet signatures: export EIP-712 typed data for eth_signTypedData_v4, verify a signature offline."""


@ballot.command("export")
@click.argument("kind", type=click.Choice(["ballot", "delegation", "permit"]))
@click.option("--proposal", "proposal_id", help="ballot: the proposal id.")
@click.option("--support", type=click.Choice(["for", "against", "abstain"]), help="ballot: the vote.")
@click.option("--voter", type=ADDRESS, help="ballot: who votes (whose nonce is used).")
@click.option("--delegator", type=ADDRESS, help="delegation: whose votes are delegated (whose nonce is used).")
@click.option("--delegatee", type=ADDRESS, help="delegation: who receives them (an address).")
@click.option("--owner", type=ADDRESS, help="permit: token owner.")
@click.option("--spender", type=ADDRESS, help="permit: who may spend.")
@click.option("--amount", help="permit: whole tokens (e.g. 12.5).")
@click.option("--expires", default="7 days", show_default=True,
              help="delegation expiry / permit deadline: duration from now, ISO date/time or timestamp.")  # fmt: skip
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the JSON here (default: stdout).")
@reading_options
def ballot_export(kind: str, proposal_id: str | None, support: str | None, voter: str | None,
                  delegator: str | None, delegatee: str | None, owner: str | None, spender: str | None,
                  amount: str | None, expires: str, out: Path | None, deployment: Deployment,
                  tz: dt.tzinfo) -> None:  # fmt: skip
    """Print the typed data a wallet signs with eth_signTypedData_v4 (types, domain, primaryType, message)."""
    from furusato import ballots
    from furusato.errors import InputError
    from furusato.proposals import steps
    from furusato.proposals.status import resolve_proposal_id
    from furusato.units import parse_units

    def need(value: str | None, option: str) -> str:
        if not value:
            raise InputError(f"{kind} needs --{option}")
        return value

    dao = deployment.session.dao
    if kind == "ballot":
        pid = resolve_proposal_id(dao, need(proposal_id, "proposal"))
        typed = ballots.export_ballot(dao, pid, steps.parse_support(need(support, "support")), need(voter, "voter"))
    elif kind == "delegation":
        expiry = ballots.time_or_duration(expires, dao.now())
        typed = ballots.export_delegation(dao, need(delegator, "delegator"), need(delegatee, "delegatee"),
                                          expiry)  # fmt: skip
    else:
        deadline = ballots.time_or_duration(expires, dao.now())
        typed = ballots.export_permit(dao, need(owner, "owner"), need(spender, "spender"),
                                      parse_units(need(amount, "amount"), "--amount"), deadline)  # fmt: skip
    text = json.dumps(typed, indent=2, ensure_ascii=False) + "\n"
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {typed['primaryType']} typed data to {out}", err=True)


@ballot.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--signature", help="The signature, when FILE holds only the typed data.")
@reading_options
def ballot_verify(file: Path, signature: str | None, deployment: Deployment, tz: dt.tzinfo) -> None:
    """Verify a signed FILE ({"typedData", "signature"}) against the chain without sending anything."""
    from furusato import ballots

    typed, sig = ballots.read_signed(file, signature)
    for line in ballots.verify(deployment.session.dao, typed, sig, tz).lines():
        click.echo(line)


# ------------------------------------------------------------------------------------------------ relayer


@click.group()
def relayer() -> None:
    """Gasless voting: relay signed ballots and delegations from a funded account."""


def _relayer_options(fn: F) -> F:
    fn = click.option("--log", "log_path", type=click.Path(dir_okay=False, path_type=Path),
                      help="JSONL log of submissions (default: relayer-<network>.jsonl).")(fn)  # fmt: skip
    fn = click.option("--daily-gas", type=click.IntRange(1), default=20_000_000, show_default=True,
                      help="Most gas the relayer spends per day (JST).")(fn)  # fmt: skip
    fn = click.option("--retry-seconds", type=click.FloatRange(0), default=30.0, show_default=True,
                      help="How long to keep retrying while the node is unreachable.")(fn)  # fmt: skip
    fn = tz_option(fn)
    fn = signer_options(fn, dev_help="Development network only: which Anvil account pays the gas.")
    return deployment_options(fn)


@relayer.command("serve")
@_relayer_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (127.0.0.1: this machine only).")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option("--max-body", type=click.IntRange(256), default=16_384, show_default=True, help="Largest body (bytes).")
def relayer_serve(deployment: Deployment, signer: SignerChoice, tz: dt.tzinfo, retry_seconds: float, daily_gas: int,
                  log_path: Path | None, host: str, port: int, max_body: int) -> None:  # fmt: skip
    """Serve POST /relay (also /ballot, /delegation, /api/relay) and GET /health, /api/relayer/status until
    interrupted: the member portal's service (`furusato portal serve`), under the relayer's name and options."""
    from furusato.portal import PortalSettings

    s = deployment.session
    rel = open_relayer(s, signer, log_path, daily_gas, tz, retry_seconds=retry_seconds, max_body=max_body)
    serve_portal(s, rel, host, port, PortalSettings(tz=tz), lambda url: (
        f"relayer for chain {rel.chain_id} (governor {s.dao.governor.address}) paying from {rel.sender.address}: "
        f"listening on {url}"))  # fmt: skip


@relayer.command("batch")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_relayer_options
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def relayer_batch(folder: Path, deployment: Deployment, signer: SignerChoice, tz: dt.tzinfo, retry_seconds: float,
                  daily_gas: int, log_path: Path | None, yes: bool) -> None:  # fmt: skip
    """Submit every signed *.json in FOLDER; report each; exit 1 if any was refused."""
    from furusato.relayer import relay_folder

    rel = open_relayer(deployment.session, signer, log_path, daily_gas, tz, retry_seconds=retry_seconds)
    count = len(list(folder.glob("*.json")))
    Sending(signer, yes).confirm(f"Relay {count} signed file(s) from {folder} paying from {rel.sender.address}?")
    results = relay_folder(rel, folder)
    for r in results:
        if r.ok:
            click.echo(f"{r.file.name}: {r.message} (gas {r.gas_used:,})")
        else:
            click.secho(f"{r.file.name}: refused ({r.status}): {r.message}", fg="red")
    refused = sum(not r.ok for r in results)
    click.echo(f"{len(results) - refused} relayed, {refused} refused")
    if refused:
        raise SystemExit(1)


COMMANDS: list[click.Command] = [proposal, delegate, ballot, relayer]
