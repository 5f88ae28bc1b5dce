"""One member as the DAO sees them (`furusato member show`): card, balance, votes now and at a proposal's snapshot,
delegate, signature nonce, and the rewards of the given plan folders (paid, withheld, still due)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from furusato.constants import JST, ZERO_ADDRESS
from furusato.membership.cards import CardStatus, card_status
from furusato.units import format_units, local_time


@dataclass(frozen=True)
class RewardLine:
    """The member's leaf in one plan folder: ``state`` is paid, withheld, due, not published or not in the plan."""

    epoch: int
    folder: Path
    amount: int
    state: str


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
    are read when it has passed (``now``: the chain's time)."""
    from furusato.rewards.onchain import epoch_state, load_plan_folder

    t = token.functions
    card = card_status(registry, token, account) if registry is not None else None
    then = None
    if snapshot is not None:
        past = now is not None and snapshot < now
        then = (snapshot, int(t.getPastVotes(account, snapshot).call()) if past else -1)
    lines = []
    for path in plan_folders:
        folder = load_plan_folder(path)
        leaf = next((folder.leaf(i) for i in range(folder.leaf_count) if folder.leaf(i)[1].lower() == account.lower()),
                    None)  # fmt: skip
        if leaf is None:
            lines.append(RewardLine(folder.epoch, path, 0, "not in the plan"))
            continue
        index, _account, amount = leaf
        if rewards is None or not epoch_state(rewards, folder.epoch).published:
            state = "not published"
        elif rewards.functions.isWithheld(folder.epoch, index).call():
            state = "withheld (not a member at push time: claim once registered)"
        elif rewards.functions.isPaid(folder.epoch, index).call():
            state = "paid"
        else:
            state = "due (not paid yet)"
        lines.append(RewardLine(folder.epoch, path, amount, state))
    return MemberView(
        account=account, card=card, balance=int(t.balanceOf(account).call()), votes=int(t.getVotes(account).call()),
        delegate=str(t.delegates(account).call()), nonce=int(t.nonces(account).call()), snapshot=then,
        rewards=tuple(lines),
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
        lines.append(f"  rewards epoch {r.epoch} ({r.folder}): {amount}{r.state}")
    if c is not None and not c.may_hold:
        lines.append("  transfers are restricted to members: it can neither send nor receive tokens")
    return lines
