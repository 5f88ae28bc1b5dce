"""Membership commands of `furusato`: the resident registry (bulk import, counts) and fundraising sales (start,
status, finalize, refund, claim).

``COMMANDS`` lists the click commands registered on ``furusato.cli.main`` when this module loads; ``standalone()``
is a group of only these (what ``scripts/membership.py cli`` runs).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
)
from furusato.errors import ChainError, FurusatoError

if TYPE_CHECKING:
    from web3.contract import Contract

    from furusato.doors import Connection
    from furusato.proposals.dao import Dao
    from furusato.records import DeploymentRecord

ETH = "0x0000000000000000000000000000000000000000"
STATES = ("Pending", "Open", "Succeeded", "Failed")
_ERC20_DECIMALS = [{"name": "decimals", "type": "function", "stateMutability": "view", "inputs": [],
                    "outputs": [{"name": "", "type": "uint8"}]}]  # fmt: skip


_sending = sending_options(dry_run=True)


@dataclass
class Session:
    conn: Connection
    dao: Dao
    record: DeploymentRecord
    root: Path
    records_dir: Path

    def contract(self, name: str, address: str | None = None) -> Contract:
        from web3 import Web3

        from furusato.artifacts import error_selectors

        abi = self.dao.abi_of(name)
        self.dao.decoder.add(error_selectors([abi]))
        where = Web3.to_checksum_address(address) if address else self.record.address(name)
        if not self.conn.w3.eth.get_code(where):
            raise ChainError(f"no contract at {where} on '{self.record.network}'")
        return self.conn.w3.eth.contract(address=where, abi=abi)

    def registry(self) -> Contract:
        if "ResidentRegistry" not in self.record.contracts:
            raise ChainError(f"the deployment on '{self.record.network}' has no ResidentRegistry (a `registry:` "
                             "section in the deploy config)")  # fmt: skip
        return self.contract("ResidentRegistry")

    def sender(self, keystore: Path | None, account_id: str | None, password_file: Path | None, dev_index: int) -> Any:
        from furusato.doors import choose_sender

        return choose_sender(
            self.conn, keystore=keystore, account_id=account_id, password_file=password_file, dev_index=dev_index
        )


@contextmanager
def _session(obj: Context, network: str, records_dir: Path | None) -> Iterator[Session]:
    from furusato.artifacts import Artifacts
    from furusato.doors import connect, disconnect
    from furusato.proposals.dao import load_dao
    from furusato.records import read_record, record_path

    folder = records_dir or obj.root / "deployments"
    record = read_record(record_path(folder, network))
    conn = connect(network, obj.root)
    try:
        yield Session(conn, load_dao(conn.w3, record, Artifacts(obj.root)), record, obj.root, folder)
    finally:
        disconnect()


def _tx(label: str, receipt: Any) -> None:
    click.secho(f"{label}: tx {receipt['transactionHash'].to_0x_hex()} (block {receipt['blockNumber']}, "
                f"gas {receipt['gasUsed']:,})", fg="green")  # fmt: skip


def _units(amount: int, decimals: int = 18) -> str:
    text = format(Decimal(amount).scaleb(-decimals).normalize(), "f")
    return text


def _when(ts: int) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=9))).isoformat()


# ------------------------------------------------------------------------------------------------ registry


@click.group()
def registry() -> None:
    """Resident registry (ふるさと住民登録): bulk registration from a CSV, counts by kind, the note key."""


@registry.command("import")
@click.argument("csv_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_sending
@click.option("--batch-size", type=click.IntRange(1, 500), default=100, show_default=True,
              help="Members per registerBatch transaction.")  # fmt: skip
@click.option("--note-key-file", type=click.Path(dir_okay=False, path_type=Path), envvar="FURUSATO_NOTE_KEY_FILE",
              help="The town's secret note key (see `registry new-note-key`); needed when the CSV has notes. "
                   "Default: FURUSATO_NOTE_KEY_FILE.")  # fmt: skip
@click.pass_obj
def registry_import(obj: Context, csv_path: Path, network: str, records_dir: Path | None, keystore: Path | None,
                    account_id: str | None, password_file: Path | None, dry_run: bool, yes: bool, dev_index: int,
                    batch_size: int, note_key_file: Path | None) -> None:  # fmt: skip
    """Register the members listed in CSV_PATH (a registrar's transaction); skips those already registered.

    Columns: member (address), kind (resident/住民, relationship/関係人口, supporter/サポーター), and optionally
    record_hash (0x + 64 hex) or note (never sent: HMAC-SHA256 with the town's note key goes on chain, so short notes
    cannot be guessed from it; --note-key-file is required when there are notes). UTF-8, UTF-8 with BOM or
    Shift_JIS. Every problem is reported at once and nothing is sent until the file is clean. Safe to run again
    after an interruption (same key and note, same hash)."""
    from furusato.membership.registry_import import import_members, load_note_key, read_member_list

    try:
        note_key = load_note_key(note_key_file) if note_key_file else None
        if note_key_file and note_key_file.stat().st_mode & 0o077:
            click.secho(f"warning: the note key file {note_key_file} is readable by other users; "
                        f"`chmod 600 {note_key_file}`", fg="yellow", err=True)  # fmt: skip
        members = read_member_list(csv_path, note_key)  # every file problem, before connecting
        with _session(obj, network, records_dir) as s:
            reg = s.registry()
            sender = s.sender(keystore, account_id, password_file, dev_index)
            result = import_members(
                s.conn.w3, sender, reg, members, batch_size=batch_size, dry_run=dry_run, decoder=s.dao.decoder,
                log=click.echo,
                confirm=lambda n: _confirm(f"Register {n} member(s) from {sender.address} on '{network}'?", yes,
                                           dry_run),
            )  # fmt: skip
            if not dry_run:
                click.secho(f"registered {result.registered}, already registered {result.skipped}", fg="green")
    except FurusatoError as exc:
        _fail(exc)


@registry.command("new-note-key")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def registry_new_note_key(path: Path) -> None:
    """Create the town's note key at PATH: 32 random bytes as hex, readable by its owner only (0600); an existing
    file is never overwritten. Keep it secret, backed up and out of git."""
    from furusato.membership.registry_import import new_note_key

    try:
        new_note_key(path)
    except FurusatoError as exc:
        _fail(exc)
    click.secho(f"note key written to {path} (mode 0600)", fg="green")
    click.echo("keep it secret and backed up, and out of git: without it, notes can no longer be matched to cards;")
    click.echo(f"use it with `furusato registry import CSV --note-key-file {path}` (or FURUSATO_NOTE_KEY_FILE)")


@registry.command("stats")
@network_option
@records_option
@click.pass_obj
def registry_stats_cmd(obj: Context, network: str, records_dir: Path | None) -> None:
    """Members by kind (read from the chain), self-registration and the token's transfer restriction."""
    from furusato.config import KINDS
    from furusato.membership.registry_import import registry_stats

    labels = {
        "resident": "resident (住民)",
        "relationship": "relationship (関係人口)",
        "supporter": "supporter (サポーター)",
    }
    try:
        with _session(obj, network, records_dir) as s:
            reg = s.registry()
            counts = registry_stats(reg)
            mask = int(reg.functions.selfRegistrationKinds().call())
            restricted = s.dao.token.functions.transferRegistry().call() == reg.address
    except FurusatoError as exc:
        _fail(exc)
    for kind in KINDS:
        click.echo(f"{labels[kind]:<26} {counts[kind]:>8,}")
    click.echo(f"{'total':<26} {counts['total']:>8,}")
    open_kinds = [k for i, k in enumerate(KINDS) if mask >> i & 1]
    click.echo(f"self-registration: {', '.join(open_kinds) if open_kinds else 'closed'}")
    click.echo(f"token transfers: {'restricted to members' if restricted else 'not restricted'}")


@registry.command("show")
@click.argument("address")
@network_option
@records_option
@click.pass_obj
def registry_show(obj: Context, address: str, network: str, records_dir: Path | None) -> None:
    """One address as the registry and the token see it: card, kind, since when, record hash, revoked or not,
    balance, votes and delegate, and whether it may hold tokens."""
    from furusato.membership.cards import card_status

    try:
        with _session(obj, network, records_dir) as s:
            st = card_status(s.registry(), s.dao.token, _address(address))
    except FurusatoError as exc:
        _fail(exc)
    _show_card(st)


def _show_card(st: Any) -> None:
    if st.member:
        click.echo(f"{st.account}: member, card #{st.card} ({st.kind}), registered {_when(st.registered_at)}")
        click.echo(f"  record hash: {'0x' + st.record_hash.hex() if any(st.record_hash) else 'none'}")
    else:
        click.echo(f"{st.account}: not a member" + (" (revoked by a registrar)" if st.revoked else ""))
    delegate = "nobody" if int(st.delegate, 16) == 0 else ("itself" if st.delegate == st.account else st.delegate)
    click.echo(f"  tokens {_units(st.balance)}, votes {_units(st.votes)}, its balance votes through {delegate}")
    if not st.may_hold:
        click.echo("  transfers are restricted to members: it can neither send nor receive tokens")


@registry.command("revoke")
@click.argument("address")
@_sending
@click.pass_obj
def registry_revoke(obj: Context, address: str, network: str, records_dir: Path | None, keystore: Path | None,
                    account_id: str | None, password_file: Path | None, dry_run: bool, yes: bool,
                    dev_index: int) -> None:  # fmt: skip
    """Revoke ADDRESS's card (a registrar's transaction, after the town's own decision). The former member keeps its
    tokens; in transfer-restricted mode it can no longer move them and its votes are suspended at once; it cannot
    register itself again (a registrar can)."""
    from furusato.membership.cards import card_status, check_revocable, revoke, suspended_units

    try:
        with _session(obj, network, records_dir) as s:
            reg = s.registry()
            status = card_status(reg, s.dao.token, _address(address))
            _show_card(status)
            sender = s.sender(keystore, account_id, password_file, dev_index)
            check_revocable(reg, sender.address, status)
            if dry_run:
                click.echo("dry run: nothing was sent")
                return
            _confirm(f"Revoke the card of {status.account} from {sender.address} on '{network}'?", yes, dry_run)
            receipt = revoke(s.conn.w3, sender, reg, status.account, decoder=s.dao.decoder)
            _tx(f"revoked card #{status.card} of {status.account}", receipt)
            units = suspended_units(s.dao.token, receipt)
            if units is not None:
                click.echo(f"votes suspended: {_units(units)} tokens no longer count for any delegate")
    except FurusatoError as exc:
        _fail(exc)


# ------------------------------------------------------------------------------------------------ sale


@click.group()
def sale() -> None:
    """Fundraising sales (資金調達): start by a governance proposal, status, finalize, refund, claim."""


@sale.command("start")
@click.argument("terms_path", metavar="TERMS.yaml", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_sending
@click.option("--sale", "sale_address", help="A sale already deployed with these terms: propose it (resume).")
@click.pass_obj
def sale_start(obj: Context, terms_path: Path, network: str, records_dir: Path | None, keystore: Path | None,
               account_id: str | None, password_file: Path | None, dry_run: bool, yes: bool, dev_index: int,
               sale_address: str | None) -> None:  # fmt: skip
    """Deploy a TokenSale with TERMS.yaml and propose the governance proposal that starts it (exclude the sale
    from voting + grant it MINTER_ROLE). With --dry-run, print the terms and the proposal; send nothing."""
    from furusato.membership.sale import check_payment_decimals, deploy_sale, load_terms, start_proposal

    try:
        with _session(obj, network, records_dir) as s:
            dao = s.dao
            reg = s.record.contracts.get("ResidentRegistry")
            terms = load_terms(terms_path, token=dao.token.address, treasury=dao.treasury.address,
                               registry=reg.address if reg else None, now=dao.now())  # fmt: skip
            decimals = _payment_decimals(s, terms.payment_token)
            check_payment_decimals(terms, decimals, terms_path)
            pay = "ETH" if terms.payment_token == ETH else terms.payment_token
            for line in (
                f"sale of {s.record.address('RegionToken')} on '{network}', proceeds to the Treasury",
                f"price {_units(terms.price, decimals)} {pay} per token; hard cap {_units(terms.hard_cap)}, per buyer "
                f"{_units(terms.buyer_cap)}, goal {_units(terms.goal)} tokens",
                f"open {_when(terms.opens_at)} to {_when(terms.closes_at)}; buyers: "
                + ("registered members only" if terms.registry != ETH else "anyone"),
            ):
                click.echo(line)
            sender = s.sender(keystore, account_id, password_file, dev_index)
            gov = dao.governor.functions
            votes = int(gov.getVotes(sender.address, dao.now() - 1).call())
            threshold = int(gov.proposalThreshold().call())
            if votes < threshold:
                raise ChainError(f"{sender.address} holds {_units(votes)} votes; proposing needs "
                                 f"{_units(threshold)} (ask a member who has them, or delegate)")  # fmt: skip
            pending = PendingSale(s.records_dir / f"{network}.pending-sale.json", terms_path, s.record.chain_id)
            resumed = pending.sale() if not sale_address else None
            if resumed:  # an earlier run deployed this very file's sale and stopped before proposing it
                click.echo(f"resuming: the TokenSale an earlier run deployed from {terms_path.name} at {resumed} "
                           "is proposed (no new deployment)")  # fmt: skip
                sale_address = resumed
            elif sale_address:
                existing = s.contract("TokenSale", sale_address)
                if tuple(existing.functions.terms().call()) != terms.as_tuple():
                    raise ChainError(f"the sale at {existing.address} has other terms than {terms_path.name}")
            target = sale_address or "<the new sale>"
            click.echo(f"proposal '{terms.description}':")
            click.echo(f"  RegionToken.excludeFromVoting({target})")
            click.echo(f"  RegionToken.grantRole(MINTER_ROLE, {target})")
            if dry_run:
                click.echo("dry run: nothing was sent")
                return
            _confirm(f"Deploy the sale and propose starting it, from {sender.address} on '{network}'?", yes, False)
            if not sale_address:
                from furusato.artifacts import Artifacts

                sale_address, receipt = deploy_sale(dao, sender, Artifacts(s.root), terms)
                pending.remember(sale_address)  # a run that stops before proposing resumes with this sale
                _tx(f"TokenSale deployed at {sale_address}", receipt)
            proposal = start_proposal(dao.token, sale_address, terms.description).bound_to(sender.address)
            if int(gov.proposalSnapshot(proposal.proposal_id).call()):
                click.echo(f"already proposed: {proposal.proposal_id}")
                pending.forget()
                return
            _tx(f"proposed {proposal.proposal_id}", dao.governance.propose(sender, proposal))
            pending.forget()
            click.echo(f"once the proposal is executed, `furusato sale status {sale_address}` shows it open")
    except FurusatoError as exc:
        _fail(exc)


@dataclass(frozen=True)
class PendingSale:
    """A sale `sale start` deployed but has not proposed yet, kept next to the deployment record and keyed by the
    terms file's bytes (relative times like "in 1 minute" make recomputed terms differ, the file does not)."""

    path: Path
    terms_path: Path
    chain_id: int

    def _key(self) -> dict[str, Any]:
        import hashlib

        return {"chainId": self.chain_id, "termsSha256": hashlib.sha256(self.terms_path.read_bytes()).hexdigest()}

    def sale(self) -> str | None:
        """The pending sale's address when it was deployed from the same file on the same chain, else None."""
        import json

        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or {k: data.get(k) for k in ("chainId", "termsSha256")} != self._key():
            return None
        sale = data.get("sale")
        return sale if isinstance(sale, str) else None

    def remember(self, sale: str) -> None:
        import json

        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({**self._key(), "sale": sale, "termsFile": str(self.terms_path)}, indent=2) + "\n",
                       encoding="utf-8")  # fmt: skip
        tmp.replace(self.path)

    def forget(self) -> None:
        self.path.unlink(missing_ok=True)


def _payment_decimals(s: Session, payment: str) -> int:
    if payment == ETH:
        return 18
    try:
        from web3 import Web3

        token = s.conn.w3.eth.contract(address=Web3.to_checksum_address(payment), abi=_ERC20_DECIMALS)
        return int(token.functions.decimals().call())
    except Exception as exc:  # not an ERC-20 (no decimals())
        raise ChainError(f"the payment token {payment} does not answer decimals(): is it an ERC-20?") from exc


@dataclass(frozen=True)
class SaleView:
    state: str
    terms: tuple[Any, ...]
    sold: int
    raised: int
    finalized: bool


def _read_sale(sale_c: Contract) -> SaleView:
    f = sale_c.functions
    return SaleView(STATES[int(f.state().call())], tuple(f.terms().call()), int(f.sold().call()),
                    int(f.raised().call()), bool(f.finalized().call()))  # fmt: skip


@sale.command("status")
@click.argument("address")
@network_option
@records_option
@click.option("--buyer", help="Also show this buyer's purchase.")
@click.pass_obj
def sale_status(obj: Context, address: str, network: str, records_dir: Path | None, buyer: str | None) -> None:
    """A sale's state, terms and totals (and one buyer's purchase with --buyer)."""
    try:
        with _session(obj, network, records_dir) as s:
            sc = s.contract("TokenSale", address)
            v = _read_sale(sc)
            decimals = _payment_decimals(s, v.terms[2])
            purchase = sc.functions.purchaseOf(_address(buyer)).call() if buyer else None
            ours = v.terms[0] == s.dao.token.address
    except FurusatoError as exc:
        _fail(exc)
    pay = "ETH" if v.terms[2] == ETH else v.terms[2]
    click.echo(f"sale {sc.address}: {v.state}{' (finalized)' if v.finalized else ''}")
    if not ours:
        click.secho(f"warning: this sale sells {v.terms[0]}, not this deployment's token", fg="yellow")
    click.echo(
        f"  price {_units(v.terms[3], decimals)} {pay} per token; open {_when(v.terms[4])} to {_when(v.terms[5])}"
    )
    click.echo(f"  sold {_units(v.sold)} of {_units(v.terms[6])} tokens (goal {_units(v.terms[8])}, per buyer "
               f"{_units(v.terms[7])}); raised {_units(v.raised, decimals)} {pay}")  # fmt: skip
    click.echo(f"  buyers: {'registered members of ' + v.terms[9] if v.terms[9] != ETH else 'anyone'}")
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


def _address(value: str | None) -> str:
    from furusato.config import parse_address
    from furusato.errors import ConfigError, InputError

    try:
        parsed = parse_address(value, "address")
    except ConfigError as exc:
        raise InputError(str(exc)) from exc
    assert parsed is not None
    return parsed


@sale.command("finalize")
@click.argument("address")
@_sending
@click.pass_obj
def sale_finalize(obj: Context, address: str, network: str, records_dir: Path | None, keystore: Path | None,
                  account_id: str | None, password_file: Path | None, dry_run: bool, yes: bool,
                  dev_index: int) -> None:  # fmt: skip
    """Settle a closed sale: goal met, the proceeds go to the Treasury; missed, the escrow does (anyone may call)."""
    from furusato.chain import transact

    try:
        with _session(obj, network, records_dir) as s:
            sc = s.contract("TokenSale", address)
            v = _read_sale(sc)
            if v.finalized:
                click.echo(f"sale {sc.address} is already finalized ({v.state})")
                return
            if v.state not in ("Succeeded", "Failed"):
                raise ChainError(f"sale {sc.address} is {v.state}: it can be finalized once it has closed")
            what = "proceeds to the Treasury" if v.state == "Succeeded" else "goal missed: escrow to the Treasury"
            click.echo(f"finalize {sc.address}: {v.state}, {what}")
            sender = s.sender(keystore, account_id, password_file, dev_index)
            if dry_run:
                click.echo("dry run: nothing was sent")
                return
            _confirm(f"Finalize from {sender.address} on '{network}'?", yes, dry_run)
            _tx("finalized", transact(s.conn.w3, sender, sc.functions.finalize(), label="finalize",
                                      decoder=s.dao.decoder))  # fmt: skip
    except FurusatoError as exc:
        _fail(exc)


def _settle(obj: Context, action: str, address: str, network: str, records_dir: Path | None, keystore: Path | None,
            account_id: str | None, password_file: Path | None, dry_run: bool, yes: bool, dev_index: int,
            buyer: str | None) -> None:  # fmt: skip
    from furusato.chain import transact

    needed = "Failed" if action == "refund" else "Succeeded"
    try:
        with _session(obj, network, records_dir) as s:
            sc = s.contract("TokenSale", address)
            v = _read_sale(sc)
            if v.state != needed:
                raise ChainError(f"sale {sc.address} is {v.state}: {action} needs a {needed.lower()} sale")
            sender = s.sender(keystore, account_id, password_file, dev_index)
            who = _address(buyer) if buyer else sender.address
            amount, paid, settled = sc.functions.purchaseOf(who).call()
            if settled:
                done = "refunded" if action == "refund" else "tokens delivered"
                click.echo(f"{who}: already settled ({done}); nothing was sent")
                return
            if not paid:
                raise ChainError(f"{who} bought nothing in sale {sc.address}")
            decimals = _payment_decimals(s, v.terms[2])
            pay = "ETH" if v.terms[2] == ETH else v.terms[2]
            detail = f"{_units(paid, decimals)} {pay} back" if action == "refund" else f"{_units(amount)} tokens"
            click.echo(f"{action} {who}: {detail}")
            if dry_run:
                click.echo("dry run: nothing was sent")
                return
            _confirm(f"Send the {action} from {sender.address} on '{network}'?", yes, dry_run)
            fn = sc.functions.refund(who) if action == "refund" else sc.functions.claim(who)
            _tx(f"{action} of {who}", transact(s.conn.w3, sender, fn, label=action, decoder=s.dao.decoder))
    except FurusatoError as exc:
        _fail(exc)


@sale.command("refund")
@click.argument("address")
@_sending
@click.option("--buyer", help="Whose refund (default: the sender's own); it always goes to the buyer.")
@click.pass_obj
def sale_refund(obj: Context, address: str, network: str, records_dir: Path | None, keystore: Path | None,
                account_id: str | None, password_file: Path | None, dry_run: bool, yes: bool, dev_index: int,
                buyer: str | None) -> None:  # fmt: skip
    """Refund a buyer of a failed sale in full (anyone may send it; the payment goes back to the buyer)."""
    _settle(obj, "refund", address, network, records_dir, keystore, account_id, password_file, dry_run, yes,
            dev_index, buyer)  # fmt: skip


@sale.command("claim")
@click.argument("address")
@_sending
@click.option("--buyer", help="Whose tokens (default: the sender's own); they always go to the buyer.")
@click.pass_obj
def sale_claim(obj: Context, address: str, network: str, records_dir: Path | None, keystore: Path | None,
               account_id: str | None, password_file: Path | None, dry_run: bool, yes: bool, dev_index: int,
               buyer: str | None) -> None:  # fmt: skip
    """Deliver a buyer's tokens from a successful sale (anyone may send it; the tokens go to the buyer)."""
    _settle(obj, "claim", address, network, records_dir, keystore, account_id, password_file, dry_run, yes,
            dev_index, buyer)  # fmt: skip


COMMANDS: list[click.Command] = [registry, sale]


def standalone() -> click.Group:
    """A group holding only these commands, with the main command's --project option (``scripts/membership.py``)."""
    return standalone_group(COMMANDS)


for _command in COMMANDS:
    main.add_command(_command)
