"""Treasury books from events: a ledger of every movement by asset and category, balances over time, monthly
inflow/outflow, budget lines (approved / spent / left) and runway.

Sources: the Treasury's own events (``Deposited``, ``Paid``, ``BudgetLineSpent`` — each also carries the balance
after it) and the RegionToken's ``Transfer`` events that touch the treasury without a Treasury event (a failed
sale's escrow returned, plain transfers in). What no event explains is booked at the report's block by
:func:`unexplained`. Amounts are integers in base units; ETH is ``ETH``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from furusato.transparency.events import Event
from furusato.transparency.timefmt import month_of, months_between

ETH = "ETH"
ZERO = "0x0000000000000000000000000000000000000000"
RUNWAY_WINDOW = 90 * 86_400  # trailing three months, in seconds


@dataclass(frozen=True)
class Entry:
    """One movement of the treasury's holdings."""

    timestamp: int
    block: int
    log_index: int
    tx_hash: str
    asset: str
    delta: int
    # sale | deposit | sale_escrow | transfer_in | payment | budget:<category> | transfer_out | unrecorded_in/_out
    category: str
    counterparty: str
    memo: str
    line_id: int | None = None


def _asset(token: str) -> str:
    return ETH if token == ZERO else token


def ledger(events: Sequence[Event], treasury: str, token: str, sales: Collection[str]) -> list[Entry]:
    """Every movement in chain order."""
    lines: dict[int, str] = {}
    matched: Counter[tuple[str, str, int]] = Counter()
    out: list[Entry] = []
    for e in events:
        if e.contract != "Treasury":
            continue
        if e.name == "BudgetLineAppropriated":
            lines[int(e["lineId"])] = str(e["category"])
        elif e.name == "Deposited":
            asset = _asset(e["token"])
            category = "sale" if e["from"] in sales else "deposit"
            out.append(Entry(e.timestamp, e.block, e.log_index, e.tx_hash, asset, int(e["amount"]), category,
                             e["from"], ""))  # fmt: skip
            matched[(e.tx_hash, "in", int(e["amount"]))] += asset == token
        elif e.name == "Paid":
            asset = _asset(e["token"])
            out.append(Entry(e.timestamp, e.block, e.log_index, e.tx_hash, asset, -int(e["amount"]), "payment",
                             e["to"], str(e["memo"])))  # fmt: skip
            matched[(e.tx_hash, "out", int(e["amount"]))] += asset == token
        elif e.name == "BudgetLineSpent":
            asset, lid = _asset(e["token"]), int(e["lineId"])
            out.append(Entry(e.timestamp, e.block, e.log_index, e.tx_hash, asset, -int(e["amount"]),
                             f"budget:{lines.get(lid, '?')}", e["to"], str(e["memo"]), lid))  # fmt: skip
            matched[(e.tx_hash, "out", int(e["amount"]))] += asset == token
    for e in events:
        if e.contract != "RegionToken" or e.name != "Transfer" or treasury not in (e["from"], e["to"]):
            continue
        if e["from"] == e["to"]:
            continue
        incoming = e["to"] == treasury
        key = (e.tx_hash, "in" if incoming else "out", int(e["value"]))
        if matched[key] > 0:
            matched[key] -= 1
            continue
        if incoming:
            category = "sale_escrow" if e["from"] in sales else "transfer_in"
            out.append(Entry(e.timestamp, e.block, e.log_index, e.tx_hash, token, int(e["value"]), category,
                             e["from"], ""))  # fmt: skip
        else:
            out.append(Entry(e.timestamp, e.block, e.log_index, e.tx_hash, token, -int(e["value"]), "transfer_out",
                             e["to"], ""))  # fmt: skip
    out.sort(key=lambda x: (x.block, x.log_index))
    return out


def unexplained(booked: Mapping[str, int], on_chain: Mapping[str, int], at: tuple[int, int], *, exact: Collection[str],
                inflow_only: Collection[str]) -> list[Entry]:  # fmt: skip
    """Entries, at the report's (timestamp, block), for what an asset's events do not explain of its balance on
    chain. More than the events say arrives without an event the report reads, and anyone can cause it: ETH forced
    in (``SELFDESTRUCT``, a block reward), a plain transfer of a token other than RegionToken: ``unrecorded_in``. Less
    than they say is ``unrecorded_out`` for a token anyone may deposit (a rebasing or owner-controlled token can take
    balance away by itself; a fee-on-transfer deposit is recorded as what arrived, so it needs none). Assets in
    ``exact`` (RegionToken: every transfer is read) get no entry, nor does less than the events say of an asset in
    ``inflow_only`` (ETH, the sales' payment tokens): the reconciliation refuses those differences, which mean a
    missed event."""
    out: list[Entry] = []
    for asset, chain in sorted(on_chain.items()):
        gap = chain - booked.get(asset, 0)
        if gap == 0 or asset in exact or (gap < 0 and asset in inflow_only):
            continue
        category = "unrecorded_in" if gap > 0 else "unrecorded_out"
        out.append(Entry(at[0], at[1], 2**31, "", asset, gap, category, "", ""))
    return out


