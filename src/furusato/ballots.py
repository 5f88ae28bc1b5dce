"""Wallet signatures: EIP-712 typed data exported exactly as ``eth_signTypedData_v4`` receives it, and offline
verification of a signed Ballot / Delegation / Permit before anything is sent.

A signed file is JSON ``{"typedData": {...}, "signature": "0x…"}``. uint256 values are exported as decimal
strings (wallets and JavaScript lose precision on large numbers); eth-account and wallets hash them as numbers.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from hexbytes import HexBytes
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction

from furusato import eip712
from furusato.abi import checked_address
from furusato.chain import Calls, EncodedCall, rpc_batch
from furusato.errors import ChainError, InputError, SignatureRejected
from furusato.governance import ProposalState, Support
from furusato.proposals.dao import Dao
from furusato.units import local_time

PRIMARY = {
    "Ballot": eip712.BALLOT,
    "ExtendedBallot": eip712.EXTENDED_BALLOT,
    "Delegation": eip712.DELEGATION,
    "Permit": eip712.PERMIT,
}
MAX_REASON_BYTES = 2_000
_HEX_SIG = re.compile(r"^0x[0-9a-fA-F]{130}$")
SECP256K1_HALF_N = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0


def _wallet_form(typed: dict[str, Any]) -> dict[str, Any]:
    """uint256 message fields as decimal strings, as wallets take them (a copy: never hand out the module's type
    lists or a remembered domain)."""
    return {
        "types": {name: [dict(member) for member in members] for name, members in typed["types"].items()},
        "domain": dict(typed["domain"]),
        "primaryType": typed["primaryType"],
        "message": {k: (str(v) if isinstance(v, int) and k != "support" else v) for k, v in typed["message"].items()},
    }


def export_ballot(dao: Dao, proposal_id: int, support: Support, voter: str) -> dict[str, Any]:
    """Typed data of a vote by ``voter`` on ``proposal_id``, with the voter's current governor nonce."""
    voter = address_of(voter, "voter")
    nonce = _nonce_of(dao, dao.governor, voter)
    return _wallet_form(eip712.ballot(_governor_domain(dao), proposal_id, int(support), voter, nonce))


def export_vote(dao: Dao, proposal_id: int, support: Support, voter: str, reason: str = "") -> dict[str, Any]:
    """Typed data of a vote: an ExtendedBallot (``castVoteWithReasonAndParamsBySig``) when there is a reason, so it
    is kept on chain, else a plain Ballot. The nonce is the voter's current governor nonce."""
    reason = reason.strip()
    if not reason:
        return export_ballot(dao, proposal_id, support, voter)
    if len(reason.encode("utf-8")) > MAX_REASON_BYTES:
        raise InputError(f"the reason is longer than {MAX_REASON_BYTES} bytes: shorten it")
    voter = address_of(voter, "voter")
    nonce = _nonce_of(dao, dao.governor, voter)
    return _wallet_form(eip712.extended_ballot(_governor_domain(dao), proposal_id, int(support), voter, nonce, reason))


def address_of(value: Any, what: str) -> str:
    """``value`` as a checksummed address, or SignatureRejected naming ``what`` (the portal's fields and the
    signed messages' share this check)."""
    address = checked_address(value) if isinstance(value, str) else None
    if address is None:
        raise SignatureRejected(
            f"{what}: {value!r} is not an address (40 hex digits; in mixed case, with its EIP-55 checksum)"
        )
    return address


def _nonce_of(dao: Dao, contract: Contract, owner: str) -> int:
    """``contract.nonces(owner)``, read without web3.py's per-call machinery where the connection allows (the portal
    builds a ballot per request): the call's encoding is kept per deployment."""
    provider = getattr(dao.w3, "provider", None)
    if provider is None:  # the lean read-only client
        return int(contract.functions.nonces(owner).call())
    calls = _calls(dao, contract)
    (answer,) = rpc_batch(dao.w3, [calls.request("nonces", owner)])
    return int(calls.decode("nonces", 1, answer))


def _calls(dao: Dao, contract: Contract) -> Calls:
    """A contract's calls encoded with eth_abi, kept per deployment."""
    key = ("calls", contract.address)
    calls = dao.memo.get(key)
    if calls is None:
        calls = dao.memo[key] = Calls(contract.address, contract.abi)
    return cast(Calls, calls)


