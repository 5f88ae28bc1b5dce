"""One member's card: what the registry and the token say about an address, and a registrar's revocation."""

from __future__ import annotations

from dataclasses import dataclass

from web3 import Web3
from web3.contract import Contract
from web3.logs import DISCARD
from web3.types import TxReceipt

from furusato.chain import Sender, transact
from furusato.constants import MEMBER_KINDS, ROLE_REGISTRAR
from furusato.errors import ChainError
from furusato.reverts import DEFAULT_DECODER, ErrorDecoder


@dataclass(frozen=True)
class CardStatus:
    """An address as the registry and the token see it."""

    account: str
    card: int  # 0: no card
    kind: str | None
    registered_at: int | None
    record_hash: bytes | None
    revoked: bool  # revoked by a registrar (cleared when registered again)
    balance: int
    votes: int
    delegate: str  # whose votes its balance counts for (the zero address: nobody)
    may_hold: bool  # may receive and send tokens (always true unless transfers are restricted)

    @property
    def member(self) -> bool:
        return self.card != 0


def card_status(registry: Contract, token: Contract, account: str) -> CardStatus:
    """Read ``account``'s card (if any), revocation flag, balance, votes, delegate and whether it may hold tokens."""
    account = Web3.to_checksum_address(account)
    f, t = registry.functions, token.functions
    card = int(f.cardOf(account).call())
    kind = registered_at = record_hash = None
    if card:
        _holder, kind_index, registered_at, record_hash = f.card(card).call()
        kind, record_hash = MEMBER_KINDS[int(kind_index)], bytes(record_hash)
    return CardStatus(
        account=account, card=card, kind=kind, registered_at=registered_at, record_hash=record_hash,
        revoked=bool(f.isRevoked(account).call()), balance=int(t.balanceOf(account).call()),
        votes=int(t.getVotes(account).call()), delegate=str(t.delegates(account).call()),
        may_hold=bool(t.mayHold(account).call()),
    )  # fmt: skip


def check_revocable(registry: Contract, sender: str, status: CardStatus) -> None:
    """Raise ChainError naming the reason when ``sender`` cannot revoke ``status.account``'s card now."""
    if not status.member:
        why = " (already revoked)" if status.revoked else ""
        raise ChainError(f"{status.account} holds no card{why}: nothing to revoke")
    if not registry.functions.hasRole(ROLE_REGISTRAR, sender).call():
        raise ChainError(f"{sender} is not a registrar (REGISTRAR_ROLE) of the registry {registry.address}")


def revoke(
    w3: Web3, sender: Sender, registry: Contract, account: str, decoder: ErrorDecoder | None = None
) -> TxReceipt:
    """Revoke ``account``'s card (a registrar's transaction). In transfer-restricted mode the registry tells the
    token, which suspends the former member's votes in the same transaction."""
    call = registry.functions.revoke(Web3.to_checksum_address(account))
    return transact(w3, sender, call, label=f"revoke {account}", decoder=decoder or DEFAULT_DECODER)


def suspended_units(token: Contract, receipt: TxReceipt) -> int | None:
    """The units whose votes a revocation suspended (the token's ``VotesSuspended`` event), or None if none was."""
    events = token.events.VotesSuspended().process_receipt(receipt, errors=DISCARD)
    return int(events[0]["args"]["units"]) if events else None
