"""Bulk registration of members (ふるさと住民登録) from a registrar's CSV.

**Files.** CSV with a header row, encoded as UTF-8, UTF-8 with BOM (Excel's "CSV UTF-8") or Shift_JIS (cp932,
Excel's default "CSV" in Japan) — decoded by the activity log's reader.

**Columns** (header matched after NFKC normalisation and case folding; other columns are ignored):

===========  ==========================================================================
member       ``member``, ``address``, ``wallet``, メンバー, アドレス, ウォレット, ウォレットアドレス
kind         ``kind``, ``type``, 種別, 区分, 登録区分 — resident/住民, relationship/関係人口, supporter/サポーター
record_hash  ``record_hash``, ``hash``, 記録ハッシュ (optional): ``0x`` + 64 hex digits
note         ``note``, ``memo``, 備考, メモ (optional): hashed here (keccak-256 of its NFKC text), never sent
===========  ==========================================================================

No personal data goes on chain: at most a hash of the town's own record. A row gives a record hash or a note (or
neither), not both. **Errors**: every problem is reported at once, with the file and line (the header is line 1),
and nothing is sent while any remains. **Idempotent and resumable**: the chain is the source of truth — members
already registered are skipped, the rest are sent in batches (``registerBatch``), so running the same file again
after an interruption registers only who is still missing.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from eth_utils.address import is_checksum_address, to_checksum_address
from web3 import Web3
from web3.contract import Contract
from web3.types import TxReceipt

from furusato.chain import DEFAULT_DECODER, ErrorDecoder, Sender, transact
from furusato.config import KINDS, parse_kind
from furusato.errors import ChainError, ConfigError
from furusato.rewards.activity_log import ActivityLogError, FileProblemsError, Problem, _clean, _decode

COLUMNS = {
    "member": ("member", "address", "wallet", "メンバー", "アドレス", "ウォレット", "ウォレットアドレス"),
    "kind": ("kind", "type", "種別", "区分", "登録区分"),
    "record_hash": ("record_hash", "record hash", "hash", "記録ハッシュ", "ハッシュ"),
    "note": ("note", "memo", "備考", "メモ"),
}
_HEADER = {unicodedata.normalize("NFKC", a).casefold(): c for c, aliases in COLUMNS.items() for a in aliases}
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
_HASH = re.compile(r"0x[0-9a-fA-F]{64}")
ZERO_ADDRESS = "0x" + "0" * 40
NO_RECORD = b"\x00" * 32
ROLE_REGISTRAR = bytes(Web3.keccak(text="REGISTRAR_ROLE"))


class MemberListError(FileProblemsError):
    """A member list has problems; ``problems`` lists all of them, the message shows them line by line."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        super().__init__(path, problems, "the member list", "nothing was sent. Fix them all and run again")


@dataclass(frozen=True)
class MemberRow:
    line: int
    member: str
    kind: int
    record_hash: bytes


@dataclass(frozen=True)
class MemberList:
    path: Path
    encoding: str
    rows: tuple[MemberRow, ...]


def note_hash(note: str) -> bytes:
    """The record hash of a note: keccak-256 of its NFKC-normalised, trimmed UTF-8 text."""
    return bytes(Web3.keccak(text=unicodedata.normalize("NFKC", note).strip()))


