"""Read a coordinator's activity log (CSV or JSON) into checked rows.

**Files.** ``*.json`` is read as JSON: a list of objects with the same keys as the CSV columns. Anything else
is read as CSV with a header row. The encoding is detected: UTF-8 with BOM (Excel's "CSV UTF-8"), UTF-8, or
Shift_JIS (Windows code page 932, Excel's default "CSV" in Japan). UTF-16 ("Unicode text") is refused.

**Columns** (header matched after NFKC normalisation, trimming and case folding; other columns are ignored):

============  ===============================================================
member        ``member``, ``address``, ``wallet``, メンバー, アドレス, ウォレット, ウォレットアドレス
activity      ``activity``, ``type``, 活動, 活動種別, 種別
quantity      ``quantity``, ``hours``, ``points``, 数量, 時間, ポイント
date          ``date``, 日付, 活動日
note          ``note``, ``memo``, 備考, メモ (optional column)
============  ===============================================================

**Values.** Cells other than the note are NFKC-normalised, so full-width digits and letters (``１．５``,
``０ｘ…``) are accepted; notes are kept as written (trimmed).

* member: ``0x`` + 40 hex digits. All-lowercase (or all-uppercase) addresses are accepted and checksummed; a
  mixed-case address must have a correct EIP-55 checksum (a wrong one usually means a typo). The zero address
  is refused.
* activity: a name or alias of an activity in the policy.
* quantity: a decimal number read exactly (never as a float), ``0 ≤ quantity ≤`` the activity's
  ``max_quantity_per_row``, at most 18 decimal places.
* date: ``YYYY-MM-DD`` or ``YYYY/MM/DD`` (also ``2026/12/1`` as Japanese Excel writes it), inside the epoch.
* note: free text.

Rows whose cells are all empty are skipped. A row is a duplicate of an earlier one when member, activity,
quantity (by value: ``1.5`` = ``1.50``), date and note are all equal; write a note (e.g. 午前 / 午後) to log
the same activity twice on a day.

**Errors.** Every problem in the file is collected and raised together as one :class:`ActivityLogError`
(an :class:`~furusato.errors.InputError`), each naming its line as the spreadsheet numbers it: the header is
line 1, so the first data row is line 2 (for JSON: the line where the object starts).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from furusato.abi import checked_address
from furusato.errors import ActivityLogError, FileProblemsError, Problem, TextEncodingError
from furusato.rewards.policy import Epoch, Policy
from furusato.textio import clean_cell, decode_spreadsheet_text, header_columns, leading_blank_rows

__all__ = [
    "COLUMNS",
    "ActivityLog",
    "ActivityLogError",
    "ActivityRow",
    "FileProblemsError",
    "Problem",
    "read_activity_log",
]

COLUMNS: Mapping[str, tuple[str, ...]] = {
    "member": ("member", "address", "wallet", "メンバー", "アドレス", "ウォレット", "ウォレットアドレス"),
    "activity": ("activity", "type", "活動", "活動種別", "種別"),
    "quantity": ("quantity", "hours", "points", "数量", "時間", "ポイント"),
    "date": ("date", "日付", "活動日"),
    "note": ("note", "memo", "備考", "メモ"),
}
"""Accepted header names of each column (the first one is the canonical English name)."""

_REQUIRED = ("member", "activity", "quantity", "date")
_HEADER_TO_COLUMN = {clean_cell(alias).casefold(): column for column, aliases in COLUMNS.items() for alias in aliases}
_ADDRESS_RE = re.compile(r"0x[0-9a-fA-F]{40}")
_DATE_RE = re.compile(r"([0-9]{4})(-|/)([0-9]{1,2})\2([0-9]{1,2})")
_MAX_DECIMAL_PLACES = 18


@dataclass(frozen=True)
class ActivityRow:
    """One checked log row."""

    line: int
    member: str
    """EIP-55 checksummed address."""
    activity: str
    """The canonical activity name from the policy (even if the log used an alias)."""
    quantity: Decimal
    date: dt.date
    note: str


@dataclass(frozen=True)
class ActivityLog:
    """A checked activity log."""

    path: Path
    sha256: str
    """sha256 of the file's bytes."""
    encoding: str
    """``utf-8-sig``, ``utf-8``, ``cp932`` (CSV) or ``json``."""
    rows: tuple[ActivityRow, ...]


