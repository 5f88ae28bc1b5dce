"""Publishing a plan's root and paying it out on chain — unattended, idempotent and resumable.

The chain is the source of truth: every command first reads the epoch's state from ``ActivityRewards``
(root, push cursor, minted total) and does only what is left. A second run pays nothing; a run killed after k of n
batches pays exactly the rest when started again. Every transaction is appended to ``transactions.jsonl`` in the
plan folder (one JSON object a line: time, network, action, epoch, leaf range, hash, gas used) and printed.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hexbytes import HexBytes
from web3 import Web3
from web3.contract import Contract
from web3.logs import DISCARD
from web3.types import TxReceipt

from furusato.chain import Log, Sender, transact
from furusato.constants import ROLE_COORDINATOR, ZERO_ADDRESS
from furusato.errors import ChainError, ConfigError, InputError
from furusato.merkle import StandardMerkleTree
from furusato.reverts import ErrorDecoder
from furusato.rewards.tree import LEAF_ENCODING, require_increasing_accounts
from furusato.units import format_units, local_time

TX_LOG = "transactions.jsonl"
#: Gas a push costs per leaf at most (a new member: balance, first vote checkpoint, events, multiproof share),
#: and per batch (the call, the cursor and minted updates, the mintBatch call). Measured: ~85k per new member.
GAS_PER_LEAF = 100_000
GAS_PER_BATCH = 200_000
#: EIP-7825 (Osaka) caps one transaction at 2**24 gas, whatever the block gas limit.
TX_GAS_CAP = 2**24
MAX_BATCH = 150


@dataclass(frozen=True)
class PlanFolder:
    """A plan written by ``furusato rewards plan``, checked for consistency."""

    path: Path
    epoch: int
    root: str
    total: int
    tree: StandardMerkleTree

    @property
    def leaf_count(self) -> int:
        return len(self.tree.values)

    def leaf(self, index: int) -> tuple[int, str, int]:
        """``(index, account, amount)`` of leaf ``index``."""
        _epoch, i, account, amount = self.tree.values[index]
        return int(i), str(account), int(amount)


def load_plan_folder(path: Path) -> PlanFolder:
    """Read ``plan.json`` and ``tree.json`` and check that they describe the same tree."""
    try:
        plan = json.loads((path / "plan.json").read_text(encoding="utf-8"))
        tree_data = json.loads((path / "tree.json").read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(
            f"{path} is not a reward plan folder ({exc.filename} is missing): run `rewards plan`"
        ) from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: damaged plan file ({exc})") from exc
    tree = StandardMerkleTree.load(tree_data, source=str(path / "tree.json"))
    if tuple(tree.leaf_encoding) != LEAF_ENCODING:
        raise ConfigError(f"{path}/tree.json: leaf encoding {tree.leaf_encoding} is not {list(LEAF_ENCODING)}")
    epoch = int(plan["epoch"]["id"])
    total = int(plan["total"])
    if tree.root != plan["root"]:
        raise ConfigError(f"{path}: tree.json's root {tree.root} differs from plan.json's {plan['root']}")
    values = tree.values
    if [int(v[1]) for v in values] != list(range(len(values))):
        raise ConfigError(f"{path}/tree.json: leaf indices are not 0..{len(values) - 1} in order")
    if any(int(v[0]) != epoch for v in values):
        raise ConfigError(f"{path}/tree.json: a leaf belongs to another epoch than {epoch}")
    if sum(int(v[3]) for v in values) != total:
        raise ConfigError(f"{path}: the leaves do not add up to plan.json's total {format_units(total)} tokens")
    return PlanFolder(path=path, epoch=epoch, root=tree.root, total=total, tree=tree)


@dataclass(frozen=True)
class EpochState:
    """``ActivityRewards.epochInfo`` of one epoch."""

    root: str
    total: int
    minted: int
    leaf_count: int
    payable_at: int
    cursor: int
    voided: bool

    @property
    def published(self) -> bool:
        return self.root != "0x" + "00" * 32 and not self.voided


def epoch_state(rewards: Contract, epoch: int) -> EpochState:
    root, total, minted, leaf_count, payable_at, cursor, voided = rewards.functions.epochInfo(epoch).call()
    return EpochState("0x" + bytes(root).hex(), total, minted, leaf_count, payable_at, cursor, voided)


class TxJournal:
    """Appends one JSON line per transaction to the plan folder's ``transactions.jsonl``."""

    def __init__(self, folder: Path, network: str, log: Log) -> None:
        self.path = folder / TX_LOG
        self.network = network
        self.log = log

    def record(self, action: str, receipt: TxReceipt, **fields: Any) -> None:
        entry = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "network": self.network,
            "action": action,
            **fields,
            "tx": receipt["transactionHash"].to_0x_hex(),
            "block": receipt["blockNumber"],
            "gas_used": receipt["gasUsed"],
        }
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry) + "\n")
            fh.flush()
        self.log(f"  {action} {fields.get('leaves', '')} tx {entry['tx']} gas {receipt['gasUsed']:,}".rstrip())


