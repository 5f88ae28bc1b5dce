"""Membership commands: the resident registry (bulk import, show, revoke, counts, note key) and fundraising sales
(start, status, finalize, refund, claim)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from furusato.cli.options import ADDRESS, Deployment, Sending, deployment_options, echo_tx, sending_options
from furusato.constants import ETH, MEMBER_KINDS
from furusato.errors import ChainError
from furusato.units import format_units, iso_time

if TYPE_CHECKING:
    pass


def _units(amount: int, decimals: int = 18) -> str:
    return format_units(amount, decimals)  # token units with thousands separators


# ------------------------------------------------------------------------------------------------ registry


@click.group()
def registry() -> None:
    """Resident registry (ふるさと住民登録): bulk registration from a CSV, counts by kind, the note key."""


@registry.command("import")
@click.argument("csv_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@sending_options(dry_run=True)
@click.option("--batch-size", type=click.IntRange(1, 500), default=100, show_default=True,
              help="Members per registerBatch transaction.")  # fmt: skip
@click.option("--note-key-file", type=click.Path(dir_okay=False, path_type=Path), envvar="FURUSATO_NOTE_KEY_FILE",
              help="The town's secret note key (see `registry new-note-key`); needed when the CSV has notes. "
                   "Default: FURUSATO_NOTE_KEY_FILE.")  # fmt: skip
def registry_import(csv_path: Path, deployment: Deployment, sending: Sending, batch_size: int,
                    note_key_file: Path | None) -> None:  # fmt: skip
    """Register the members listed in CSV_PATH (a registrar's transaction); skips those already registered.

    Columns: member (address), kind (resident/住民, relationship/関係人口, supporter/サポーター), and optionally
    record_hash (0x + 64 hex) or note (never sent: HMAC-SHA256 with the town's note key goes on chain, so short notes
    cannot be guessed from it; --note-key-file is required when there are notes). UTF-8, UTF-8 with BOM or
    Shift_JIS. Every problem is reported at once and nothing is sent until the file is clean. Safe to run again
    after an interruption (same key and note, same hash)."""
    from furusato.membership.registry_import import import_members, load_note_key, read_member_list

    note_key = load_note_key(note_key_file) if note_key_file else None
    if note_key_file and note_key_file.stat().st_mode & 0o077:
        click.secho(f"warning: the note key file {note_key_file} is readable by other users; "
                    f"`chmod 600 {note_key_file}`", fg="yellow", err=True)  # fmt: skip
    members = read_member_list(csv_path, note_key)  # every file problem, before connecting
    s = deployment.session
    reg = s.registry()
    sender = sending.sender(s)
    result = import_members(
        s.w3,
        sender,
        reg,
        members,
        batch_size=batch_size,
        dry_run=sending.dry_run,
        decoder=s.dao.decoder,
        log=click.echo,
        confirm=lambda n: sending.confirm(f"Register {n} member(s) from {sender.address} on '{s.network}'?"),
    )
    if not sending.dry_run:
        click.secho(f"registered {result.registered}, already registered {result.skipped}", fg="green")


@registry.command("new-note-key")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def registry_new_note_key(path: Path) -> None:
    """Create the town's note key at PATH: 32 random bytes as hex, readable by its owner only (0600); an existing
    file is never overwritten. Keep it secret, backed up and out of git."""
    from furusato.membership.registry_import import new_note_key

    new_note_key(path)
    click.secho(f"note key written to {path} (mode 0600)", fg="green")
    click.echo("keep it secret and backed up, and out of git: without it, notes can no longer be matched to cards;")
    click.echo(f"use it with `furusato registry import CSV --note-key-file {path}` (or FURUSATO_NOTE_KEY_FILE)")


@registry.command("stats")
@deployment_options
def registry_stats_cmd(deployment: Deployment) -> None:
    """Members by kind (read from the chain), self-registration and the token's transfer restriction."""
    from furusato.membership.registry_import import registry_stats

    labels = {
        "resident": "resident (住民)",
        "relationship": "relationship (関係人口)",
        "supporter": "supporter (サポーター)",
    }
    s = deployment.reader
    reg = s.registry()
    counts = registry_stats(reg)
    mask = int(reg.functions.selfRegistrationKinds().call())
    restricted = s.dao.token.functions.transferRegistry().call() == reg.address
    for kind in MEMBER_KINDS:
        click.echo(f"{labels[kind]:<26} {counts[kind]:>8,}")
    click.echo(f"{'total':<26} {counts['total']:>8,}")
    open_kinds = [k for i, k in enumerate(MEMBER_KINDS) if mask >> i & 1]
    click.echo(f"self-registration: {', '.join(open_kinds) if open_kinds else 'closed'}")
    click.echo(f"token transfers: {'restricted to members' if restricted else 'not restricted'}")


@registry.command("show")
@click.argument("address", type=ADDRESS)
@deployment_options
def registry_show(address: str, deployment: Deployment) -> None:
    """One address as the registry and the token see it: card, kind, since when, record hash, revoked or not,
    balance, votes and delegate, and whether it may hold tokens."""
    from furusato.membership.cards import card_status

    s = deployment.reader
    _show_card(card_status(s.registry(), s.dao.token, address))


def _show_card(st: Any) -> None:
    if st.member:
        click.echo(f"{st.account}: member, card #{st.card} ({st.kind}), registered {iso_time(st.registered_at)}")
        click.echo(f"  record hash: {'0x' + st.record_hash.hex() if any(st.record_hash) else 'none'}")
    else:
        click.echo(f"{st.account}: not a member" + (" (revoked by a registrar)" if st.revoked else ""))
    delegate = "nobody" if int(st.delegate, 16) == 0 else ("itself" if st.delegate == st.account else st.delegate)
    click.echo(f"  tokens {_units(st.balance)}, votes {_units(st.votes)}, its balance votes through {delegate}")
    if not st.may_hold:
        click.echo("  transfers are restricted to members: it can neither send nor receive tokens")


@registry.command("revoke")
@click.argument("address", type=ADDRESS)
@sending_options(dry_run=True)
def registry_revoke(address: str, deployment: Deployment, sending: Sending) -> None:
    """Revoke ADDRESS's card (a registrar's transaction, after the town's own decision). The former member keeps its
    tokens; in transfer-restricted mode it can no longer move them and its votes are suspended at once; it cannot
    register itself again (a registrar can)."""
    from furusato.membership.cards import card_status, check_revocable, revoke, suspended_units

    s = deployment.session
    reg = s.registry()
    status = card_status(reg, s.dao.token, address)
    _show_card(status)
    sender = sending.sender(s)
    check_revocable(reg, sender.address, status)
    if sending.dry_run:
        click.echo("dry run: nothing was sent")
        return
    sending.confirm(f"Revoke the card of {status.account} from {sender.address} on '{s.network}'?")
    receipt = revoke(s.w3, sender, reg, status.account, decoder=s.dao.decoder)
    echo_tx(f"revoked card #{status.card} of {status.account}", receipt)
    units = suspended_units(s.dao.token, receipt)
    if units is not None:
        click.echo(f"votes suspended: {_units(units)} tokens no longer count for any delegate")


# ------------------------------------------------------------------------------------------------ sale


@click.group()
def sale() -> None:
    """Fundraising sales (資金調達): start by a governance proposal, status, finalize, refund, claim."""


@sale.command("start")
@click.argument("terms_path", metavar="TERMS.yaml", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@sending_options(dry_run=True)
@click.option(
    "--sale", "sale_address", type=ADDRESS, help="A sale already deployed with these terms: propose it (resume)."
)
def sale_start(terms_path: Path, deployment: Deployment, sending: Sending, sale_address: str | None) -> None:
    """Deploy a TokenSale with TERMS.yaml and propose the governance proposal that starts it (exclude the sale
    from voting + grant it MINTER_ROLE). With --dry-run, print the terms and the proposal; send nothing."""
    from furusato.membership.sale_start import check_proposer, plan_sale_start, start_sale

    s = deployment.session
    plan = plan_sale_start(s.dao, s.record, terms_path, s.records_dir, sale=sale_address)
    for line in plan.terms_lines(s.network):
        click.echo(line)
    sender = sending.sender(s)
    check_proposer(s.dao, sender.address)
    resume = plan.resume_line()
    if resume:  # an earlier run deployed this very file's sale and stopped before proposing it
        click.echo(resume)
    for line in plan.proposal_lines():
        click.echo(line)
    if sending.dry_run:
        click.echo("dry run: nothing was sent")
        return
    sending.confirm(f"Deploy the sale and propose starting it, from {sender.address} on '{s.network}'?")
    started = start_sale(s.dao, sender, s.artifacts, plan, on_tx=echo_tx)
    if not started.proposed:
        click.echo(f"already proposed: {started.proposal_id}")
        return
    click.echo(f"once the proposal is executed, `furusato sale status {started.sale}` shows it open")


@sale.command("status")
@click.argument("address", type=ADDRESS)
@deployment_options
@click.option("--buyer", type=ADDRESS, help="Also show this buyer's purchase.")
def sale_status(address: str, deployment: Deployment, buyer: str | None) -> None:
    """A sale's state, terms and totals (and one buyer's purchase with --buyer)."""
    from furusato.membership.sale import payment_decimals
    from furusato.membership.sale_view import read_sale

    s = deployment.reader
    sc = s.contract("TokenSale", address)
    v = read_sale(sc)
    decimals = payment_decimals(s.w3, v.terms.payment_token)
    purchase = sc.functions.purchaseOf(buyer).call() if buyer else None
    ours = v.terms.token == s.dao.token.address
    pay = "ETH" if v.terms.payment_token == ETH else v.terms.payment_token
    click.echo(f"sale {sc.address}: {v.state}{' (finalized)' if v.finalized else ''}")
    if not ours:
        click.secho(f"warning: this sale sells {v.terms.token}, not this deployment's token", fg="yellow")
    click.echo(
        f"  price {_units(v.terms.price, decimals)} {pay} per token; "
        f"open {iso_time(v.terms.opens_at)} to {iso_time(v.terms.closes_at)}"
    )
    click.echo(f"  sold {_units(v.sold)} of {_units(v.terms.hard_cap)} tokens (goal {_units(v.terms.goal)}, per buyer "
               f"{_units(v.terms.buyer_cap)}); raised {_units(v.raised, decimals)} {pay}")  # fmt: skip
    click.echo(f"  buyers: {'registered members of ' + v.terms.registry if v.terms.registry != ETH else 'anyone'}")
    if purchase is not None:
        click.echo(f"  {buyer}: bought {_units(purchase[0])} tokens, paid {_units(purchase[1], decimals)} {pay}"
                   f"{', settled' if purchase[2] else ''}")  # fmt: skip
    hint = {
        ("Succeeded", False): f"next: `furusato sale finalize {sc.address}` sends the proceeds to the Treasury",
        ("Failed", False): f"next: `furusato sale finalize {sc.address}`; buyers take refunds with `sale refund`",
        ("Succeeded", True): "buyers take their tokens with `furusato sale claim`",
        ("Failed", True): "buyers take full refunds with `furusato sale refund`",
    }.get((v.state, v.finalized))
    if hint:
        click.echo(hint)


@sale.command("finalize")
@click.argument("address", type=ADDRESS)
@sending_options(dry_run=True)
def sale_finalize(address: str, deployment: Deployment, sending: Sending) -> None:
    """Settle a closed sale: goal met, the proceeds go to the Treasury; missed, the escrow does (anyone may call)."""
    from furusato.chain import transact
    from furusato.membership.sale_view import read_sale

    s = deployment.session
    sc = s.contract("TokenSale", address)
    v = read_sale(sc)
    if v.finalized:
        click.echo(f"sale {sc.address} is already finalized ({v.state})")
        return
    if v.state not in ("Succeeded", "Failed"):
        raise ChainError(f"sale {sc.address} is {v.state}: it can be finalized once it has closed")
    what = "proceeds to the Treasury" if v.state == "Succeeded" else "goal missed: escrow to the Treasury"
    click.echo(f"finalize {sc.address}: {v.state}, {what}")
    sender = sending.sender(s)
    if sending.dry_run:
        click.echo("dry run: nothing was sent")
        return
    sending.confirm(f"Finalize from {sender.address} on '{s.network}'?")
    echo_tx("finalized", transact(s.w3, sender, sc.functions.finalize(), label="finalize", decoder=s.dao.decoder))


def _settle(action: str, address: str, deployment: Deployment, sending: Sending, buyer: str | None) -> None:
    from furusato.chain import transact
    from furusato.membership.sale import payment_decimals
    from furusato.membership.sale_view import read_sale

    needed = "Failed" if action == "refund" else "Succeeded"
    s = deployment.session
    sc = s.contract("TokenSale", address)
    v = read_sale(sc)
    if v.state != needed:
        raise ChainError(f"sale {sc.address} is {v.state}: {action} needs a {needed.lower()} sale")
    sender = sending.sender(s)
    who = buyer or sender.address
    amount, paid, settled = sc.functions.purchaseOf(who).call()
    if settled:
        done = "refunded" if action == "refund" else "tokens delivered"
        click.echo(f"{who}: already settled ({done}); nothing was sent")
        return
    if not paid:
        raise ChainError(f"{who} bought nothing in sale {sc.address}")
    decimals = payment_decimals(s.w3, v.terms.payment_token)
    pay = "ETH" if v.terms.payment_token == ETH else v.terms.payment_token
    detail = f"{_units(paid, decimals)} {pay} back" if action == "refund" else f"{_units(amount)} tokens"
    click.echo(f"{action} {who}: {detail}")
    if sending.dry_run:
        click.echo("dry run: nothing was sent")
        return
    sending.confirm(f"Send the {action} from {sender.address} on '{s.network}'?")
    fn = sc.functions.refund(who) if action == "refund" else sc.functions.claim(who)
    echo_tx(f"{action} of {who}", transact(s.w3, sender, fn, label=action, decoder=s.dao.decoder))


def _settle_command(action: str, whose: str, doc: str) -> None:
    """Add `sale refund` / `sale claim`: one settlement per buyer, anyone may send it, it always reaches the buyer."""

    def command(address: str, deployment: Deployment, sending: Sending, buyer: str | None) -> None:
        _settle(action, address, deployment, sending, buyer)

    command.__doc__ = doc
    option = click.option(
        "--buyer", type=ADDRESS, help=f"Whose {whose} (default: the sender's own); always the buyer's."
    )
    sale.command(action)(click.argument("address", type=ADDRESS)(sending_options(dry_run=True)(option(command))))


_settle_command("refund", "refund", "Refund a buyer of a failed sale in full (anyone may send it; the payment goes "
                "back to the buyer).")  # fmt: skip
_settle_command("claim", "tokens", "Deliver a buyer's tokens from a successful sale (anyone may send it; the tokens "
                "go to the buyer).")  # fmt: skip


COMMANDS: list[click.Command] = [registry, sale]