def balances(entries: Sequence[Entry]) -> dict[str, int]:
    """Balance by asset after every entry."""
    out: dict[str, int] = {}
    for x in entries:
        out[x.asset] = out.get(x.asset, 0) + x.delta
    return out


def balance_series(entries: Sequence[Entry]) -> dict[str, list[tuple[int, int]]]:
    """Per asset: (timestamp, balance after) at every movement."""
    running: dict[str, int] = {}
    series: dict[str, list[tuple[int, int]]] = {}
    for x in entries:
        running[x.asset] = running.get(x.asset, 0) + x.delta
        series.setdefault(x.asset, []).append((x.timestamp, running[x.asset]))
    return series


def monthly(entries: Sequence[Entry], report_time: int) -> list[dict[str, Any]]:
    """Rows (month, asset, category, inflow, outflow) for every month with movements, months in order."""
    totals: dict[tuple[str, str, str], list[int]] = {}
    for x in entries:
        cell = totals.setdefault((month_of(x.timestamp), x.asset, x.category), [0, 0])
        cell[0 if x.delta > 0 else 1] += abs(x.delta)
    return [
        {"month": m, "asset": a, "category": c, "inflow": str(v[0]), "outflow": str(v[1])}
        for (m, a, c), v in sorted(totals.items())
    ]


def month_totals(entries: Sequence[Entry], report_time: int, asset: str) -> list[tuple[str, int, int]]:
    """(month, inflow, outflow) of one asset for every month from the first movement to the report's month."""
    if not entries:
        return []
    per: dict[str, list[int]] = {}
    for x in entries:
        if x.asset == asset:
            cell = per.setdefault(month_of(x.timestamp), [0, 0])
            cell[0 if x.delta > 0 else 1] += abs(x.delta)
    months = months_between(month_of(entries[0].timestamp), month_of(report_time))
    return [(m, per.get(m, [0, 0])[0], per.get(m, [0, 0])[1]) for m in months]


def budget_lines(events: Sequence[Event], report_time: int) -> list[dict[str, Any]]:
    """Every budget line: approved, spent, left, expiry and status at the report's time."""
    rows: dict[int, dict[str, Any]] = {}
    for e in events:
        if e.contract != "Treasury":
            continue
        if e.name == "BudgetLineAppropriated":
            rows[int(e["lineId"])] = {
                "line": int(e["lineId"]), "category": str(e["category"]), "steward": e["steward"],
                "asset": _asset(e["token"]), "approved": int(e["amount"]), "spent": 0,
                "expires_at": int(e["expiresAt"]), "cancelled": False, "tx_hash": e.tx_hash,
            }  # fmt: skip
        elif e.name == "BudgetLineSpent" and int(e["lineId"]) in rows:
            rows[int(e["lineId"])]["spent"] += int(e["amount"])
        elif e.name == "BudgetLineCancelled" and int(e["lineId"]) in rows:
            rows[int(e["lineId"])]["cancelled"] = True
    out = []
    for row in rows.values():
        status = "cancelled" if row["cancelled"] else "expired" if report_time >= row["expires_at"] else "open"
        left = row["approved"] - row["spent"]
        out.append(
            {**row, "approved": str(row["approved"]), "spent": str(row["spent"]), "left": str(left),
             "spendable": str(left if status == "open" else 0), "status": status}
        )  # fmt: skip
    return out


def runway(entries: Sequence[Entry], report_time: int) -> dict[str, dict[str, Any]]:
    """Per asset: balance, outflow in the trailing 90 days, monthly burn (that / 3) and months of runway."""
    bal = balances(entries)
    out: dict[str, dict[str, Any]] = {}
    for asset, balance in bal.items():
        since = report_time - RUNWAY_WINDOW
        spent = sum(
            -x.delta for x in entries if x.asset == asset and x.delta < 0 and since < x.timestamp <= report_time
        )
        out[asset] = {
            "balance": str(balance),
            "outflow_90d": str(spent),
            "monthly_burn": str(spent // 3),
            "runway_months": round(3 * balance / spent, 1) if spent else None,
        }
    return out