def _require_coordinator(rewards: Contract, sender: Sender) -> None:
    if not rewards.functions.hasRole(ROLE_COORDINATOR, sender.address).call():
        raise ChainError(
            f"{sender.address} is not a coordinator of ActivityRewards {rewards.address}: governance grants "
            "COORDINATOR_ROLE (or name the coordinator's keystore)"
        )


_REGISTRY_ABI = [
    {"type": "function", "name": "isMember", "stateMutability": "view",
     "inputs": [{"name": "account", "type": "address"}], "outputs": [{"name": "", "type": "bool"}]},
]  # fmt: skip


def eth_of(contract: Any) -> Any:
    """The ``eth`` of a web3.py contract, or of the lean read-only client's (``furusato.rpc``)."""
    w3 = getattr(contract, "w3", None)
    return w3.eth if w3 is not None else contract.eth


def member_registry(rewards: Contract) -> Contract | None:
    """The registry whose members alone ``rewards`` pays (members-only rewards), or None when it pays anyone —
    through web3.py or the lean read-only client alike."""
    address = rewards.functions.memberRegistry().call()
    if int(address, 16) == 0:
        return None
    registry: Contract = eth_of(rewards).contract(address=address, abi=_REGISTRY_ABI)
    return registry


_TOKEN_MEMBERSHIP_ABI = [
    {"type": "function", "name": "transferRegistry", "stateMutability": "view", "inputs": [],
     "outputs": [{"name": "", "type": "address"}]},
    {"type": "function", "name": "mayHold", "stateMutability": "view",
     "inputs": [{"name": "account", "type": "address"}], "outputs": [{"name": "", "type": "bool"}]},
]  # fmt: skip


def _check_leaves(rewards: Contract, folder: PlanFolder) -> None:
    """Refuse a plan with a leaf the contract would refuse to pay (it would block every push after it), or — with
    members-only rewards — a leaf it would withhold.

    That is a leaf above the member cap, to the zero address, to an account that is not a registered member while
    the rewards contract pays members only (the push would withhold it), or — while the token is
    transfer-restricted — to an account that may not hold tokens (the push would revert).
    """
    cap = int(rewards.functions.memberCap().call())
    zero = ZERO_ADDRESS
    token = rewards.w3.eth.contract(address=rewards.functions.token().call(), abi=_TOKEN_MEMBERSHIP_ABI)
    restricted = token.functions.transferRegistry().call() != zero
    registry = member_registry(rewards)
    outsiders = []
    for i in range(folder.leaf_count):
        _index, account, amount = folder.leaf(i)
        if (registry is not None and not registry.functions.isMember(account).call()) or (
            restricted and not token.functions.mayHold(account).call()
        ):
            outsiders.append(account)
        if amount > cap:
            raise InputError(
                f"{folder.path}: {account} is allocated {format_units(amount)} tokens, above the contract's "
                f"member cap of {format_units(cap)}"
                " — fix the policy's member_cap (or have governance raise the cap) and plan again"
            )
        if account.lower() == zero:
            raise InputError(f"{folder.path}: leaf {i} pays the zero address")
    if outsiders:
        why = " and ".join(
            ([] if registry is None else ["ActivityRewards pays members only"])
            + (["the token is transfer-restricted"] if restricted else [])
        )
        raise InputError(
            f"{folder.path}: {why}, and {len(outsiders)} recipient(s) are not registered "
            f"members: {', '.join(outsiders[:10])}{' …' if len(outsiders) > 10 else ''} — register them first "
            "(furusato registry import) and publish again"
        )


