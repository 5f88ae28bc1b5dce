"""CSV tables as spreadsheets in Japan open them: UTF-8 with BOM (default) or cp932 (``--excel-sjis``), CRLF.

Cells that a spreadsheet would run as a formula (starting with ``= + - @``, tab or CR) get a leading ``'``
unless they are plain numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from furusato.errors import InputError

Table = tuple[list[str], list[list[Any]]]
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def safe_cell(value: Any) -> str:
    """A value as a CSV cell: None → empty, formula-looking text neutralised."""
    if value is None:
        return ""
    text = str(value)
    if text and text[0] in "=+-@\t\r" and not _NUMBER.match(text):
        return "'" + text
    return text


def encode(header: Sequence[str], rows: Sequence[Sequence[Any]], *, sjis: bool = False) -> bytes:
    """The table as CSV bytes. cp932 text that cannot be encoded is refused, naming the cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    text = buffer.getvalue()
    if not sjis:
        return text.encode("utf-8-sig")
    try:
        return text.encode("cp932")
    except UnicodeEncodeError as exc:
        bad = text[exc.start : exc.end]
        raise InputError(f"{bad!r} cannot be written in Shift_JIS (cp932); write UTF-8 instead") from None


def decode(data: bytes) -> list[list[str]]:
    """Read back a table written by :func:`encode` (BOM UTF-8, else cp932)."""
    text = data[3:].decode("utf-8") if data.startswith(b"\xef\xbb\xbf") else data.decode("cp932")
    return [row for row in csv.reader(io.StringIO(text, newline=""))]


def _rows(items: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> Table:
    return list(columns), [[item.get(c) for c in columns] for item in items]


def tables(data: Mapping[str, Any]) -> dict[str, Table]:
    """Every table of the report by file stem (column names are the report.json keys)."""
    out: dict[str, Table] = {}
    if data.get("members"):
        months = data["members"]["months"]
        out["members_monthly"] = _rows(months, ["month", "registered", "self_registered", "revoked", "left",
                                                "kind_changed", "resident", "relationship", "supporter", "total",
                                                "growth"])  # fmt: skip
        out["member_changes"] = _rows(data["member_changes"], ["timestamp", "block", "tx_hash", "account", "change",
                                                               "kind", "old_kind"])  # fmt: skip
    out["proposals"] = _rows(data["participation"]["proposals"], ["id", "title", "proposer", "created", "tx_hash",
        "voters", "eligible", "turnout_headcount", "votes_for", "votes_against", "votes_abstain", "voting_supply",
        "turnout_weight", "quorum", "quorum_margin", "result"])  # fmt: skip
    out["reward_epochs"] = _rows(data["rewards"]["epochs"], ["epoch", "tx_hash", "total", "leaves", "minted",
        "recipients", "paid_push", "paid_claim", "withheld_ever", "withheld_open", "unpaid", "voided",
        "gini"])  # fmt: skip
    t = data["treasury"]
    out["treasury_monthly"] = _rows(t["monthly"], ["month", "asset", "category", "inflow", "outflow"])
    out["treasury_ledger"] = _rows(t["ledger"], ["timestamp", "block", "tx_hash", "asset", "delta", "category",
                                                 "counterparty", "memo", "line_id"])  # fmt: skip
    line_columns = ["line", "category", "steward", "asset", "approved", "spent", "left", "spendable", "expires_at",
                    "status", "tx_hash"]  # fmt: skip
    out["budget_lines"] = _rows(t["budget_lines"], line_columns)
    out["runway"] = _rows([{"asset": a, **v} for a, v in t["runway"].items()],
                          ["asset", "balance", "outflow_90d", "monthly_burn", "runway_months"])  # fmt: skip
    out["sales"] = _rows(data["sales"], ["address", "payment_token", "price", "goal", "hard_cap", "sold", "raised",
                                         "buyers", "outcome", "claimed", "refunded", "refunded_paid",
                                         "tx_hash"])  # fmt: skip
    out["reconciliation"] = _rows(data["reconciliation"], ["name", "events", "unrecorded", "chain"])
    return out


def write_all(folder: Path, tables_: Mapping[str, Table], *, sjis: bool = False) -> list[Path]:
    """One ``<name>.csv`` per table."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, (header, rows) in tables_.items():
        path = folder / f"{name}.csv"
        path.write_bytes(encode(header, rows, sjis=sjis))
        paths.append(path)
    return paths
