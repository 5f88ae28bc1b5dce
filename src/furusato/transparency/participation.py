"""Participation: per-proposal turnout, quorum margin and result; voting-power concentration now."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from furusato.governance import title_of
from furusato.transparency.concentration import gini, hhi, rounded, smallest_coalition, top_share
from furusato.transparency.events import Event

SUPPORT = ("against", "for", "abstain")
STATES = ("Pending", "Active", "Canceled", "Defeated", "Succeeded", "Queued", "Expired", "Executed")


@dataclass(frozen=True)
class ProposalFacts:
    """What the chain says about a proposal at the report's block (not derivable from its logs alone)."""

    state: int
    quorum: int  # votes needed at the snapshot
    voting_supply: int  # votes that existed at the snapshot
    eligible: int | None  # members (or holders) who could vote, None if unknown


def proposals(events: Sequence[Event], facts: Callable[[int, int], ProposalFacts]) -> list[dict[str, Any]]:
    """One row per proposal, in creation order. ``facts(proposal_id, snapshot)`` reads the chain."""
    created = [e for e in events if e.contract == "RegionGovernor" and e.name == "ProposalCreated"]
    votes: dict[int, list[Event]] = {}
    for e in events:
        if e.contract == "RegionGovernor" and e.name in ("VoteCast", "VoteCastWithParams"):
            votes.setdefault(int(e["proposalId"]), []).append(e)
    rows = []
    for c in created:
        pid = int(c["proposalId"])
        snapshot = int(c["voteStart"])
        tally = {"against": 0, "for": 0, "abstain": 0}
        voters = set()
        for v in votes.get(pid, []):
            tally[SUPPORT[int(v["support"])]] += int(v["weight"])
            voters.add(v["voter"])
        f = facts(pid, snapshot)
        cast = sum(tally.values())
        counted = tally["for"] + tally["abstain"]  # OZ counting: for + abstain count towards quorum
        rows.append(
            {
                "id": str(pid),
                "title": title_of(str(c["description"]), untitled=""),
                "proposer": c["proposer"],
                "created": c.timestamp,
                "tx_hash": c.tx_hash,
                "snapshot": snapshot,
                "deadline": int(c["voteEnd"]),
                "voters": len(voters),
                "eligible": f.eligible,
                "turnout_headcount": rounded(Fraction(len(voters), f.eligible)) if f.eligible else None,
                "votes_for": str(tally["for"]),
                "votes_against": str(tally["against"]),
                "votes_abstain": str(tally["abstain"]),
                "votes_cast": str(cast),
                "voting_supply": str(f.voting_supply),
                "turnout_weight": rounded(Fraction(cast, f.voting_supply)) if f.voting_supply else None,
                "quorum": str(f.quorum),
                "quorum_margin": str(counted - f.quorum),
                "result": STATES[f.state].lower(),
            }
        )
    return rows


def voting_power(events: Sequence[Event]) -> dict[str, int]:
    """Each delegate's votes after the last ``DelegateVotesChanged`` in ``events`` (zero entries dropped)."""
    power: dict[str, int] = {}
    for e in events:
        if e.contract == "RegionToken" and e.name == "DelegateVotesChanged":
            power[e["delegate"]] = int(e["newVotes"])
    return {a: v for a, v in power.items() if v > 0}


def concentration(power: Mapping[str, int], quorum: int) -> dict[str, Any]:
    """Gini, top-10 share, HHI of voting power and the smallest coalitions that could pass a proposal now."""
    amounts = list(power.values())
    return {
        "holders": len(amounts),
        "total": str(sum(amounts)),
        "gini": rounded(gini(amounts)),
        "top10_share": rounded(top_share(amounts, 10)),
        "hhi": rounded(hhi(amounts), 2),
        "quorum_now": str(quorum),
        "smallest_coalition_quorum": smallest_coalition(amounts, quorum),
        "smallest_coalition_majority": smallest_coalition(amounts, quorum, against_all=True),
    }


def turnout_trend(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Mean turnout (weight and headcount) over proposals that reached their deadline, and per month."""
    weights = [r["turnout_weight"] for r in rows if r["turnout_weight"] is not None]
    heads = [r["turnout_headcount"] for r in rows if r["turnout_headcount"] is not None]
    return {
        "proposals": len(rows),
        "mean_turnout_weight": round(sum(weights) / len(weights), 6) if weights else None,
        "mean_turnout_headcount": round(sum(heads) / len(heads), 6) if heads else None,
    }