@dataclass(frozen=True)
class RewardsDesk:
    """Where and as whom reward transactions go: the chain, the sender, ``ActivityRewards``, the network's name (for
    the plan folder's journal), the revert decoder, where progress lines go, and whether anything is sent at all."""

    w3: Web3
    sender: Sender
    rewards: Contract
    network: str
    decoder: ErrorDecoder
    log: Log = print
    dry_run: bool = False

    def send(self, folder: PlanFolder, fn: Any, label: str, action: str, **fields: Any) -> TxReceipt:
        """Send ``fn`` and append it to ``folder``'s journal as ``action`` with ``fields``."""
        receipt = transact(self.w3, self.sender, fn, label=label, decoder=self.decoder)
        TxJournal(folder.path, self.network, self.log).record(action, receipt, **fields)
        return receipt


def publish(desk: RewardsDesk, folder: PlanFolder) -> EpochState:
    """Publish the plan's root for its epoch, unless that exact root is already live. Returns the epoch's state."""
    w3, rewards, log = desk.w3, desk.rewards, desk.log
    state = epoch_state(rewards, folder.epoch)
    if state.published and state.root == folder.root:
        log(
            f"epoch {folder.epoch}: root {folder.root} is already published;"
            f" payable from {local_time(state.payable_at)}"
        )
        return state
    if state.published:
        raise ChainError(
            f"epoch {folder.epoch} already has another root {state.root} on chain (total {state.total}); a wrong "
            "root can be voided by the council or governance during its challenge window, then published again"
        )
    require_increasing_accounts(folder.tree, source=str(folder.path))
    starts = int(rewards.functions.epochStart(folder.epoch).call())
    now = int(w3.eth.get_block("latest")["timestamp"])
    if now < starts:
        raise InputError(
            f"epoch {folder.epoch} starts at {local_time(starts)}: an epoch is published once its month has started"
        )
    latest = int(rewards.functions.latestEpoch().call())
    if folder.epoch < latest:
        raise InputError(
            f"epoch {folder.epoch} comes before epoch {latest}, already published: epochs are published in order"
        )
    budget = int(rewards.functions.budgetOf(folder.epoch).call())
    if folder.total > budget:
        raise InputError(
            f"{folder.path}: the plan pays {format_units(folder.total)} tokens, more than epoch {folder.epoch}'s "
            f"approved budget of {format_units(budget)}; governance must approve a larger budget (setEpochBudget) first"
        )
    _check_leaves(rewards, folder)
    _require_coordinator(rewards, desk.sender)
    total = format_units(folder.total)
    log(f"epoch {folder.epoch}: publishing root {folder.root}, {folder.leaf_count} members, total {total} tokens")
    if desk.dry_run:
        log("dry run: nothing was sent")
        return state
    fn = rewards.functions.publish(folder.epoch, HexBytes(folder.root), folder.total, folder.leaf_count)
    desk.send(folder, fn, "publish", "publish", epoch=folder.epoch, root=folder.root)
    state = epoch_state(rewards, folder.epoch)
    log(f"epoch {folder.epoch}: payable from {local_time(state.payable_at)} (after the challenge window)")
    return state


