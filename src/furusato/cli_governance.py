"""Governance commands of `furusato`: proposals, delegation, wallet ballots and the gasless relayer.

``COMMANDS`` lists the click commands to register on ``furusato.cli.main``; ``standalone()`` builds a group with
only these (``python -m furusato.cli_governance``) for trying them without the main command.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from furusato.cli import (
    Context,
    _confirm,
    _fail,
    main,
    network_option,
    records_option,
    sending_options,
    standalone_group,
    with_accounts,
)
from furusato.errors import FurusatoError

F = TypeVar("F", bound=Callable[..., Any])


def _tz_option(fn: F) -> F:
    return click.option(
        "--tz", default="JST", show_default=True, help="Time zone for times: JST, UTC, +09:00, Asia/Tokyo."
    )(fn)


_sending = sending_options(dry_run=False)


def _reading(fn: F) -> F:
    return network_option(records_option(_tz_option(fn)))


_ARTIFACTS: dict[Path, Any] = {}


def _artifacts(root: Path) -> Any:
    """The project's artifacts, read once per process (they are large JSON files)."""
    from furusato.artifacts import Artifacts

    if root not in _ARTIFACTS:
        _ARTIFACTS[root] = Artifacts(root)
    return _ARTIFACTS[root]


@contextmanager
def _session(obj: Context, network: str, records_dir: Path | None) -> Iterator[Any]:
    """Connect to ``network`` and yield ``(connection, Dao)``; disconnects afterwards."""
    from furusato.doors import connect, disconnect
    from furusato.proposals.dao import load_dao
    from furusato.records import read_record, record_path

    record = read_record(record_path(records_dir or obj.root / "deployments", network))
    conn = connect(network, obj.root)
    try:
        yield conn, load_dao(conn.w3, record, _artifacts(obj.root))
    finally:
        disconnect()


def _sender(
    conn: Any, keystore: Path | None, account_id: str | None, password_file: Path | None, dev_index: int
) -> Any:
    from furusato.doors import choose_sender

    return choose_sender(
        conn, keystore=keystore, account_id=account_id, password_file=password_file, dev_index=dev_index
    )


def _tx(label: str, receipt: Any) -> None:
    click.secho(f"{label}: tx {receipt['transactionHash'].to_0x_hex()} (block {receipt['blockNumber']}, "
                f"gas {receipt['gasUsed']:,})", fg="green")  # fmt: skip


# ------------------------------------------------------------------------------------------------ proposal


@click.group()
def proposal() -> None:
    """Proposals: create from a YAML spec, list, show, vote, queue, execute, cancel."""


@proposal.command("create")
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_sending
@click.option("--dry-run", is_flag=True, help="Validate against the chain and print the preview; send nothing.")
@click.pass_obj
def proposal_create(obj: Context, spec: Path, network: str, records_dir: Path | None, keystore: Path | None,
                    account_id: str | None, password_file: Path | None, yes: bool, dev_index: int,
                    dry_run: bool) -> None:  # fmt: skip
    """Validate SPEC (YAML), print its preview and propose it."""
    from furusato.proposals import steps
    from furusato.proposals.spec import build_file

    try:
        with _session(obj, network, records_dir) as (conn, dao):
            built = build_file(spec, dao)
            for line in built.preview():
                click.echo(line)
            if dry_run:
                click.echo("dry run: nothing was sent")
                return
            sender = _sender(conn, keystore, account_id, password_file, dev_index)
            _confirm(f"Propose this from {sender.address} on '{network}'?", yes, False)
            built = steps.bind(built, sender)
            receipt = steps.create(dao, sender, built)
            _tx(f"proposed {built.proposal.proposal_id}", receipt)
    except FurusatoError as exc:
        _fail(exc)


@proposal.command("list")
@_reading
@click.pass_obj
def proposal_list(obj: Context, network: str, records_dir: Path | None, tz: str) -> None:
    """Every proposal on the governor: state, votes, quorum progress and what comes next."""
    from furusato.proposals.status import find_proposals, parse_tz, read_status, summary_line

    try:
        zone = parse_tz(tz)
        with _session(obj, network, records_dir) as (_conn, dao):
            infos = find_proposals(dao)
            if not infos:
                click.echo("no proposals yet")
            for info in infos:
                click.echo(summary_line(read_status(dao, info), zone))
    except FurusatoError as exc:
        _fail(exc)


@proposal.command("show")
@click.argument("proposal_id")
@_reading
@click.pass_obj
def proposal_show(obj: Context, proposal_id: str, network: str, records_dir: Path | None, tz: str) -> None:
    """One proposal in full: state, votes, quorum, deadlines in local time, actions, description."""
    from furusato.proposals.status import find_proposal, format_status, parse_proposal_id, parse_tz, read_status

    try:
        zone, pid = parse_tz(tz), parse_proposal_id(proposal_id)
        with _session(obj, network, records_dir) as (_conn, dao):
            for line in format_status(read_status(dao, find_proposal(dao, pid)), zone):
                click.echo(line)
    except FurusatoError as exc:
        _fail(exc)


