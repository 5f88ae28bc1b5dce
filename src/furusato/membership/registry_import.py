"""Bulk registration of members (ふるさと住民登録) from a registrar's CSV.

**Files.** CSV with a header row, encoded as UTF-8, UTF-8 with BOM (Excel's "CSV UTF-8") or Shift_JIS (cp932,
Excel's default "CSV" in Japan) — decoded by :func:`furusato.textio.decode_spreadsheet_text`.

**Columns** (header matched after NFKC normalisation and case folding; other columns are ignored):

===========  ==========================================================================
member       ``member``, ``address``, ``wallet``, メンバー, アドレス, ウォレット, ウォレットアドレス
kind         ``kind``, ``type``, 種別, 区分, 登録区分 — resident/住民, relationship/関係人口, supporter/サポーター
record_hash  ``record_hash``, ``hash``, 記録ハッシュ (optional): ``0x`` + 64 hex digits
note         ``note``, ``memo``, 備考, メモ (optional): hashed here with the town's note key, never sent
===========  ==========================================================================

No personal data goes on chain: at most a hash of the town's own record. A row gives a record hash or a note (or
neither), not both.

**Notes are hashed with a key** (:func:`note_hash`): HMAC-SHA256, keyed by the town's secret *note key*, of the
note's NFKC-normalised, trimmed UTF-8 text. A plain hash of a short note (a name, a phone number, a member number)
could be recovered from the chain by trying every candidate; without the key it cannot. The hash is deterministic
(same key and text, same hash), so re-imports stay idempotent and the town, holding the key, can later show that a
card's hash matches its record. A file with notes is refused when no key is given (nothing is sent).

**Note key file** (:func:`load_note_key`, created by :func:`new_note_key` / ``furusato registry new-note-key``):
at least 32 random bytes, written either as hex text (64 or more hex digits, an optional ``0x`` and surrounding
whitespace allowed) or as the raw bytes. Text that is not hex (a passphrase) is refused, as is a short or
obviously non-random key. Keep it secret and backed up, readable by its owner only (mode 0600), and out of git:
losing it means notes can no longer be matched to cards; leaking it makes short notes guessable again.

**Errors**: every problem is reported at once, with the file and line (the header is line 1),
and nothing is sent while any remains. **Idempotent and resumable**: the chain is the source of truth — members
already registered are skipped, the rest are sent in batches (``registerBatch``), so running the same file again
after an interruption registers only who is still missing.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import os
import re
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from web3 import Web3
from web3.contract import Contract
from web3.types import TxReceipt

from furusato.abi import checked_address
from furusato.chain import Sender, transact
from furusato.config import parse_kind
from furusato.constants import MEMBER_KINDS, ROLE_REGISTRAR, ZERO_ADDRESS
from furusato.errors import ChainError, ConfigError, MemberListError, Problem, TextEncodingError
from furusato.reverts import DEFAULT_DECODER, ErrorDecoder
from furusato.textio import clean_cell, decode_spreadsheet_text, header_columns, header_names, leading_blank_rows

COLUMNS = {
    "member": ("member", "address", "wallet", "メンバー", "アドレス", "ウォレット", "ウォレットアドレス"),
    "kind": ("kind", "type", "種別", "区分", "登録区分"),
    "record_hash": ("record_hash", "record hash", "hash", "記録ハッシュ", "ハッシュ"),
    "note": ("note", "memo", "備考", "メモ"),
}
_HEADER = header_names(COLUMNS)
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
_HASH = re.compile(r"0x[0-9a-fA-F]{64}")
NO_RECORD = b"\x00" * 32


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


NOTE_KEY_BYTES = 32
NOTE_KEY_ENV = "FURUSATO_NOTE_KEY_FILE"
_NEW_KEY_HINT = "create one with `furusato registry new-note-key PATH`"


def note_hash(note: str, key: bytes) -> bytes:
    """The record hash of a note: HMAC-SHA256 keyed by the town's note ``key`` over the note's NFKC-normalised,
    trimmed UTF-8 text (32 bytes, the card's ``recordHash``)."""
    if len(key) < NOTE_KEY_BYTES:
        raise ConfigError(f"a note key needs at least {NOTE_KEY_BYTES} bytes, got {len(key)}")
    text = clean_cell(note)
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def parse_note_key(data: bytes, source: str) -> bytes:
    """The key held by a key file's bytes: hex text (64+ hex digits, optional ``0x``, whitespace around) or at
    least 32 raw random bytes. Raises :class:`ConfigError` naming ``source`` and the problem."""
    if not data.strip():
        raise ConfigError(f"the note key file {source} is empty; {_NEW_KEY_HINT}")
    try:
        text: str | None = data.decode("ascii").strip()
    except UnicodeDecodeError:
        text = None
    if text is not None and all(c in string.printable for c in text):
        digits = text[2:] if text[:2].lower() == "0x" else text
        if not digits or any(c not in string.hexdigits for c in digits):
            raise ConfigError(f"the note key file {source} holds text that is not hex (a passphrase?): a note key is "
                              f"{NOTE_KEY_BYTES}+ random bytes, as hex digits or raw; {_NEW_KEY_HINT}")  # fmt: skip
        if len(digits) % 2:
            raise ConfigError(f"the note key file {source} has an odd number of hex digits ({len(digits)})")
        key = bytes.fromhex(digits)
        form = f"{len(digits)} hex digits"
    else:
        key = data
        form = f"{len(data)} raw bytes"
    if len(key) < NOTE_KEY_BYTES:
        raise ConfigError(f"the note key file {source} holds {form} ({len(key)} bytes); a note key needs at least "
                          f"{NOTE_KEY_BYTES} bytes ({2 * NOTE_KEY_BYTES} hex digits); {_NEW_KEY_HINT}")  # fmt: skip
    if len(set(key)) < 8:
        raise ConfigError(f"the note key file {source} holds a key with only {len(set(key))} distinct byte values: "
                          f"it is not random; {_NEW_KEY_HINT}")  # fmt: skip
    return key


def load_note_key(path: Path) -> bytes:
    """Read and check a note key file (see :func:`parse_note_key`)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the note key file {path}: {exc.strerror}") from exc
    return parse_note_key(data, str(path))


def new_note_key(path: Path) -> None:
    """Write a new note key to ``path``: 32 random bytes as hex and a newline, mode 0600; never overwrites."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise ConfigError(f"{path} already exists: a note key is never overwritten (the notes hashed with it "
                          "could no longer be matched); choose another path") from exc  # fmt: skip
    except OSError as exc:
        raise ConfigError(f"cannot create the note key file {path}: {exc.strerror}") from exc
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secrets.token_bytes(NOTE_KEY_BYTES).hex() + "\n")
    os.chmod(path, 0o600)  # whatever the umask