def advance_to_epoch(w3: Web3, rewards: Contract, epoch: int) -> None:
    """Development chains only (Anvil): move the clock to the start of ``epoch``'s month if it is still ahead."""
    from furusato.chain import advance_time

    starts = int(rewards.functions.epochStart(epoch).call())
    now = int(w3.eth.get_block("latest")["timestamp"])
    if now < starts:
        advance_time(w3, starts - now)


def batch_size_for(w3: Web3) -> int:
    """How many leaves one push may carry: half the block gas limit (at most the per-transaction cap) at the
    worst-case cost per leaf."""
    budget = min(int(w3.eth.get_block("latest")["gasLimit"]) // 2, TX_GAS_CAP)
    return max(1, min(MAX_BATCH, (budget - GAS_PER_BATCH) // GAS_PER_LEAF))


def batches(start: int, end: int, size: int) -> Iterator[range]:
    for first in range(start, end, size):
        yield range(first, min(first + size, end))


@dataclass(frozen=True)
class DistributeResult:
    """What a ``distribute`` run did, and the epoch's state afterwards."""

    batches_sent: int
    leaves_settled: int
    paid: int
    skipped: int
    amount: int
    state: EpochState
    #: Leaves withheld by members-only rewards (account not a registered member at push time): (index, account,
    #: amount). They stay claimable once the account is registered.
    withheld: tuple[tuple[int, str, int], ...] = ()


def _wait_for_pending(w3: Web3, sender: Sender, log: Log, timeout: float = 300) -> None:
    """A previous run killed after sending may have left transactions in the mempool: let them land first."""
    deadline = time.monotonic() + timeout
    while True:
        pending = w3.eth.get_transaction_count(sender.address, "pending")
        mined = w3.eth.get_transaction_count(sender.address, "latest")
        if pending <= mined:
            return
        if time.monotonic() > deadline:
            raise ChainError(f"{pending - mined} earlier transaction(s) of {sender.address} are still pending")
        log(f"waiting for {pending - mined} pending transaction(s) from an earlier run")
        time.sleep(1)


def distribute(
    desk: RewardsDesk,
    folder: PlanFolder,
    *,
    batch_size: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> DistributeResult:
    """Push every leaf the chain has not settled yet, in batches, from the epoch's push cursor."""
    w3, sender, rewards, log = desk.w3, desk.sender, desk.rewards, desk.log
    state = epoch_state(rewards, folder.epoch)
    if not state.published:
        raise ChainError(f"epoch {folder.epoch} has no live root on chain: run `rewards publish` first")
    if state.root != folder.root:
        raise ChainError(f"epoch {folder.epoch}'s root on chain is {state.root}, not this plan's {folder.root}")
    now = int(w3.eth.get_block("latest")["timestamp"])
    if now < state.payable_at:
        raise ChainError(
            f"epoch {folder.epoch} is in its challenge window until {local_time(state.payable_at)}; "
            "payments start after it (run distribute again then)"
        )
    size = batch_size or batch_size_for(w3)
    todo = list(batches(state.cursor, state.leaf_count, size))
    remaining = state.leaf_count - state.cursor
    if not todo:
        log(f"epoch {folder.epoch}: all {state.leaf_count} leaves are already settled; nothing to pay")
        return DistributeResult(0, 0, 0, 0, 0, state)
    log(f"epoch {folder.epoch}: {remaining} of {state.leaf_count} leaves to push, {len(todo)} batch(es) of ≤{size}")
    if desk.dry_run:
        log("dry run: nothing was sent")
        return DistributeResult(0, 0, 0, 0, 0, state)
    _require_coordinator(rewards, sender)
    _wait_for_pending(w3, sender, log)
    journal = TxJournal(folder.path, desk.network, log)
    event = rewards.events.RewardsDistributed()
    withheld_event = rewards.events.RewardWithheld()
    paid = skipped = amount = settled = 0
    withheld: list[tuple[int, str, int]] = []
    for chunk in todo:
        multi = folder.tree.get_multi_proof(list(chunk))
        leaves = [(int(v[1]), str(v[2]), int(v[3])) for v in multi.leaves]
        proof = [HexBytes(p) for p in multi.proof]
        fn = rewards.functions.distribute(folder.epoch, leaves, proof, multi.proof_flags)
        receipt = transact(w3, sender, fn, label=f"distribute {chunk.start}-{chunk.stop - 1}", decoder=desk.decoder)
        (summary,) = event.process_receipt(receipt, errors=DISCARD)
        args = summary["args"]
        held = sorted(
            (int(e["args"]["index"]), str(e["args"]["account"]), int(e["args"]["amount"]))
            for e in withheld_event.process_receipt(receipt, errors=DISCARD)
        )
        withheld += held
        paid += args["paid"]
        skipped += len(chunk) - args["paid"] - len(held)
        amount += args["amount"]
        settled += len(chunk)
        journal.record(
            "distribute",
            receipt,
            epoch=folder.epoch,
            leaves=f"{chunk.start}-{chunk.stop - 1}",
            paid=args["paid"],
            amount=str(args["amount"]),
            **({"withheld": [account for _i, account, _a in held]} if held else {}),
        )
        if progress:
            progress(len(chunk))
    final = epoch_state(rewards, folder.epoch)
    minted = format_units(final.minted)
    log(f"epoch {folder.epoch}: pushed {paid} payment(s), skipped {skipped} already claimed; minted {minted} tokens")
    if withheld:
        accounts = [account for _i, account, _a in withheld]
        log(
            f"epoch {folder.epoch}: WITHHELD {len(withheld)} reward(s) of {sum(a for _i, _acc, a in withheld)} base "
            f"units: not registered members at push time: {', '.join(accounts[:10])}"
            f"{' …' if len(accounts) > 10 else ''} — once registered they can claim (furusato rewards claim)"
        )
    return DistributeResult(len(todo), settled, paid, skipped, amount, final, tuple(withheld))


def claim(desk: RewardsDesk, folder: PlanFolder, member: str) -> TxReceipt | None:
    """Claim ``member``'s leaf (anyone may send it; the tokens go to the member). None when already paid.

    A leaf a push withheld (members-only rewards, the member was not registered then) is claimed the same way,
    once the member is registered; with members-only rewards a non-member is refused before anything is sent.
    """
    rewards, log = desk.rewards, desk.log
    member = Web3.to_checksum_address(member)
    matches = [i for i, v in enumerate(folder.tree.values) if Web3.to_checksum_address(str(v[2])) == member]
    if not matches:
        raise InputError(f"{member} has no reward in epoch {folder.epoch} ({folder.path})")
    index, account, amount = folder.leaf(matches[0])
    if rewards.functions.isPaid(folder.epoch, index).call():
        log(f"{member}: epoch {folder.epoch} reward already paid")
        return None
    registry = member_registry(rewards)
    if registry is not None and not registry.functions.isMember(account).call():
        raise InputError(
            f"{member} is not a registered member, and ActivityRewards pays members only: register them first "
            f"(furusato registry import), then claim epoch {folder.epoch} again"
        )
    withheld = bool(rewards.functions.isWithheld(folder.epoch, index).call())
    proof = [HexBytes(p) for p in folder.tree.get_proof(index)]
    log(
        f"{member}: claiming {format_units(amount)} tokens for epoch {folder.epoch} (leaf {index}"
        + (", withheld at push time)" if withheld else ")")
    )
    if desk.dry_run:
        log("dry run: nothing was sent")
        return None
    fn = rewards.functions.claim(folder.epoch, index, account, amount, proof)
    return desk.send(folder, fn, "claim", "claim", epoch=folder.epoch, leaves=str(index), member=member)