def _csv_records(text: str, problems: list[Problem]) -> list[tuple[int, dict[str, Any]]]:
    """Rows of a CSV as (line, {column: cell}); structural problems go to ``problems``."""
    try:
        table = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        problems.append(Problem(None, f"not a readable CSV file: {exc}"))
        return []
    skip = leading_blank_rows(table)  # blank lines before the header are skipped
    if skip == len(table):
        problems.append(Problem(None, "the file is empty: expected a header row and activity rows"))
        return []
    table = table[skip:]
    columns, duplicated = header_columns(table[0], _HEADER_TO_COLUMN)
    problems.extend(duplicated)
    missing = [c for c in _REQUIRED if c not in columns.values()]
    if missing:
        accepted = "; ".join(f"{c}: {', '.join(COLUMNS[c])}" for c in missing)
        problems.append(
            Problem(skip + 1, f"missing required column(s) {', '.join(missing)} (accepted headers — {accepted})")
        )
        return []
    records: list[tuple[int, dict[str, Any]]] = []
    for line, row in enumerate(table[1:], start=skip + 2):
        if not any(cell.strip() for cell in row):
            continue
        extra = [i for i, cell in enumerate(row) if i >= len(table[0]) and cell.strip()]
        if extra:
            problems.append(Problem(line, f"has {len(row)} cells but the header has {len(table[0])} columns"))
            continue
        records.append((line, {column: row[i] if i < len(row) else "" for i, column in columns.items()}))
    return records


def _skip_space(text: str, index: int) -> int:
    """The index of the first non-whitespace character (JSON whitespace) at or after ``index``."""
    while index < len(text) and text[index] in " \t\n\r":
        index += 1
    return index


def _json_records(text: str, problems: list[Problem]) -> list[tuple[int, dict[str, Any]]]:
    """Objects of a JSON list as (line where the object starts, {column: value})."""
    decoder = json.JSONDecoder(parse_float=Decimal, parse_constant=Decimal)
    index = _skip_space(text, 0)
    if index == len(text):
        problems.append(Problem(None, "the file is empty: expected a JSON list of activity objects"))
        return []
    items: list[tuple[int, Any]] = []
    line, counted = 1, 0  # line number at text[counted], advanced incrementally
    try:
        if text[index] != "[":
            raise json.JSONDecodeError("expected a JSON list of activity objects", text, index)
        index = _skip_space(text, index + 1)
        while text[index : index + 1] != "]":
            item, end = decoder.raw_decode(text, index)
            line, counted = line + text.count("\n", counted, index), index
            items.append((line, item))
            index = _skip_space(text, end)
            if text[index : index + 1] == ",":
                index = _skip_space(text, index + 1)
            elif text[index : index + 1] != "]":
                raise json.JSONDecodeError("expected ',' or ']'", text, index)
        if text[index + 1 :].strip():
            raise json.JSONDecodeError("unexpected text after the list", text, index + 1)
    except json.JSONDecodeError as exc:
        problems.append(Problem(exc.lineno, f"invalid JSON: {exc.msg} (column {exc.colno})"))
        return []
    if not items:
        problems.append(Problem(None, "the file is empty: the JSON list has no activity objects"))
    records: list[tuple[int, dict[str, Any]]] = []
    for line, item in items:
        if not isinstance(item, dict):
            problems.append(Problem(line, f"expected an object like {{'member': …}}, got {type(item).__name__}"))
            continue
        record: dict[str, Any] = {}
        for key, value in item.items():
            column = _HEADER_TO_COLUMN.get(clean_cell(key).casefold())
            if column in record:
                problems.append(Problem(line, f"two keys mean {column!r}: remove one of them"))
            elif column is not None:
                record[column] = value
        records.append((line, record))
    return records