def _governor_domain(dao: Dao) -> dict[str, Any]:
    """The governor's EIP-712 domain: a deployment's chain id and domains never change, so both are read once."""
    return _domain(dao, dao.governor, _chain_id(dao))


def _chain_id(dao: Dao) -> int:
    """The deployment's chain id (it never changes: read once)."""
    if "chainId" not in dao.memo:
        dao.memo["chainId"] = int(dao.w3.eth.chain_id)
    return int(dao.memo["chainId"])


def export_delegation(dao: Dao, delegator: str, delegatee: str, expiry: int) -> dict[str, Any]:
    """Typed data of ``delegator`` delegating to ``delegatee`` (nonce: the delegator's token nonce)."""
    nonce = _nonce_of(dao, dao.token, Web3.to_checksum_address(delegator))
    typed = eip712.delegation(_domain(dao, dao.token, _chain_id(dao)), Web3.to_checksum_address(delegatee), nonce,
                              expiry)  # fmt: skip
    return _wallet_form(typed)


def export_permit(dao: Dao, owner: str, spender: str, value: int, deadline: int) -> dict[str, Any]:
    """Typed data of an ERC-2612 permit on the region token."""
    owner = Web3.to_checksum_address(owner)
    nonce = int(dao.token.functions.nonces(owner).call())
    typed = eip712.permit(eip712.domain_of(dao.token), owner, Web3.to_checksum_address(spender), value, nonce, deadline)
    return _wallet_form(typed)


@dataclass(frozen=True)
class Verified:
    """A signature that checks out, and the call that submits it."""

    kind: str  # Ballot, Delegation or Permit
    signer: str
    nonce: int
    signature: bytes
    call: EncodedCall | None  # None for a Permit (the relayer does not submit those)
    details: dict[str, Any]

    def lines(self) -> list[str]:
        out = [f"{self.kind} signed by {self.signer} (nonce {self.nonce}): OK"]
        out += [f"  {k}: {v}" for k, v in self.details.items()]
        return out


