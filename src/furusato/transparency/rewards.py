"""Activity rewards per epoch: published total, paid by push / by claim, withheld, recipients, distribution, and
(when plan folders are given) what was earned by activity type."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from furusato.transparency.concentration import gini, lorenz, rounded
from furusato.transparency.events import Event


def read_plans(folders: Iterable[Path]) -> dict[str, dict[str, str]]:
    """Merkle root (lower-case hex) -> {activity: tokens earned before cap/scale, as a decimal string}, from plan
    folders (``plan.json`` + ``allocation.csv``, as ``furusato rewards plan`` writes them)."""
    out: dict[str, dict[str, str]] = {}
    for folder in folders:
        plan = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
        split: dict[str, Decimal] = {}
        text = (folder / "allocation.csv").read_bytes().decode("utf-8-sig")
        for row in csv.DictReader(io.StringIO(text)):
            if row["kind"] == "row":
                split[row["activity"]] = split.get(row["activity"], Decimal(0)) + Decimal(row["earned"])
        out[str(plan["root"]).lower()] = {k: str(v) for k, v in sorted(split.items())}
    return out


def epochs(events: Sequence[Event], plans: dict[str, dict[str, str]] | None = None) -> list[dict[str, Any]]:
    """One row per published epoch, in publication order."""
    mine = [e for e in events if e.contract == "ActivityRewards"]
    push_txs = {(e.tx_hash, int(e["epoch"])) for e in mine if e.name == "RewardsDistributed"}
    rows: dict[int, dict[str, Any]] = {}
    paid_to: dict[int, dict[str, int]] = {}
    withheld_open: dict[int, dict[int, tuple[str, int]]] = {}
    for e in mine:
        if e.name == "EpochPublished":
            ep = int(e["epoch"])
            rows[ep] = {
                "epoch": str(ep), "root": str(e["root"]).lower(), "published": e.timestamp, "tx_hash": e.tx_hash,
                "total": int(e["total"]), "leaves": int(e["leafCount"]), "voided": False,
                "paid_push": 0, "paid_claim": 0, "paid_push_count": 0, "paid_claim_count": 0,
                "withheld_ever": 0, "withheld_ever_count": 0,
            }  # fmt: skip
            paid_to[ep] = {}
            withheld_open[ep] = {}
        elif e.name == "EpochVoided" and int(e["epoch"]) in rows:
            rows[int(e["epoch"])]["voided"] = True
        elif e.name == "RewardPaid" and int(e["epoch"]) in rows:
            ep, amount = int(e["epoch"]), int(e["amount"])
            how = "push" if (e.tx_hash, ep) in push_txs else "claim"
            rows[ep][f"paid_{how}"] += amount
            rows[ep][f"paid_{how}_count"] += 1
            paid_to[ep][e["account"]] = paid_to[ep].get(e["account"], 0) + amount
            withheld_open[ep].pop(int(e["index"]), None)
        elif e.name == "RewardWithheld" and int(e["epoch"]) in rows:
            ep = int(e["epoch"])
            rows[ep]["withheld_ever"] += int(e["amount"])
            rows[ep]["withheld_ever_count"] += 1
            withheld_open[ep][int(e["index"])] = (e["account"], int(e["amount"]))
    out = []
    for ep, row in rows.items():
        amounts = list(paid_to[ep].values())
        still = withheld_open[ep].values()
        row.update(
            minted=row["paid_push"] + row["paid_claim"],
            recipients=len(amounts),
            withheld_open=sum(a for _acct, a in still),
            withheld_open_count=len(still),
            unpaid=row["total"] - row["paid_push"] - row["paid_claim"],
            gini=rounded(gini(amounts)),
            lorenz=[[rounded(x, 4), rounded(y, 4)] for x, y in lorenz(amounts)],
            by_activity=(plans or {}).get(row["root"]),
        )
        for key in ("total", "paid_push", "paid_claim", "withheld_ever", "minted", "withheld_open", "unpaid"):
            row[key] = str(row[key])
        out.append(row)
    return out