class _RowChecker:
    """Turns raw records into :class:`ActivityRow` objects, recording every problem found."""

    def __init__(self, policy: Policy, epoch: Epoch, problems: list[Problem]) -> None:
        self.policy = policy
        self.epoch = epoch
        self.problems = problems
        self.seen: dict[tuple[str, str, Decimal, dt.date, str], int] = {}

    def text(self, line: int, record: Mapping[str, Any], column: str) -> str | None:
        value = record.get(column)
        if value is None or (isinstance(value, str) and not value.strip()):
            if column in _REQUIRED:
                self.problems.append(Problem(line, f"{column} is empty"))
                return None
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            self.problems.append(Problem(line, f"{column}: expected text or a number, got {value!r}"))
            return None
        # Notes are free text and kept as written (only trimmed); the other cells are matched, so normalised.
        return str(value).strip() if column == "note" else clean_cell(str(value))

    def member(self, line: int, text: str) -> str | None:
        if not _ADDRESS_RE.fullmatch(text):
            self.problems.append(Problem(line, f"member {text!r} is not an address (0x followed by 40 hex digits)"))
            return None
        checksummed = checked_address(text)
        if checksummed is None:
            problem = f"member {text} has a wrong checksum (upper/lower case mix), so it probably has a typo"
            self.problems.append(Problem(line, problem))
            return None
        if int(text, 16) == 0:
            self.problems.append(Problem(line, "member is the zero address; tokens sent there are lost"))
            return None
        return checksummed

    def quantity(self, line: int, text: str, max_quantity: Decimal | None) -> Decimal | None:
        try:
            quantity = Decimal(text)
        except InvalidOperation:
            self.problems.append(Problem(line, f"quantity {text!r} is not a number"))
            return None
        if quantity.is_nan():
            self.problems.append(Problem(line, f"quantity {text!r} is not a number (NaN)"))
        elif quantity.is_infinite():
            self.problems.append(Problem(line, f"quantity {text!r} is infinite"))
        elif quantity < 0:
            self.problems.append(Problem(line, f"quantity {text} is negative"))
        elif max_quantity is not None and quantity > max_quantity:
            self.problems.append(
                Problem(line, f"quantity {text} is more than the policy allows per row ({max_quantity})")
            )
        elif -int(quantity.as_tuple().exponent) > _MAX_DECIMAL_PLACES:
            self.problems.append(Problem(line, f"quantity {text} has more than {_MAX_DECIMAL_PLACES} decimal places"))
        else:
            return quantity
        return None

    def date(self, line: int, text: str) -> dt.date | None:
        match = _DATE_RE.fullmatch(text)
        try:
            if not match:
                raise ValueError
            day = dt.date(int(match.group(1)), int(match.group(3)), int(match.group(4)))
        except ValueError:
            self.problems.append(Problem(line, f"date {text!r} is not a date like 2026-12-01 or 2026/12/01"))
            return None
        if not self.epoch.start <= day <= self.epoch.end:
            self.problems.append(Problem(line, f"date {day} is outside epoch {self.epoch}"))
            return None
        return day

    def row(self, line: int, record: Mapping[str, Any]) -> ActivityRow | None:
        member_text, activity_text, quantity_text, date_text, note = (
            self.text(line, record, column) for column in ("member", "activity", "quantity", "date", "note")
        )
        member = self.member(line, member_text) if member_text is not None else None
        activity = self.policy.activity(activity_text) if activity_text is not None else None
        if activity_text is not None and activity is None:
            known = ", ".join(sorted({n for a in self.policy.activities for n in (a.name, *a.aliases)}))
            self.problems.append(Problem(line, f"unknown activity type {activity_text!r} (the policy knows: {known})"))
        max_quantity = activity.max_quantity_per_row if activity is not None else None
        quantity = self.quantity(line, quantity_text, max_quantity) if quantity_text is not None else None
        day = self.date(line, date_text) if date_text is not None else None
        if member is None or activity is None or quantity is None or day is None or note is None:
            return None
        key = (member, activity.name, quantity, day, note)
        if key in self.seen:
            self.problems.append(
                Problem(line, f"duplicates line {self.seen[key]} (same member, activity, quantity, date and note)")
            )
            return None
        self.seen[key] = line
        return ActivityRow(line, member, activity.name, quantity, day, note)


def read_activity_log(path: str | Path, policy: Policy, epoch: Epoch) -> ActivityLog:
    """Read and check a log for ``epoch`` under ``policy``; raise :class:`ActivityLogError` listing every problem."""
    source = Path(path)
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise ActivityLogError(source, [Problem(None, f"cannot read the file: {exc.strerror}")]) from None
    if not data.strip():
        raise ActivityLogError(source, [Problem(None, "the file is empty: expected a header row and activity rows")])
    try:
        text, encoding = decode_spreadsheet_text(data)
    except TextEncodingError as exc:
        raise ActivityLogError(source, [Problem(exc.line, str(exc))]) from None
    problems: list[Problem] = []
    is_json = source.suffix.lower() == ".json"
    records = _json_records(text, problems) if is_json else _csv_records(text, problems)
    checker = _RowChecker(policy, epoch, problems)
    rows = [row for line, record in records if (row := checker.row(line, record)) is not None]
    if not problems and not rows:
        problems.append(Problem(None, "the file has no activity rows"))
    if problems:
        raise ActivityLogError(source, problems)
    return ActivityLog(source, hashlib.sha256(data).hexdigest(), "json" if is_json else encoding, tuple(rows))