def read_signed(path: Path, signature: str | None = None) -> tuple[dict[str, Any], bytes]:
    """Read ``{"typedData": …, "signature": "0x…"}`` from a file, or only the typed data when ``signature`` is
    given apart."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path} is not JSON: {exc}") from exc
    return parse_signed(data if signature is None else {"typedData": data, "signature": signature})


def time_or_duration(text: str, now: int) -> int:
    """A Unix time from ``7 days`` (from ``now``), an ISO date/time (JST unless it has an offset) or a timestamp."""
    from furusato.errors import ConfigError
    from furusato.units import parse_duration, parse_time

    if text.strip().isdigit() and int(text) > 10**9:
        return int(text)
    try:
        return now + parse_duration(text, "expiry")
    except ConfigError:
        pass
    try:
        return parse_time(text, "time")
    except Exception as exc:
        raise InputError(f"{text!r} is neither a duration ('7 days') nor a date or time ('2026-12-31T18:00')") from exc


def parse_signed(data: Any) -> tuple[dict[str, Any], bytes]:
    """The typed data and the 65-byte signature of a submission; SignatureRejected if malformed."""
    if not isinstance(data, dict) or not isinstance(data.get("typedData"), dict):
        raise SignatureRejected('expected a JSON object {"typedData": {...}, "signature": "0x..."}')
    signature = data.get("signature")
    if not isinstance(signature, str) or not _HEX_SIG.match(signature):
        raise SignatureRejected("signature: expected 65 bytes as 0x-prefixed hex (130 hex digits)")
    return data["typedData"], bytes(HexBytes(signature))


def _uint(message: dict[str, Any], key: str) -> int:
    value = message.get(key)
    if isinstance(value, bool):
        raise SignatureRejected(f"message.{key}: expected a number")
    try:
        number = int(value, 0) if isinstance(value, str) else int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise SignatureRejected(f"message.{key}: {value!r} is not a number") from None
    if not 0 <= number < 2**256:
        raise SignatureRejected(f"message.{key}: out of range")
    return number


def _address(message: dict[str, Any], key: str) -> str:
    return address_of(message.get(key), f"message.{key}")


def _structure(typed: dict[str, Any]) -> str:
    for key in ("types", "domain", "primaryType", "message"):
        if key not in typed:
            raise SignatureRejected(f"typedData has no {key!r}: export it with `furusato ballot export`")
    primary = typed["primaryType"]
    if primary not in PRIMARY:
        raise SignatureRejected(f"primaryType {primary!r} is not one of {', '.join(PRIMARY)}")
    types = typed["types"]
    if not isinstance(types, dict) or types.get(primary) != PRIMARY[primary]:
        raise SignatureRejected(f"types.{primary} is not the contracts' {primary} struct")
    if types.get("EIP712Domain") != eip712.EIP712_DOMAIN:
        raise SignatureRejected("types.EIP712Domain must list name, version, chainId and verifyingContract")
    if not isinstance(typed["domain"], dict) or not isinstance(typed["message"], dict):
        raise SignatureRejected("domain and message must be JSON objects")
    return str(primary)


def _check_domain(dao: Dao, typed: dict[str, Any], contract: Contract, what: str, chain_id: int) -> None:
    domain = typed["domain"]
    try:
        signed_chain = int(domain.get("chainId"))
    except (TypeError, ValueError):
        raise SignatureRejected(f"domain.chainId: {domain.get('chainId')!r} is not a number") from None
    if signed_chain != chain_id:
        raise SignatureRejected(f"signed for chain id {signed_chain}, but this is chain {chain_id}")
    address = address_of(domain.get("verifyingContract"), "domain.verifyingContract")
    if address != contract.address:
        raise SignatureRejected(f"signed for contract {address}, but the {what} is {contract.address}")
    expected = _domain(dao, contract, chain_id)
    if (domain.get("name"), domain.get("version")) != (expected["name"], expected["version"]):
        raise SignatureRejected(
            f"domain name/version {domain.get('name')!r}/{domain.get('version')!r} are not the {what}'s "
            f"{expected['name']!r}/{expected['version']!r}"
        )


def _recover(domain: dict[str, Any], primary: str, values: dict[str, Any], signature: bytes) -> str:
    """The signer of ``values`` (the message's fields as checked, which are what the contract verifies) under the
    contract's ``domain``."""
    if int.from_bytes(signature[32:64], "big") > SECP256K1_HALF_N:
        raise SignatureRejected("bad signature: malleable s value (high s), which the contracts refuse")
    try:
        return eip712.recover_digest(eip712.digest(domain, primary, values), signature)
    except Exception as exc:
        raise SignatureRejected(f"bad signature: cannot recover a signer ({exc})") from None


def _domain(dao: Dao, contract: Contract, chain_id: int) -> dict[str, Any]:
    """A contract's EIP-712 domain (immutable for our contracts: read once per deployment)."""
    key = ("eip712Domain", chain_id, contract.address)
    if key not in dao.memo:
        dao.memo[key] = eip712.domain_of(contract)
    domain: dict[str, Any] = dao.memo[key]
    return domain


@dataclass(frozen=True)
class Check:
    """A signed message whose offline checks passed (structure, chain id, contract, domain, signer), the reads that
    finish its checks on chain, and the call that submits it (None for a Permit, which is never relayed).

    ``finish(values, now)`` takes the values of ``reads`` (an exception instance for a read that reverted) and the
    chain's time, and returns the :class:`Verified` message or raises SignatureRejected naming the problem.
    ``accept(values, now)`` is the shorter judgement for a caller whose simulation of ``call`` succeeded (which the
    contracts allow only for an active proposal, a voter who has not voted and a signature with the signer's
    current nonce): it takes the values of ``needed`` only (what a successful call does not prove: a voter's power
    at the snapshot, and the snapshot itself, remembered per proposal and checked in the same round trip)."""

    kind: str
    make_reads: Callable[[], list[ContractFunction]]
    call: EncodedCall | None
    finish: Callable[[list[Any], int], Verified]
    needed: list[EncodedCall]
    accept: Callable[[list[Any], int], Verified]

    @property
    def reads(self) -> list[ContractFunction]:
        """The reads :attr:`finish` takes (built when asked for: a relayer whose simulation passed never needs
        them)."""
        return self.make_reads()


def verify(
    dao: Dao, typed: dict[str, Any], signature: bytes, tz: dt.tzinfo | None = None, *, chain_id: int | None = None
) -> Verified:
    """Check a signed message against the chain: signer, nonce, chain id, verifying contract and, for a ballot,
    the proposal's state and the voter's voting power at the snapshot. Raises SignatureRejected naming the problem.
    """
    check = prepare(dao, typed, signature, tz, chain_id=chain_id)
    return check.finish([_read(fn) for fn in check.reads], dao.now())


def _read(fn: ContractFunction) -> Any:
    from web3.exceptions import ContractLogicError

    try:
        return fn.call()
    except (ContractLogicError, ChainError, ValueError) as exc:  # a read that reverts (Brownie's provider raises a
        return exc  # ValueError): finish() judges it


def prepare(
    dao: Dao, typed: dict[str, Any], signature: bytes, tz: dt.tzinfo | None = None, *, chain_id: int | None = None
) -> Check:
    """The offline half of :func:`verify` and the reads that finish it, so that a caller (the relayer) can make
    them in one round trip with whatever else it needs. A proposal's snapshot is read once and remembered."""
    primary = _structure(typed)
    chain_id = int(dao.w3.eth.chain_id) if chain_id is None else chain_id
    message = typed["message"]
    if primary in ("Ballot", "ExtendedBallot"):
        return _prepare_ballot(dao, typed, message, signature, chain_id, tz)
    _check_domain(dao, typed, dao.token, "region token", chain_id)
    domain = _domain(dao, dao.token, chain_id)
    if primary == "Delegation":
        delegatee, nonce, expiry = _address(message, "delegatee"), _uint(message, "nonce"), _uint(message, "expiry")
        signer = _recover(domain, primary, {"delegatee": delegatee, "nonce": nonce, "expiry": expiry}, signature)
        v, r, s = signature[64], signature[:32], signature[32:64]
        call = _calls(dao, dao.token).call("delegateBySig", delegatee, nonce, expiry, v, r, s)

        def delegation(values: list[Any], now: int) -> Verified:
            _check_nonce(_value(values[0], "nonces"), nonce, signer)
            if expiry <= now:
                raise SignatureRejected(f"the delegation expired at {local_time(expiry, tz)}")
            details = {"delegatee": delegatee, "expiry": local_time(expiry, tz)}
            return Verified("Delegation", signer, nonce, signature, call, details)

        def accepted(_values: list[Any], now: int) -> Verified:
            return delegation([nonce], now)

        return Check("Delegation", lambda: [dao.token.functions.nonces(signer)], call, delegation, [], accepted)
    owner, spender = _address(message, "owner"), _address(message, "spender")
    value, nonce, deadline = _uint(message, "value"), _uint(message, "nonce"), _uint(message, "deadline")
    values = {"owner": owner, "spender": spender, "value": value, "nonce": nonce, "deadline": deadline}
    signer = _recover(domain, primary, values, signature)
    if signer != owner:
        raise SignatureRejected(f"bad signature: it recovers {signer}, not the owner {owner}")

    def permit(values: list[Any], now: int) -> Verified:
        _check_nonce(_value(values[0], "nonces"), nonce, owner)
        if deadline <= now:
            raise SignatureRejected(f"the permit expired at {local_time(deadline, tz)}")
        details = {"spender": spender, "value": value, "deadline": local_time(deadline, tz)}
        return Verified("Permit", signer, nonce, signature, None, details)

    return Check("Permit", lambda: [dao.token.functions.nonces(owner)], None, permit, [], permit)


def _value(value: Any, what: str) -> int:
    """A read's value as a number; a read that failed is the node's problem, not the signer's."""
    if isinstance(value, BaseException) or not isinstance(value, int | bool):
        raise ChainError(f"reading {what} failed: {value}")
    return int(value)


def _check_nonce(current: int, signed: int, who: str) -> None:
    if signed < current:
        raise SignatureRejected(f"replay: nonce {signed} of {who} was already used (current nonce {current})", 409)
    if signed > current:
        raise SignatureRejected(f"nonce {signed} of {who} is ahead of the current nonce {current}")


def _snapshot(dao: Dao, pid: int) -> int:
    """A proposal's snapshot (fixed once the proposal exists: remembered; 0 for an unknown proposal)."""
    key = ("proposalSnapshot", dao.governor.address, pid)
    if key not in dao.memo:
        snapshot = int(dao.governor.functions.proposalSnapshot(pid).call())
        if snapshot == 0:
            return 0
        dao.memo[key] = snapshot
    return int(dao.memo[key])


def _prepare_ballot(
    dao: Dao, typed: dict[str, Any], message: dict[str, Any], signature: bytes, chain_id: int, tz: dt.tzinfo | None
) -> Check:
    _check_domain(dao, typed, dao.governor, "governor", chain_id)
    pid, nonce, voter = _uint(message, "proposalId"), _uint(message, "nonce"), _address(message, "voter")
    support = _uint(message, "support")
    if support not in (0, 1, 2):
        raise SignatureRejected(f"message.support: {support} is not 0 (against), 1 (for) or 2 (abstain)")
    primary = str(typed["primaryType"])
    values: dict[str, Any] = {"proposalId": pid, "support": support, "voter": voter, "nonce": nonce}
    reason = ""
    if primary == "ExtendedBallot":
        text, params = message.get("reason"), message.get("params")
        if not isinstance(text, str) or len(text.encode("utf-8")) > MAX_REASON_BYTES:
            raise SignatureRejected(f"message.reason: expected text of at most {MAX_REASON_BYTES} bytes")
        if params not in ("0x", "", b""):
            raise SignatureRejected("message.params: only empty params are relayed")
        reason = text
        values.update(reason=reason, params=b"")
    signer = _recover(_domain(dao, dao.governor, chain_id), primary, values, signature)
    if signer != voter:
        raise SignatureRejected(f"bad signature: it recovers {signer}, not the voter {voter}")
    g, calls = dao.governor.functions, _calls(dao, dao.governor)
    snapshot = _snapshot(dao, pid)
    if snapshot == 0:
        raise SignatureRejected(f"unknown proposal {pid} on the governor {dao.governor.address}", 404)
    details: dict[str, Any] = {"proposal": pid, "support": Support(support).name}
    if primary == "ExtendedBallot":
        call = calls.call("castVoteWithReasonAndParamsBySig", pid, support, voter, reason, b"", signature)
    else:
        call = calls.call("castVoteBySig", pid, support, voter, signature)
    # The remembered snapshot is checked in the same round trip (a test chain that went back to a snapshot, a reorg:
    # a proposal id could come back with another one). getPastVotes reverts while the snapshot is ahead: finish()
    # refuses a pending proposal before looking at it.
    needed = [_calls(dao, dao.token).call("getPastVotes", voter, snapshot), calls.call("proposalSnapshot", pid)]

    def reads() -> list[ContractFunction]:
        power = dao.token.functions.getPastVotes(voter, snapshot)
        return [g.state(pid), g.hasVoted(pid, voter), g.nonces(voter), power, g.proposalSnapshot(pid)]

    def current_snapshot(value: Any) -> int:
        actual = _value(value, "proposalSnapshot")
        if actual != snapshot:
            dao.memo.pop(("proposalSnapshot", dao.governor.address, pid), None)
            if actual == 0:
                raise SignatureRejected(f"unknown proposal {pid} on the governor {dao.governor.address}", 404)
            dao.memo[("proposalSnapshot", dao.governor.address, pid)] = actual
        return actual

    def ballot(values: list[Any], now: int) -> Verified:
        actual = current_snapshot(values[4])
        state = ProposalState(_value(values[0], "state"))
        if state == ProposalState.Pending:
            raise SignatureRejected(
                f"proposal {pid} is not active yet: voting starts {local_time(actual + 1, tz)}", 409
            )
        if state != ProposalState.Active:
            deadline = int(g.proposalDeadline(pid).call())
            raise SignatureRejected(
                f"proposal {pid} is {state.name}, not active: voting ended {local_time(deadline, tz)}", 409
            )
        if _value(values[1], "hasVoted"):
            raise SignatureRejected(f"replay: {voter} has already voted on proposal {pid}", 409)
        _check_nonce(_value(values[2], "nonces"), nonce, voter)
        return accepted(values[3:], now)

    def accepted(values: list[Any], _now: int) -> Verified:
        actual = current_snapshot(values[1])
        if actual == snapshot:
            power = _value(values[0], "getPastVotes")
        else:  # read at the remembered snapshot, which was not the proposal's: read again at the right one
            power = int(dao.token.functions.getPastVotes(voter, actual).call())
        if power == 0:
            raise SignatureRejected(f"{voter} had no voting power at the snapshot ({local_time(actual, tz)})")
        out = {**details, "votes": power}
        if typed["primaryType"] == "ExtendedBallot":
            out["reason"] = message["reason"]
        return Verified("Ballot", signer, nonce, signature, call, out)

    return Check("Ballot", reads, call, ballot, needed, accepted)
