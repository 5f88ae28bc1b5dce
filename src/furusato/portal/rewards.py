"""My page's rewards, in words: each epoch of the coordinator's plan folders with the member's amount, where it
stands (:func:`furusato.rewards.standing.member_rewards`) and its date, and whether the page may offer a gasless
claim. Plain data for the JSON API and the page's script; every text from the message catalog."""

from __future__ import annotations

import datetime as dt
from typing import Any

from web3 import Web3

from furusato.portal.i18n import t
from furusato.portal.views import tokens
from furusato.proposals.dao import Dao
from furusato.rewards.standing import PlanShelf, RewardLine, RewardState, member_rewards
from furusato.units import local_time

__all__ = ["member_reward_rows"]

#: The catalog key of each state's date line (``{time}``), when the state has a date.
_WHEN = {
    RewardState.PAID: "rewards.when.paid",
    RewardState.WITHHELD: "rewards.when.withheld",
    RewardState.WITHHELD_CAP: "rewards.when.withheld",
    RewardState.CLAIMABLE: "rewards.when.withheld",
    RewardState.CHALLENGE: "rewards.when.challenge",
    RewardState.NOT_PUSHED: "rewards.when.not_pushed",
}


def _row(line: RewardLine, lang: str, tz: dt.tzinfo, symbol: str, gasless: bool) -> dict[str, Any]:
    key = _WHEN.get(line.state)
    claimable = line.state == RewardState.CLAIMABLE
    return {
        "epoch": line.epoch,
        "epochText": t(lang, "rewards.epoch", year=line.epoch // 100, month=line.epoch % 100),
        "amount": str(line.amount),
        "amountText": f"{tokens(line.amount)} {symbol}",
        "state": str(line.state),
        "stateText": t(lang, f"rewards.state.{line.state}"),
        "whenText": t(lang, key, time=local_time(line.at, tz)) if key and line.at is not None else "",
        "why": t(lang, f"rewards.why.{line.state}") if line.state in _WHY else "",
        "tx": line.tx or "",
        "claimable": claimable and gasless,
    }


#: States whose row says why (what happens next, or what the member can do).
_WHY = {RewardState.WITHHELD, RewardState.WITHHELD_CAP, RewardState.NOT_PUSHED, RewardState.CHALLENGE,
        RewardState.OTHER_ROOT}  # fmt: skip


def member_reward_rows(dao: Dao, shelf: PlanShelf, account: str, lang: str, tz: dt.tzinfo, symbol: str,
                       gasless: bool) -> dict[str, Any]:  # fmt: skip
    """``account``'s rewards per epoch (newest first), leaving out the plans without a leaf of theirs.
    ``gasless``: a relayer can send claims (else a claimable row says so but offers no button)."""
    account = Web3.to_checksum_address(account)
    lines = member_rewards(dao.rewards, account, shelf.folders(), now=dao.now(), from_block=dao.deploy_block)
    rows = [_row(line, lang, tz, symbol, gasless) for line in reversed(lines) if line.state != RewardState.NOT_IN_PLAN]
    if not gasless:
        for row in rows:
            if row["state"] == RewardState.CLAIMABLE:
                row["why"] += t(lang, "rewards.readonly")
    return {"account": account, "rewards": rows}
