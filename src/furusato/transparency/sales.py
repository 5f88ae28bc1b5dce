"""Fundraising sales: raised vs goal, buyers, outcome, refunds and claims, from each TokenSale's events."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from furusato.membership.sale_view import SaleView
from furusato.transparency.events import Event


def sales(events: Sequence[Event], facts: Mapping[str, SaleView]) -> list[dict[str, Any]]:
    """One row per sale address in ``facts`` (each sale read at the report's block; ordered by opening time)."""
    rows = []
    for address, f in sorted(facts.items(), key=lambda kv: (kv[1].terms.opens_at, kv[0])):
        mine = [e for e in events if e.contract == "TokenSale" and e.address == address]
        sold = raised = refunded = refunded_paid = claimed = 0
        buyers: set[str] = set()
        finalized: Event | None = None
        first_tx = None
        for e in mine:
            if e.name == "Purchased":
                sold += int(e["amount"])
                raised += int(e["cost"])
                buyers.add(e["buyer"])
                first_tx = first_tx or e.tx_hash
            elif e.name == "Refunded":
                refunded += int(e["amount"])
                refunded_paid += int(e["paid"])
            elif e.name == "Claimed":
                claimed += int(e["amount"])
            elif e.name == "Finalized":
                finalized = e
        rows.append(
            {
                "address": address,
                "payment_token": f.terms.payment_token,
                "price": str(f.terms.price),
                "opens_at": f.terms.opens_at,
                "closes_at": f.terms.closes_at,
                "goal": str(f.terms.goal),
                "hard_cap": str(f.terms.hard_cap),
                "sold": str(sold),
                "raised": str(raised),
                "goal_share": round(sold / f.terms.goal, 6) if f.terms.goal else None,
                "buyers": len(buyers),
                "outcome": f.state.lower(),
                "finalized": finalized is not None,
                "tx_hash": finalized.tx_hash if finalized else first_tx,
                "claimed": str(claimed),
                "refunded": str(refunded),
                "refunded_paid": str(refunded_paid),
            }
        )
    return rows