def _step_command(name: str, doc: str) -> Callable[[F], F]:
    def wrap(fn: F) -> F:
        fn.__doc__ = doc
        fn = _tz_option(fn)
        fn = _sending(fn)
        fn = click.argument("proposal_id")(fn)
        return proposal.command(name)(click.pass_obj(fn))  # type: ignore[return-value]

    return wrap


def _run_step(
    obj: Context,
    proposal_id: str,
    tz: str,
    network: str,
    records_dir: Path | None,
    sending: tuple[Path | None, str | None, Path | None, int],
    yes: bool,
    question: Callable[[int, Any], str],
    act: Callable[[Any, Any, int, Any], None],
) -> None:
    """Parse the id and zone, connect, choose the sender, confirm ``question(pid, sender)``, then run
    ``act(dao, sender, pid, zone)``; every FurusatoError exits 2 with its message."""
    from furusato.proposals.status import parse_proposal_id, parse_tz

    keystore, account_id, password_file, dev_index = sending
    try:
        zone, pid = parse_tz(tz), parse_proposal_id(proposal_id)
        with _session(obj, network, records_dir) as (conn, dao):
            sender = _sender(conn, keystore, account_id, password_file, dev_index)
            _confirm(question(pid, sender), yes, False)
            act(dao, sender, pid, zone)
    except FurusatoError as exc:
        _fail(exc)


@_step_command("vote", "Vote on PROPOSAL_ID (for, against or abstain).")
@click.option("--support", required=True, type=click.Choice(["for", "against", "abstain"]))
@click.option("--reason", default="", help="A reason recorded on chain with the vote.")
def proposal_vote(obj: Context, proposal_id: str, network: str, records_dir: Path | None, keystore: Path | None,
                  account_id: str | None, password_file: Path | None, yes: bool, dev_index: int, tz: str,
                  support: str, reason: str) -> None:  # fmt: skip
    from furusato.proposals import steps

    choice = steps.parse_support(support)
    _run_step(
        obj, proposal_id, tz, network, records_dir, (keystore, account_id, password_file, dev_index), yes,
        lambda pid, sender: f"Vote {support} on {pid} as {sender.address}?",
        lambda dao, sender, pid, zone: _tx(f"voted {support}", steps.vote(dao, sender, pid, choice, reason, zone)),
    )  # fmt: skip


@_step_command("queue", "Queue a succeeded PROPOSAL_ID in the timelock.")
def proposal_queue(obj: Context, proposal_id: str, network: str, records_dir: Path | None, keystore: Path | None,
                   account_id: str | None, password_file: Path | None, yes: bool, dev_index: int,
                   tz: str) -> None:  # fmt: skip
    from furusato.proposals import steps
    from furusato.proposals.status import find_proposal, read_status
    from furusato.rewards.onchain import local_time

    def queue(dao: Any, sender: Any, pid: int, zone: Any) -> None:
        _info, receipt = steps.queue(dao, sender, pid, zone)
        _tx("queued", receipt)
        click.echo(f"timelock ready at {local_time(read_status(dao, find_proposal(dao, pid)).eta, zone)}")

    _run_step(obj, proposal_id, tz, network, records_dir, (keystore, account_id, password_file, dev_index), yes,
              lambda pid, _sender: f"Queue {pid}?", queue)  # fmt: skip


@_step_command("execute", "Execute a queued PROPOSAL_ID once its timelock delay has passed.")
def proposal_execute(obj: Context, proposal_id: str, network: str, records_dir: Path | None, keystore: Path | None,
                     account_id: str | None, password_file: Path | None, yes: bool, dev_index: int,
                     tz: str) -> None:  # fmt: skip
    from furusato.proposals import steps

    _run_step(
        obj, proposal_id, tz, network, records_dir, (keystore, account_id, password_file, dev_index), yes,
        lambda pid, _sender: f"Execute {pid}?",
        lambda dao, sender, pid, zone: _tx("executed", steps.execute(dao, sender, pid, zone)),
    )  # fmt: skip


@_step_command("cancel", "Cancel PROPOSAL_ID (the guardian any time before execution; the proposer while pending).")
def proposal_cancel(obj: Context, proposal_id: str, network: str, records_dir: Path | None, keystore: Path | None,
                    account_id: str | None, password_file: Path | None, yes: bool, dev_index: int,
                    tz: str) -> None:  # fmt: skip
    from furusato.proposals import steps

    _run_step(
        obj, proposal_id, tz, network, records_dir, (keystore, account_id, password_file, dev_index), yes,
        lambda pid, _sender: f"Cancel {pid}?",
        lambda dao, sender, pid, zone: _tx("canceled", steps.cancel(dao, sender, pid, zone)),
    )  # fmt: skip


