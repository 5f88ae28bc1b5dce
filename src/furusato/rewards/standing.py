"""One member's rewards across the coordinator's plan folders: per epoch, the amount and where it stands on chain
(paid, withheld and why, claimable, in the challenge window, not pushed yet, not published), with the date it got
there — and, for a withheld leaf, the ``claim`` call anybody may send (the contract pays the leaf's account, never
the sender).

Used by ``furusato member show --plan`` and by the portal's my page (and its relayed claim); read-only.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from hexbytes import HexBytes

from furusato.abi import keccak
from furusato.errors import ClaimRefused, ConfigError
from furusato.rewards.onchain import PlanFolder, epoch_state, eth_of, load_plan_folder, member_registry
from furusato.units import format_units

__all__ = [
    "ClaimCall",
    "PlanShelf",
    "RewardLine",
    "RewardState",
    "claim_call",
    "find_leaf",
    "member_rewards",
    "plan_folders_in",
]


class RewardState(enum.StrEnum):
    """Where one member's leaf of one epoch stands."""

    NOT_IN_PLAN = "not_in_plan"  # the plan has no leaf for the account
    NOT_PUBLISHED = "not_published"  # no live root for the epoch (never published, or voided)
    OTHER_ROOT = "other_root"  # the epoch's live root is another plan's
    CHALLENGE = "challenge"  # published, in its challenge window (``at``: payable from)
    NOT_PUSHED = "not_pushed"  # payable, the coordinator's push has not reached it yet (``at``: payable since)
    PAID = "paid"  # pushed or claimed (``at``: when)
    WITHHELD = "withheld"  # not a member when pushed, and still not one: registering makes it claimable
    WITHHELD_CAP = "withheld_cap"  # above the member cap (lowered since publishing): governance must raise it
    CLAIMABLE = "claimable"  # withheld when pushed, a member now: a claim pays it (``at``: when withheld)


@dataclass(frozen=True)
class RewardLine:
    """The member's leaf in one plan folder."""

    epoch: int
    folder: Path
    amount: int
    state: RewardState
    index: int | None = None
    #: When the leaf got to its state (block time of the payment or the withholding), or when it is payable from.
    at: int | None = None
    #: The transaction that paid or withheld it.
    tx: str | None = None


def plan_folders_in(paths: Sequence[Path]) -> list[Path]:
    """The plan folders named by ``paths``: each is a plan folder (holding ``plan.json``) or a folder holding plan
    folders (``out/`` with ``out/2026-12``, ``out/2027-01``…), in that order and then by name."""
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            raise ConfigError(f"{path} is not a folder: give a reward plan folder or the folder holding them")
        if (path / "plan.json").is_file():
            found.append(path)
            continue
        inner = sorted(p for p in path.iterdir() if p.is_dir() and (p / "plan.json").is_file())
        if not inner:
            raise ConfigError(
                f"{path} holds no reward plan (no plan.json in it or in its subfolders): give the folder written by "
                "`furusato rewards plan --out DIR`, or the folder holding such folders"
            )
        found += inner
    return found


class PlanShelf:
    """The plan folders under ``paths``, re-read when a folder appears or its files change (a coordinator adds one
    a month while the portal runs); thread-safe. A damaged folder is an error naming it."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self.paths = tuple(paths)
        self._lock = threading.Lock()
        self._loaded: dict[Path, tuple[tuple[int, int], PlanFolder]] = {}
        self.folders()  # refuse a bad path at start

    def folders(self) -> list[PlanFolder]:
        """The plan folders, by epoch (then by path)."""
        out = []
        with self._lock:
            for path in plan_folders_in(self.paths):
                stamp = ((path / "plan.json").stat().st_mtime_ns, (path / "tree.json").stat().st_mtime_ns)
                hit = self._loaded.get(path)
                if hit is None or hit[0] != stamp:
                    hit = (stamp, load_plan_folder(path))
                    self._loaded[path] = hit
                out.append(hit[1])
        return sorted(out, key=lambda f: (f.epoch, str(f.path)))


def find_leaf(folder: PlanFolder, account: str) -> int | None:
    """The index of ``account``'s leaf in ``folder`` (the first, if listed twice), or None."""
    wanted = account.lower()
    return next((i for i, v in enumerate(folder.tree.values) if str(v[2]).lower() == wanted), None)


_TOPICS = {name: "0x" + keccak(f"{name}(uint256,uint256,address,uint256)".encode()).hex()
           for name in ("RewardPaid", "RewardWithheld")}  # fmt: skip


def _event_at(rewards: Any, name: str, epoch: int, index: int, from_block: int) -> tuple[int | None, str | None]:
    """Block time and transaction of the latest ``name`` event of leaf ``(epoch, index)``, or (None, None). Raw
    ``eth_getLogs`` with the indexed epoch and index as topics: one small answer, through web3.py or the lean
    read-only client alike."""
    eth = eth_of(rewards)
    flt = {
        "address": rewards.address,
        "topics": [_TOPICS[name], "0x" + epoch.to_bytes(32, "big").hex(), "0x" + index.to_bytes(32, "big").hex()],
        "fromBlock": hex(from_block),
        "toBlock": "latest",
    }
    logs = list(eth.get_logs(flt))
    if not logs:
        return None, None
    log = logs[-1]
    block = log["blockNumber"]
    block = int(block, 16) if isinstance(block, str) else int(block)
    tx = log["transactionHash"]
    tx = tx if isinstance(tx, str) else "0x" + bytes(tx).hex()
    return int(eth.get_block(block)["timestamp"]), tx