def read_member_list(path: Path) -> MemberList:
    """Read and check every row; raise :class:`MemberListError` naming every problem."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MemberListError(path, [Problem(None, f"cannot read the file: {exc.strerror}")]) from exc
    try:
        text, encoding = _decode(path, data)
    except ActivityLogError as exc:
        raise MemberListError(path, list(exc.problems)) from exc
    problems: list[Problem] = []
    try:
        table = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise MemberListError(path, [Problem(None, f"not a readable CSV file: {exc}")]) from exc
    if not table or not any(c.strip() for c in table[0]):
        raise MemberListError(path, [Problem(None, "the file is empty: expected a header row and member rows")])
    columns: dict[int, str] = {}
    for index, header in enumerate(table[0]):
        column = _HEADER.get(_clean(header).casefold())
        if column is None:
            continue
        if column in columns.values():
            problems.append(Problem(1, f"two columns mean {column!r}: remove one of them (column {index + 1})"))
        columns[index] = column
    missing = [c for c in ("member", "kind") if c not in columns.values()]
    if missing:
        accepted = "; ".join(f"{c}: {', '.join(COLUMNS[c])}" for c in missing)
        problems.append(Problem(1, f"missing required column(s) {', '.join(missing)} (accepted headers — {accepted})"))
        raise MemberListError(path, problems)
    rows: list[MemberRow] = []
    seen: dict[str, int] = {}
    for line, raw in enumerate(table[1:], start=2):
        if not any(c.strip() for c in raw):
            continue
        if any(c.strip() for c in raw[len(table[0]) :]):
            problems.append(Problem(line, f"has {len(raw)} cells but the header has {len(table[0])} columns"))
            continue
        cells = {column: raw[i] if i < len(raw) else "" for i, column in columns.items()}
        before = len(problems)
        member = _clean(cells["member"])
        address = ""
        if not _ADDRESS.fullmatch(member):
            problems.append(Problem(line, f"member {member!r} is not an address (0x + 40 hex digits)"))
        elif member != member.lower() and member[2:] != member[2:].upper() and not is_checksum_address(member):
            problems.append(Problem(line, f"member {member} has a wrong EIP-55 checksum (a typo?)"))
        elif member.lower() == ZERO_ADDRESS:
            problems.append(Problem(line, "member is the zero address"))
        else:
            address = to_checksum_address(member)
            if address in seen:
                problems.append(Problem(line, f"member {address} is already on line {seen[address]}"))
            seen.setdefault(address, line)
        kind = 0
        try:
            kind = parse_kind(_clean(cells["kind"]), "kind")
        except ConfigError:
            problems.append(Problem(line, f"kind {cells['kind'].strip()!r} is not one of resident/住民, "
                                          "relationship/関係人口, supporter/サポーター"))  # fmt: skip
        given = _clean(cells.get("record_hash", ""))
        note = cells.get("note", "").strip()
        record = NO_RECORD
        if given and note:
            problems.append(Problem(line, "give a record_hash or a note, not both"))
        elif given:
            if _HASH.fullmatch(given):
                record = bytes.fromhex(given[2:])
            else:
                problems.append(Problem(line, f"record_hash {given!r} is not 0x + 64 hex digits"))
        elif note:
            record = note_hash(note)
        if len(problems) == before:
            rows.append(MemberRow(line, address, kind, record))
    if problems:
        raise MemberListError(path, problems)
    if not rows:
        raise MemberListError(path, [Problem(None, "the file has a header but no member rows")])
    return MemberList(path, encoding, tuple(rows))


@dataclass(frozen=True)
class ImportResult:
    registered: int
    skipped: int
    transactions: tuple[str, ...]


def import_members(
    w3: Web3,
    sender: Sender,
    registry: Contract,
    members: MemberList,
    *,
    batch_size: int = 100,
    dry_run: bool = False,
    decoder: ErrorDecoder | None = None,
    log: Callable[[str], None] = print,
    confirm: Callable[[int], None] = lambda _n: None,
) -> ImportResult:
    """Register every listed member the registry does not hold yet, ``batch_size`` per ``registerBatch``.

    The chain decides who is missing (so a second run after an interruption sends only the rest); a listed member
    who already holds a card is skipped, and one whose card has another kind is reported (use ``updateCard``).
    ``confirm(n)`` is called with the number to register before anything is sent (it may abort)."""
    f = registry.functions
    todo: list[MemberRow] = []
    skipped = 0
    for row in members.rows:
        card = int(f.cardOf(row.member).call())
        if card:
            skipped += 1
            kind = int(f.card(card).call()[1])
            if kind != row.kind:
                log(f"  line {row.line}: {row.member} is already a member as {KINDS[kind]}, not {KINDS[row.kind]}; "
                    "left unchanged (a registrar can change it with updateCard)")  # fmt: skip
            continue
        if f.isRevoked(row.member).call():
            log(f"  line {row.line}: {row.member} was revoked by a registrar; registering it again")
        todo.append(row)
    log(f"{members.path.name} ({members.encoding}): {len(members.rows)} member(s); {skipped} already registered, "
        f"{len(todo)} to register in {-(-len(todo) // batch_size)} transaction(s)")  # fmt: skip
    if not todo:
        return ImportResult(0, skipped, ())
    if not f.hasRole(ROLE_REGISTRAR, sender.address).call():
        raise ChainError(f"{sender.address} is not a registrar (REGISTRAR_ROLE) of the registry {registry.address}")
    if dry_run:
        log("dry run: nothing was sent")
        return ImportResult(0, skipped, ())
    confirm(len(todo))
    hashes: list[str] = []
    done = 0
    for start in range(0, len(todo), batch_size):
        batch = todo[start : start + batch_size]
        call = f.registerBatch([r.member for r in batch], [r.kind for r in batch], [r.record_hash for r in batch])
        label = f"registerBatch lines {batch[0].line}-{batch[-1].line}"
        receipt: TxReceipt = transact(w3, sender, call, label=label, decoder=decoder or DEFAULT_DECODER)
        done += len(batch)
        hashes.append(receipt["transactionHash"].to_0x_hex())
        log(f"  registered {done}/{len(todo)}: tx {hashes[-1]} (gas {receipt['gasUsed']:,})")
    return ImportResult(done, skipped, tuple(hashes))


def registry_stats(registry: Contract) -> dict[str, int]:
    """Cards by kind and in all, read from the chain."""
    f = registry.functions
    counts = {kind: int(f.countOf(i).call()) for i, kind in enumerate(KINDS)}
    counts["total"] = int(f.memberCount().call())
    return counts