# ------------------------------------------------------------------------------------------------ delegate


@click.command()
@click.argument("to")
@_sending
@click.pass_obj
def delegate(obj: Context, to: str, network: str, records_dir: Path | None, keystore: Path | None,
             account_id: str | None, password_file: Path | None, yes: bool, dev_index: int) -> None:  # fmt: skip
    """Delegate your votes to TO (an address, `self`, or `none` to opt out)."""
    from furusato.proposals import steps

    try:
        with _session(obj, network, records_dir) as (conn, dao):
            sender = _sender(conn, keystore, account_id, password_file, dev_index)
            _confirm(f"Delegate the votes of {sender.address} to {to}?", yes, False)
            _tx(f"delegated to {to}", steps.delegate(dao, sender, to))
    except FurusatoError as exc:
        _fail(exc)


# ------------------------------------------------------------------------------------------------ ballot


@click.group()
def ballot() -> None:
    """Wallet signatures: export EIP-712 typed data for eth_signTypedData_v4, verify a signature offline."""


def _time_or_duration(text: str, now: int) -> int:
    """A Unix time from ``7 days`` (from now), an ISO date/time (JST unless it has an offset) or a timestamp."""
    from furusato.config import parse_duration
    from furusato.errors import ConfigError
    from furusato.proposals.spec import parse_time

    if text.strip().isdigit() and int(text) > 10**9:
        return int(text)
    try:
        return now + parse_duration(text, "expiry")
    except ConfigError:
        pass
    try:
        return parse_time(text, "time")
    except Exception as exc:
        from furusato.errors import InputError

        raise InputError(f"{text!r} is neither a duration ('7 days') nor a date or time ('2026-12-31T18:00')") from exc


@ballot.command("export")
@click.argument("kind", type=click.Choice(["ballot", "delegation", "permit"]))
@click.option("--proposal", "proposal_id", help="ballot: the proposal id.")
@click.option("--support", type=click.Choice(["for", "against", "abstain"]), help="ballot: the vote.")
@click.option("--voter", help="ballot: who votes (whose nonce is used).")
@click.option("--delegator", help="delegation: whose votes are delegated (whose nonce is used).")
@click.option("--delegatee", help="delegation: who receives them (an address).")
@click.option("--owner", help="permit: token owner.")
@click.option("--spender", help="permit: who may spend.")
@click.option("--amount", help="permit: whole tokens (e.g. 12.5).")
@click.option("--expires", default="7 days", show_default=True,
              help="delegation expiry / permit deadline: duration from now, ISO date/time or timestamp.")  # fmt: skip
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the JSON here (default: stdout).")
@_reading
@click.pass_obj
def ballot_export(obj: Context, kind: str, proposal_id: str | None, support: str | None, voter: str | None,
                  delegator: str | None, delegatee: str | None, owner: str | None, spender: str | None,
                  amount: str | None, expires: str, out: Path | None, network: str, records_dir: Path | None,
                  tz: str) -> None:  # fmt: skip
    """Print the typed data a wallet signs with eth_signTypedData_v4 (types, domain, primaryType, message)."""
    from furusato import ballots
    from furusato.config import parse_address, parse_tokens
    from furusato.errors import InputError
    from furusato.proposals import steps
    from furusato.proposals.status import parse_proposal_id

    def need(value: str | None, option: str) -> str:
        if not value:
            raise InputError(f"{kind} needs --{option}")
        return value

    try:
        with _session(obj, network, records_dir) as (_conn, dao):
            if kind == "ballot":
                pid = parse_proposal_id(need(proposal_id, "proposal"))
                choice = steps.parse_support(need(support, "support"))
                typed = ballots.export_ballot(dao, pid, choice, str(parse_address(need(voter, "voter"), "--voter")))
            elif kind == "delegation":
                expiry = _time_or_duration(expires, dao.now())
                typed = ballots.export_delegation(dao, str(parse_address(need(delegator, "delegator"), "--delegator")),
                                                  str(parse_address(need(delegatee, "delegatee"), "--delegatee")),
                                                  expiry)  # fmt: skip
            else:
                deadline = _time_or_duration(expires, dao.now())
                typed = ballots.export_permit(dao, str(parse_address(need(owner, "owner"), "--owner")),
                                              str(parse_address(need(spender, "spender"), "--spender")),
                                              parse_tokens(need(amount, "amount"), "--amount"), deadline)  # fmt: skip
        text = json.dumps(typed, indent=2, ensure_ascii=False) + "\n"
        if out is None:
            click.echo(text, nl=False)
        else:
            out.write_text(text, encoding="utf-8")
            click.echo(f"wrote {typed['primaryType']} typed data to {out}", err=True)
    except FurusatoError as exc:
        _fail(exc)


