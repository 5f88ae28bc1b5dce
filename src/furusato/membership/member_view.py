"""One member as the DAO sees them (`furusato member show`): card, balance, votes now and at a proposal's snapshot,
delegate, signature nonce, and the rewards of the given plan folders (paid, withheld, still due)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from furusato.constants import JST, ZERO_ADDRESS
from furusato.membership.cards import CardStatus, card_status
from furusato.rewards.onchain import load_plan_folder
from furusato.rewards.standing import RewardLine, RewardState, member_rewards
from furusato.units import format_units, local_time

#: The CLI's words for each reward state (the portal has its own, in its message catalog).
REWARD_WORDS = {
    RewardState.NOT_IN_PLAN: "not in the plan",
    RewardState.NOT_PUBLISHED: "not published",
    RewardState.OTHER_ROOT: "not published with this plan (the epoch's root on chain is another plan's)",
    RewardState.CHALLENGE: "published, in the challenge window; payable from",
    RewardState.NOT_PUSHED: "due (not paid yet: the coordinator's push pays it); payable since",
    RewardState.PAID: "paid",
    RewardState.WITHHELD: "withheld (not a member at push time: claim once registered)",
    RewardState.WITHHELD_CAP: "withheld (above the member cap: governance must raise it)",
    RewardState.CLAIMABLE: "withheld (not a member at push time), claimable now: furusato rewards claim",
}


@dataclass(frozen=True)
class MemberView:
    account: str
    card: CardStatus | None  # None when the deployment has no registry
    balance: int
    votes: int
    delegate: str
    nonce: int
    snapshot: tuple[int, int] | None  # (the proposal's snapshot time, votes then), when a proposal is given
    rewards: tuple[RewardLine, ...]


def member_view(
    token: Any, registry: Any | None, rewards: Any | None, account: str, *, snapshot: int | None = None,
    plan_folders: tuple[Path, ...] = (), now: int | None = None,
) -> MemberView:  # fmt: skip
    """Read ``account`` on the token (and registry, rewards). ``snapshot``: a proposal's snapshot time, whose votes
    are read when it has passed (``now``: the chain's time); ``plan_folders``: the member's reward in each, and where
    it stands (:func:`furusato.rewards.standing.member_rewards`)."""
    t = token.functions
    card = card_status(registry, token, account) if registry is not None else None
    then = None
    if snapshot is not None:
        past = now is not None and snapshot < now
        then = (snapshot, int(t.getPastVotes(account, snapshot).call()) if past else -1)
    lines = member_rewards(rewards, account, [load_plan_folder(p) for p in plan_folders], now=now)
    return MemberView(
        account=account, card=card, balance=int(t.balanceOf(account).call()), votes=int(t.getVotes(account).call()),
        delegate=str(t.delegates(account).call()), nonce=int(t.nonces(account).call()), snapshot=then,
        rewards=lines,
    )  # fmt: skip


def format_member(view: MemberView, tz: dt.tzinfo = JST) -> list[str]:
    """The lines of ``member show``."""
    c = view.card
    if c is None:
        lines = [f"{view.account}: (this deployment has no resident registry)"]
    elif c.member:
        lines = [
            f"{view.account}: member, card #{c.card} ({c.kind}), registered {local_time(c.registered_at or 0, tz)}"
        ]
    else:
        lines = [f"{view.account}: not a member" + (" (revoked by a registrar)" if c.revoked else "")]
    delegate = view.delegate
    through = "nobody (opted out)" if delegate == ZERO_ADDRESS else "itself" if delegate == view.account else delegate
    lines += [
        f"  balance {format_units(view.balance)} tokens; votes now {format_units(view.votes)}",
        f"  its balance votes through {through}",
        f"  signature nonce {view.nonce} (permits and delegations by signature)",
    ]
    if view.snapshot is not None:
        when, votes = view.snapshot
        shown = format_units(votes) if votes >= 0 else "not yet fixed (the snapshot is in the future)"
        lines.append(f"  votes at the proposal's snapshot ({local_time(when, tz)}): {shown}")
    for r in view.rewards:
        amount = f"{format_units(r.amount)} tokens, " if r.amount else ""
        at = f" ({local_time(r.at, tz)})" if r.at is not None else ""
        lines.append(f"  rewards epoch {r.epoch} ({r.folder}): {amount}{REWARD_WORDS[r.state]}{at}")
    if c is not None and not c.may_hold:
        lines.append("  transfers are restricted to members: it can neither send nor receive tokens")
    return lines
