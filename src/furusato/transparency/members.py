"""関係人口: members by kind over time, from the ResidentRegistry's events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from furusato.transparency.events import Event
from furusato.transparency.timefmt import month_of, months_between

KINDS = ("resident", "relationship", "supporter")


@dataclass(frozen=True)
class Change:
    """One change of the member list."""

    timestamp: int
    block: int
    tx_hash: str
    account: str
    change: str  # registered | self_registered | revoked | left | kind_changed
    kind: str  # the kind after the change (before it, for revoked/left)
    old_kind: str | None = None


def changes(events: Sequence[Event]) -> list[Change]:
    """The registry's member changes in chain order."""
    out = []
    for e in events:
        if e.contract != "ResidentRegistry":
            continue
        if e.name == "MemberRegistered":
            how = "self_registered" if e["by"] == e["account"] else "registered"
            out.append(Change(e.timestamp, e.block, e.tx_hash, e["account"], how, KINDS[e["kind"]]))
        elif e.name == "MemberRevoked":
            out.append(Change(e.timestamp, e.block, e.tx_hash, e["account"], "revoked", KINDS[e["kind"]]))
        elif e.name == "MemberLeft":
            out.append(Change(e.timestamp, e.block, e.tx_hash, e["account"], "left", KINDS[e["kind"]]))
        elif e.name == "CardUpdated" and e["oldKind"] != e["newKind"]:
            out.append(
                Change(e.timestamp, e.block, e.tx_hash, e["account"], "kind_changed", KINDS[e["newKind"]],
                       KINDS[e["oldKind"]])
            )  # fmt: skip
    return out


def active_at(chs: Sequence[Change], timestamp: int) -> dict[str, str]:
    """Members (account -> kind) at the end of second ``timestamp``."""
    active: dict[str, str] = {}
    for c in chs:
        if c.timestamp > timestamp:
            break
        if c.change in ("registered", "self_registered", "kind_changed"):
            active[c.account] = c.kind
        else:
            active.pop(c.account, None)
    return active


def summarize(chs: Sequence[Change], report_time: int) -> dict[str, Any]:
    """Current members by kind, and per month: joins (by registrar / self), leaves (revoked / left), members by kind
    at the month's end, net growth."""
    current = active_at(chs, report_time)
    by_kind = {k: sum(1 for v in current.values() if v == k) for k in KINDS}
    months: list[dict[str, Any]] = []
    if chs:
        active: dict[str, str] = {}
        previous_total = 0
        per_month: dict[str, list[Change]] = {}
        for c in chs:
            per_month.setdefault(month_of(c.timestamp), []).append(c)
        for month in months_between(month_of(chs[0].timestamp), month_of(report_time)):
            row: dict[str, Any] = {
                "month": month, "registered": 0, "self_registered": 0, "revoked": 0, "left": 0, "kind_changed": 0,
            }  # fmt: skip
            for c in per_month.get(month, []):
                row[c.change] += 1
                if c.change in ("registered", "self_registered", "kind_changed"):
                    active[c.account] = c.kind
                else:
                    active.pop(c.account, None)
            for k in KINDS:
                row[k] = sum(1 for v in active.values() if v == k)
            row["total"] = len(active)
            row["growth"] = len(active) - previous_total
            previous_total = len(active)
            months.append(row)
    return {
        "total": len(current),
        "by_kind": by_kind,
        "ever_registered": len({c.account for c in chs if c.change in ("registered", "self_registered")}),
        "months": months,
    }
