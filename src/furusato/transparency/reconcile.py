"""Reconciliation: figures rebuilt from events against the chain's own state at the report's block, exactly."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from furusato.errors import FurusatoError


class ReconcileError(FurusatoError):
    """The books rebuilt from events differ from the chain; the message names every difference."""


@dataclass(frozen=True)
class Check:
    """One figure: what the events say, what the chain says (base units), and what the report booked as no event's
    (a treasury balance's ``unrecorded_in`` / ``unrecorded_out``; zero elsewhere)."""

    name: str
    from_events: int
    on_chain: int
    unrecorded: int = 0

    @property
    def ok(self) -> bool:
        return self.from_events + self.unrecorded == self.on_chain


def require(checks: Sequence[Check]) -> list[Check]:
    """The checks, if every one agrees; else ReconcileError naming each difference."""
    bad = [c for c in checks if not c.ok]
    if bad:
        lines = [f"{c.name}: events {c.from_events}, chain {c.on_chain} (difference {c.from_events - c.on_chain})"
                 for c in bad]  # fmt: skip
        raise ReconcileError(
            "the report does not reconcile with the chain, so it was not written:\n  " + "\n  ".join(lines)
        )
    return list(checks)