@ballot.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--signature", help="The signature, when FILE holds only the typed data.")
@_reading
@click.pass_obj
def ballot_verify(obj: Context, file: Path, signature: str | None, network: str, records_dir: Path | None,
                  tz: str) -> None:  # fmt: skip
    """Verify a signed FILE ({"typedData", "signature"}) against the chain without sending anything."""
    from furusato import ballots
    from furusato.errors import InputError
    from furusato.proposals.status import parse_tz

    try:
        zone = parse_tz(tz)
        if signature is None:
            typed, sig = ballots.read_signed(file)
        else:
            try:
                loaded = json.loads(file.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                raise InputError(f"{file} is not JSON: {exc}") from exc
            typed, sig = ballots.parse_signed({"typedData": loaded, "signature": signature})
        with _session(obj, network, records_dir) as (_conn, dao):
            for line in ballots.verify(dao, typed, sig, zone).lines():
                click.echo(line)
    except FurusatoError as exc:
        _fail(exc)


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
    fn = _tz_option(fn)
    fn = click.option("--dev-account", "dev_index", type=int, default=0, show_default=True,
                      help="Development network only: which Anvil account pays the gas.")(fn)  # fmt: skip
    fn = with_accounts(fn)
    fn = records_option(fn)
    return network_option(fn)


def _make_relayer(obj: Context, conn: Any, dao: Any, network: str, keystore: Path | None, account_id: str | None,
                  password_file: Path | None, dev_index: int, log_path: Path | None, daily_gas: int,
                  retry_seconds: float, tz: str, max_body: int = 16_384) -> Any:  # fmt: skip
    from furusato.proposals.status import parse_tz
    from furusato.relayer import Relayer, RelayerSettings

    sender = _sender(conn, keystore, account_id, password_file, dev_index)
    settings = RelayerSettings(
        log_path=log_path or obj.root / f"relayer-{network}.jsonl",
        daily_gas_cap=daily_gas,
        max_body=max_body,
        retry_seconds=retry_seconds,
        tz=parse_tz(tz),
    )
    return Relayer(dao, sender, settings, log=click.echo)


@relayer.command("serve")
@_relayer_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (127.0.0.1: this machine only).")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option("--max-body", type=click.IntRange(256), default=16_384, show_default=True, help="Largest body (bytes).")
@click.pass_obj
def relayer_serve(obj: Context, network: str, records_dir: Path | None, keystore: Path | None, account_id: str | None,
                  password_file: Path | None, dev_index: int, tz: str, retry_seconds: float, daily_gas: int,
                  log_path: Path | None, host: str, port: int, max_body: int) -> None:  # fmt: skip
    """Serve POST /relay (also /ballot, /delegation) and GET /health until interrupted."""
    from furusato.relayer import make_server

    try:
        with _session(obj, network, records_dir) as (conn, dao):
            rel = _make_relayer(obj, conn, dao, network, keystore, account_id, password_file, dev_index, log_path,
                                daily_gas, retry_seconds, tz, max_body)  # fmt: skip
            server = make_server(rel, host, port)
            click.echo(f"relayer for chain {rel.chain_id} (governor {dao.governor.address}) paying from "
                       f"{rel.sender.address}: listening on {server.url}")  # fmt: skip
            try:
                server.serve_forever(poll_interval=0.1)
            except KeyboardInterrupt:
                click.echo("stopped")
            finally:
                server.server_close()
    except FurusatoError as exc:
        _fail(exc)


@relayer.command("batch")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_relayer_options
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def relayer_batch(obj: Context, folder: Path, network: str, records_dir: Path | None, keystore: Path | None,
                  account_id: str | None, password_file: Path | None, dev_index: int, tz: str, retry_seconds: float,
                  daily_gas: int, log_path: Path | None, yes: bool) -> None:  # fmt: skip
    """Submit every signed *.json in FOLDER; report each; exit 1 if any was refused."""
    from furusato.relayer import relay_folder

    try:
        with _session(obj, network, records_dir) as (conn, dao):
            rel = _make_relayer(obj, conn, dao, network, keystore, account_id, password_file, dev_index, log_path,
                                daily_gas, retry_seconds, tz)  # fmt: skip
            count = len(list(folder.glob("*.json")))
            _confirm(f"Relay {count} signed file(s) from {folder} paying from {rel.sender.address}?", yes, False)
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
    except FurusatoError as exc:
        _fail(exc)


COMMANDS: list[click.Command] = [proposal, delegate, ballot, relayer]


def standalone() -> click.Group:
    """A group holding only these commands, with the main command's --project option (for trying them)."""
    return standalone_group(COMMANDS)


for _command in COMMANDS:
    main.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    standalone()()