def member_rewards(
    rewards: Any | None, account: str, folders: Sequence[PlanFolder], *, now: int | None = None, from_block: int = 0
) -> tuple[RewardLine, ...]:
    """``account``'s leaf in each of ``folders`` and where it stands on ``rewards`` (None: no rewards contract, so
    nothing is published). ``now``: the chain's time (read when None); ``from_block``: where the rewards contract's
    events start (its deployment block)."""
    lines: list[RewardLine] = []
    registry: Any | None = None
    cap: int | None = None
    for folder in folders:
        index = find_leaf(folder, account)
        if index is None:
            lines.append(RewardLine(folder.epoch, folder.path, 0, RewardState.NOT_IN_PLAN))
            continue
        _index, leaf_account, amount = folder.leaf(index)
        unread = RewardLine(folder.epoch, folder.path, amount, RewardState.NOT_PUBLISHED, index)
        if rewards is None:
            lines.append(unread)
            continue
        state = epoch_state(rewards, folder.epoch)
        if not state.published:
            lines.append(unread)
            continue
        if state.root != folder.root:
            lines.append(replace(unread, state=RewardState.OTHER_ROOT))
            continue
        if now is None:
            now = int(eth_of(rewards).get_block("latest")["timestamp"])
        r = rewards.functions
        if now < state.payable_at:
            lines.append(replace(unread, state=RewardState.CHALLENGE, at=state.payable_at))
        elif r.isWithheld(folder.epoch, index).call():
            if cap is None:
                cap = int(r.memberCap().call())
                registry = member_registry(rewards)
            at, tx = _event_at(rewards, "RewardWithheld", folder.epoch, index, from_block)
            if amount > cap:
                why = RewardState.WITHHELD_CAP
            elif registry is not None and not registry.functions.isMember(leaf_account).call():
                why = RewardState.WITHHELD
            else:
                why = RewardState.CLAIMABLE
            lines.append(replace(unread, state=why, at=at, tx=tx))
        elif r.isPaid(folder.epoch, index).call():
            at, tx = _event_at(rewards, "RewardPaid", folder.epoch, index, from_block)
            lines.append(replace(unread, state=RewardState.PAID, at=at, tx=tx))
        else:
            lines.append(replace(unread, state=RewardState.NOT_PUSHED, at=state.payable_at))
    return tuple(lines)


@dataclass(frozen=True)
class ClaimCall:
    """A checked ``ActivityRewards.claim`` of one leaf: whoever sends it, the tokens go to ``account``."""

    epoch: int
    index: int
    account: str
    amount: int
    function: Any  # the bound contract function (web3.py)


def claim_call(rewards: Any, folders: Sequence[PlanFolder], epoch: int, account: str, *, now: int | None = None,
               from_block: int = 0) -> ClaimCall:  # fmt: skip
    """The claim of ``account``'s withheld leaf of ``epoch`` (in whichever of ``folders`` holds the epoch's live
    root), after the checks the contract would make. Refused with :class:`ClaimRefused` naming what to do: no leaf,
    epoch not live, challenge window, already paid, not withheld (the coordinator's push pays it), not a member,
    above the member cap."""
    where = f"epoch {epoch}"
    lines = [(f, line) for f in folders if f.epoch == epoch
             for line in member_rewards(rewards, account, [f], now=now, from_block=from_block)
             if line.state != RewardState.NOT_IN_PLAN]  # fmt: skip
    if not lines:
        raise ClaimRefused(f"{account} has no reward in {where} (in the plan folders given)", RewardState.NOT_IN_PLAN,
                           404)  # fmt: skip
    folder, line = next(((f, x) for f, x in lines if x.state != RewardState.OTHER_ROOT), lines[0])
    amount = format_units(line.amount)
    refusals = {
        RewardState.NOT_PUBLISHED: f"{where} has no live root on chain: nothing can be claimed yet",
        RewardState.OTHER_ROOT: f"{where}'s root on chain is not the one of {folder.path}",
        RewardState.CHALLENGE: f"{where} is in its challenge window: claims open once it has passed",
        RewardState.NOT_PUSHED: f"{account}'s reward of {where} was not withheld: the coordinator's push pays it",
        RewardState.PAID: f"{account}'s reward of {where} ({amount} tokens) is already paid",
        RewardState.WITHHELD: f"{account} is not a registered member, and ActivityRewards pays members only: once "
        f"the town registers them, {where}'s reward can be claimed",
        RewardState.WITHHELD_CAP: f"{account}'s reward of {where} ({amount} tokens) is above the member cap: "
        "governance must raise the cap before it can be claimed",
    }
    if line.state in refusals:
        raise ClaimRefused(refusals[line.state], line.state, 409 if line.state == RewardState.PAID else 400)
    assert line.index is not None
    _i, leaf_account, leaf_amount = folder.leaf(line.index)
    proof = [HexBytes(p) for p in folder.tree.get_proof(line.index)]
    fn = rewards.functions.claim(folder.epoch, line.index, leaf_account, leaf_amount, proof)
    return ClaimCall(folder.epoch, line.index, leaf_account, leaf_amount, fn)