def read_member_list(path: Path, note_key: bytes | None = None) -> MemberList:
    """Read and check every row; raise :class:`MemberListError` naming every problem. Notes are hashed with
    ``note_key`` (:func:`note_hash`); a file with notes and no key is refused."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MemberListError(path, [Problem(None, f"cannot read the file: {exc.strerror}")]) from exc
    try:
        text, encoding = decode_spreadsheet_text(data)
    except TextEncodingError as exc:
        raise MemberListError(path, [Problem(exc.line, str(exc))]) from exc
    problems: list[Problem] = []
    try:
        table = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise MemberListError(path, [Problem(None, f"not a readable CSV file: {exc}")]) from exc
    skip = leading_blank_rows(table)  # blank lines before the header are skipped
    if skip == len(table):
        raise MemberListError(path, [Problem(None, "the file is empty: expected a header row and member rows")])
    table = table[skip:]
    columns, duplicated = header_columns(table[0], _HEADER)
    problems.extend(duplicated)
    missing = [c for c in ("member", "kind") if c not in columns.values()]
    if missing:
        accepted = "; ".join(f"{c}: {', '.join(COLUMNS[c])}" for c in missing)
        problems.append(
            Problem(skip + 1, f"missing required column(s) {', '.join(missing)} (accepted headers — {accepted})")
        )
        raise MemberListError(path, problems)
    rows: list[MemberRow] = []
    seen: dict[str, int] = {}
    keyless: list[int] = []
    for line, raw in enumerate(table[1:], start=skip + 2):
        if not any(c.strip() for c in raw):
            continue
        if any(c.strip() for c in raw[len(table[0]) :]):
            problems.append(Problem(line, f"has {len(raw)} cells but the header has {len(table[0])} columns"))
            continue
        cells = {column: raw[i] if i < len(raw) else "" for i, column in columns.items()}
        before = len(problems)
        member = clean_cell(cells["member"])
        address = ""
        checksummed = checked_address(member)
        if not _ADDRESS.fullmatch(member):
            problems.append(Problem(line, f"member {member!r} is not an address (0x + 40 hex digits)"))
        elif checksummed is None:
            problems.append(Problem(line, f"member {member} has a wrong EIP-55 checksum (a typo?)"))
        elif member.lower() == ZERO_ADDRESS:
            problems.append(Problem(line, "member is the zero address"))
        else:
            address = checksummed
            if address in seen:
                problems.append(Problem(line, f"member {address} is already on line {seen[address]}"))
            seen.setdefault(address, line)
        kind = 0
        try:
            kind = parse_kind(clean_cell(cells["kind"]), "kind")
        except ConfigError:
            problems.append(Problem(line, f"kind {cells['kind'].strip()!r} is not one of resident/住民, "
                                          "relationship/関係人口, supporter/サポーター"))  # fmt: skip
        given = clean_cell(cells.get("record_hash", ""))
        note = cells.get("note", "").strip()
        record = NO_RECORD
        if given and note:
            problems.append(Problem(line, "give a record_hash or a note, not both"))
        elif given:
            if _HASH.fullmatch(given):
                record = bytes.fromhex(given[2:])
            else:
                problems.append(Problem(line, f"record_hash {given!r} is not 0x + 64 hex digits"))
        elif note and note_key is None:
            keyless.append(line)
        elif note and note_key is not None:
            record = note_hash(note, note_key)
        if len(problems) == before:
            rows.append(MemberRow(line, address, kind, record))
    if keyless:
        where = ", ".join(map(str, keyless[:10])) + (f" and {len(keyless) - 10} more" if len(keyless) > 10 else "")
        problems.append(Problem(None, f"notes on line(s) {where} need the town's note key (--note-key-file or "
                                      f"{NOTE_KEY_ENV}): a note is hashed with it so that short notes (names, phone "
                                      f"numbers) cannot be guessed from the chain; {_NEW_KEY_HINT}"))  # fmt: skip
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
    who already holds a card is skipped, and one whose card has another kind or record hash is reported (use
    ``updateCard``).
    ``confirm(n)`` is called with the number to register before anything is sent (it may abort)."""
    f = registry.functions
    todo: list[MemberRow] = []
    skipped = 0
    for row in members.rows:
        card = int(f.cardOf(row.member).call())
        if card:
            skipped += 1
            _holder, kind, _since, on_chain_hash = f.card(card).call()
            if int(kind) != row.kind:
                was, given = MEMBER_KINDS[kind], MEMBER_KINDS[row.kind]
                log(f"  line {row.line}: {row.member} is already a member as {was}, not {given}; "
                    "left unchanged (a registrar can change it with updateCard)")  # fmt: skip
            if bytes(on_chain_hash) != row.record_hash:
                log(f"  line {row.line}: {row.member}'s card holds another record hash than this row gives "
                    "(another note, key or record?); left unchanged (a registrar can change it with "
                    "updateCard)")  # fmt: skip
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
    counts = {kind: int(f.countOf(i).call()) for i, kind in enumerate(MEMBER_KINDS)}
    counts["total"] = int(f.memberCount().call())
    return counts
