"""Gasless reward claims: the relayer sends ``ActivityRewards.claim`` for a member's withheld leaf.

No signature is needed: ``claim(epoch, index, account, amount, proof)`` mints to the leaf's ``account`` whoever
sends it, so a relayed claim can only ever pay the member its plan names. What a claim may cost the sponsor is what
is guarded instead, as for ballots: the claim is checked offline against the plan folders and the chain
(:func:`furusato.rewards.standing.claim_call`: withheld, a member now, within the cap, not paid), simulated before
sending (a revert is refused, not sent), counted against the daily gas cap and the rate limits (per client, per
member), and journaled; a second claim of a leaf while the first is pending or after it succeeded is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from web3 import Web3
from web3.exceptions import (
    ContractCustomError,
    ContractLogicError,
    ContractPanicError,
    TransactionNotFound,
    Web3RPCError,
)

from furusato.chain import with_margin
from furusato.errors import ClaimRefused
from furusato.relayer.core import Relayer
from furusato.relayer.journal import CLAIM
from furusato.reverts import revert_data
from furusato.rewards.onchain import PlanFolder
from furusato.rewards.standing import ClaimCall, claim_call

__all__ = ["relay_claim"]


def relay_claim(relayer: Relayer, folders: Sequence[PlanFolder], epoch: int, account: str,
                client: str | None = None) -> dict[str, Any]:  # fmt: skip
    """Check, simulate and send the claim of ``account``'s withheld reward of ``epoch`` from the relayer's sponsor;
    return ``{"status": "submitted", "tx", "kind": "Claim", "account", "epoch", "index", "amount"}`` or raise
    :class:`~furusato.errors.ClaimRefused` (4xx, with the reason in words) / ChainError (node unreachable)."""
    dao = relayer.dao
    rewards = dao.rewards
    if rewards is None:
        raise ClaimRefused("this deployment has no ActivityRewards contract", "no_rewards", 404)
    if client is not None and relayer.settings.per_client_per_minute:
        wait = relayer.client_limit.hit(client)
        if wait:
            raise ClaimRefused(f"too many requests from {client}: try again in {wait:.0f} s", "rate", 429)
    account = Web3.to_checksum_address(account)
    claim = relayer._retry(lambda: claim_call(rewards, folders, epoch, account, from_block=dao.deploy_block))
    with relayer._lock:
        _refuse_sent(relayer, rewards.address, claim)
    if relayer.settings.per_signer_per_hour:
        wait = relayer.signer_limit.hit(account)
        if wait:
            raise ClaimRefused(f"too many submissions for {account}: try again in {wait / 60:.0f} min", "rate", 429)
    try:
        estimate = relayer._retry(lambda: int(claim.function.estimate_gas({"from": relayer.sender.address})))
    except (ContractCustomError, ContractLogicError, ContractPanicError, Web3RPCError) as exc:
        data = revert_data(exc)
        reason = dao.decoder.decode(data) if data else str(exc)
        raise ClaimRefused(f"the claim would revert: {reason}", "revert") from exc
    fees = relayer.fees()
    with relayer._lock:  # again: another request may have sent the same claim meanwhile
        _refuse_sent(relayer, rewards.address, claim)
        tx: dict[str, Any] = {
            "from": relayer.sender.address,
            "to": rewards.address,
            "data": claim.function._encode_transaction_data(),
            "gas": with_margin(estimate),
            "value": 0,
            **fees,
        }
        tx_hash = relayer.send_journaled(tx, estimate, {
            "kind": CLAIM,
            "signer": account,
            "contract": rewards.address,
            "epoch": claim.epoch,
            "index": claim.index,
            "amount": str(claim.amount),
        })  # fmt: skip
    relayer.log(f"relayed the claim of {account}'s epoch {claim.epoch} reward: {tx_hash}")
    return {"status": "submitted", "tx": tx_hash, "kind": CLAIM, "account": account, "epoch": claim.epoch,
            "index": claim.index, "amount": str(claim.amount)}  # fmt: skip


def _refuse_sent(relayer: Relayer, contract: str, claim: ClaimCall) -> None:
    """Refuse a leaf the journal already claimed, unless that transaction failed on chain (then it may be tried
    again; a successful one is also seen on chain as paid)."""
    earlier = relayer.journal.tx_of_claim(contract, claim.epoch, claim.index)
    if earlier is None:
        return
    try:
        failed = int(relayer.dao.w3.eth.get_transaction_receipt(earlier)["status"]) == 0  # type: ignore[arg-type]
    except TransactionNotFound:
        failed = False  # still pending
    if not failed:
        raise ClaimRefused(f"this reward of epoch {claim.epoch} was already claimed (tx {earlier})", "sent", 409)
