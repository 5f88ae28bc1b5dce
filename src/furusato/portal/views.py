"""What the portal shows, read from the chain: proposals with their state, tally, quorum and deadlines; votes with
reasons; actions decoded for people; a voter's power and why they can or cannot vote; a member's page.

Every function returns plain data (dicts of str/int/bool) that both the JSON API and the templates use; texts are
taken from the message catalog and are never trusted HTML (the templates escape them).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from web3 import Web3

from furusato.chain import Calls, rpc_batch
from furusato.constants import ETH, JST, ROLE_MINTER, ZERO_ADDRESS
from furusato.governance import ProposalState, Tally
from furusato.portal.i18n import t
from furusato.proposals.dao import Dao
from furusato.proposals.status import ProposalInfo, Status, find_proposals, read_status
from furusato.units import format_units, local_time

__all__ = ["Reader", "relative_time"]

ROLE_NAMES = {ROLE_MINTER: "MINTER_ROLE"}
#: States after which nothing about a proposal changes any more.
FINAL = {ProposalState.Canceled, ProposalState.Defeated, ProposalState.Expired, ProposalState.Executed}
LOG_CHUNK = 50_000


def relative_time(ts: int, now: int, lang: str) -> str:
    """``あと2日`` / ``3時間前`` style: the largest whole unit between ``now`` and ``ts``."""
    delta = ts - now
    ahead = delta >= 0
    seconds = abs(delta)
    for unit, size in (("days", 86_400), ("hours", 3_600), ("minutes", 60)):
        if seconds >= size:
            n = seconds // size
            return t(lang, f"rel.in_{unit}" if ahead else f"rel.{unit}_ago", n=n)
    return t(lang, "rel.now")


def tokens(units: int) -> str:
    """Whole tokens with grouping and at most 2 decimals."""
    text = format_units(units)
    whole, _, frac = text.partition(".")
    frac = frac[:2].rstrip("0")
    return f"{whole}.{frac}" if frac else whole


@dataclass
class _Cache:
    at: float
    value: Any


class Reader:
    """Reads the deployment for the pages and the API. The proposal list (``ProposalCreated`` logs) and the votes
    (``VoteCast`` logs) are cached for ``ttl`` seconds; states and tallies are read each time."""

    def __init__(self, dao: Dao, tz: dt.tzinfo = JST, ttl: float = 2.0) -> None:
        self.dao = dao
        self.tz = tz
        self.ttl = ttl
        self._lock = threading.Lock()
        self._cache: dict[str, _Cache] = {}
        self._scan_lock = threading.Lock()
        self._scanned = -1  # last block whose ProposalCreated logs are in _infos
        self._infos: list[ProposalInfo] = []
        self._final: dict[int, Status] = {}  # proposals in a final state: read once
        self._fixed: dict[int, tuple[int, int, int, float]] = {}  # snapshot, quorum, supply, quorum % once past
        self._block = -1  # the block whose statuses are in _by_block
        self._by_block: dict[int, Status] = {}
        self._governor = Calls(dao.governor.address, dao.governor.abi)
        self._token = Calls(dao.token.address, dao.token.abi)
        self.chain_id = int(dao.w3.eth.chain_id)
        self.symbol = str(dao.token.functions.symbol().call())

    def _cached(self, key: str, fn: Callable[[], Any]) -> Any:
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and time.monotonic() - hit.at < self.ttl:
                return hit.value
        value = fn()
        with self._lock:
            self._cache[key] = _Cache(time.monotonic(), value)
        return value

    def forget(self) -> None:
        """Drop the caches (after a vote the page wants the new tally at once)."""
        with self._lock:
            self._cache.clear()
            self._block = -1

    # ------------------------------------------------------------------------------------------ proposals

    def infos(self) -> list[ProposalInfo]:
        """Every proposal, oldest first. Logs are append-only: each call decodes only the blocks not seen yet."""
        with self._scan_lock:
            latest = int(self.dao.w3.eth.block_number)
            if latest > self._scanned:
                start = self.dao.deploy_block if self._scanned < 0 else self._scanned + 1
                self._infos = self._infos + find_proposals(self.dao, start, latest)
                self._scanned = latest
            return self._infos

    def info(self, proposal_id: int) -> ProposalInfo | None:
        """A proposal by id: a known one without asking the node (proposals never disappear), else after a scan."""
        known = next((i for i in self._infos if i.proposal_id == proposal_id), None)
        return known or next((i for i in self.infos() if i.proposal_id == proposal_id), None)

    def statuses(self, infos: list[ProposalInfo]) -> list[Status]:
        """Where each proposal stands. Read once per block (nothing changes between blocks); what cannot change is
        read once (a final state's whole status; the quorum and supply once the snapshot is past); the rest (state,
        tally, deadline, eta) for all proposals in one JSON-RPC batch, encoded and decoded without web3.py's
        per-call machinery."""
        block = self.dao.w3.eth.get_block("latest")
        number, now = int(block["number"]), int(block["timestamp"])
        with self._lock:
            if self._block != number:
                self._block, self._by_block = number, {}
            known = dict(self._by_block)
        out: dict[int, Status] = {}
        todo: list[ProposalInfo] = []
        for info in infos:
            done = self._final.get(info.proposal_id) or known.get(info.proposal_id)
            if done is not None:
                out[info.proposal_id] = done
            elif info.vote_start >= now:
                out[info.proposal_id] = read_status(self.dao, info)  # snapshot still ahead: read it all
            else:
                todo.append(info)
        self._fix([i for i in todo if i.proposal_id not in self._fixed])
        g = self._governor
        names = ("state", "proposalVotes", "proposalDeadline", "proposalEta")
        answers = rpc_batch(self.dao.w3, [g.request(name, i.proposal_id) for i in todo for name in names])
        for k, info in enumerate(todo):
            state, votes, deadline, eta = (g.decode(n, 1, a) for n, a in zip(names, answers[4 * k : 4 * k + 4],
                                                                               strict=True))  # fmt: skip
            snapshot, quorum, supply, percent = self._fixed[info.proposal_id]
            against, for_, abstain = votes
            status = Status(info=info, state=ProposalState(int(state)), tally=Tally(int(against), int(for_),
                            int(abstain)), now=now, snapshot=snapshot, deadline=int(deadline), quorum=quorum,
                            supply=supply, quorum_percent=percent, eta=int(eta))  # fmt: skip
            if status.state in FINAL:
                self._final[info.proposal_id] = status
            out[info.proposal_id] = status
        with self._lock:
            if self._block == number:
                self._by_block.update(out)
        return [out[i.proposal_id] for i in infos]

    def _fix(self, infos: list[ProposalInfo]) -> None:
        """Read what stays fixed once a proposal's snapshot (its ``voteStart``) is past, for all of ``infos`` in one
        batch: quorum, voting supply and quorum fraction at the snapshot."""
        if not infos:
            return
        g, token = self._governor, self._token
        requests = [g.request("quorumDenominator")]
        for info in infos:
            snapshot = info.vote_start
            requests += [g.request("quorum", snapshot), token.request("getPastTotalSupply", snapshot),
                         g.request("quorumNumerator", snapshot)]  # fmt: skip
        answers = rpc_batch(self.dao.w3, requests)
        denominator = int(g.decode("quorumDenominator", 0, answers[0]))
        for k, info in enumerate(infos):
            quorum, supply, numerator = answers[1 + 3 * k : 4 + 3 * k]
            self._fixed[info.proposal_id] = (
                info.vote_start,
                int(g.decode("quorum", 1, quorum)),
                int(token.decode("getPastTotalSupply", 1, supply)),
                100 * int(g.decode("quorumNumerator", 1, numerator)) / denominator,
            )

    def summary(self, status: Status, lang: str, now: int | None = None) -> dict[str, Any]:
        """A proposal as the list and the API show it (times relative to ``now``, default the status's)."""
        info, tally = status.info, status.tally
        now = status.now if now is None else now
        if status.supply:
            have = 100 * status.quorum_votes / status.supply
            quorum_text = t(lang, "quorum.progress", have=f"{have:.1f}", need=f"{status.quorum_percent:g}")
            progress = min(have / status.quorum_percent, 1.0) if status.quorum_percent else 1.0
        else:
            quorum_text = t(lang, "quorum.later", need=f"{status.quorum_percent:g}")
            progress = 0.0
        if status.state == ProposalState.Pending:
            start = status.snapshot + 1
            when = t(lang, "deadline.starts", time=local_time(start, self.tz), rel=relative_time(start, now, lang))
        elif status.deadline >= now:
            when = t(lang, "deadline.ends", time=local_time(status.deadline, self.tz),
                     rel=relative_time(status.deadline, now, lang))  # fmt: skip
        else:
            when = t(lang, "deadline.ended", time=local_time(status.deadline, self.tz),
                     rel=relative_time(status.deadline, now, lang))  # fmt: skip
        return {
            "id": str(info.proposal_id),
            "title": info.title,
            "proposer": info.proposer,
            "state": status.state.name,
            "stateText": t(lang, f"state.{status.state.name}"),
            "for": str(tally.for_),
            "against": str(tally.against),
            "abstain": str(tally.abstain),
            "forText": tokens(tally.for_),
            "againstText": tokens(tally.against),
            "abstainText": tokens(tally.abstain),
            "quorumText": quorum_text,
            "quorumReached": status.quorum_reached,
            "quorumProgress": round(progress, 4),
            "snapshot": status.snapshot,
            "deadline": status.deadline,
            "deadlineText": when,
        }

    def proposals(self, lang: str) -> list[dict[str, Any]]:
        """Every proposal, newest first."""
        return [self.summary(s, lang) for s in self.statuses(list(reversed(self.infos())))]

    def proposal(self, proposal_id: int, lang: str) -> dict[str, Any] | None:
        info = self.info(proposal_id)
        if info is None:
            return None
        status = self.statuses([info])[0]
        out = self.summary(status, lang, self.dao.now())
        out["description"] = info.proposal.description
        out["actions"] = [self.describe_action(a.target, a.value, a.calldata, lang) for a in info.proposal.actions]
        out["votes"] = self.votes(proposal_id, lang)
        return out

    # ------------------------------------------------------------------------------------------ votes

    def _all_votes(self) -> list[dict[str, Any]]:
        def read() -> list[dict[str, Any]]:
            out: list[dict[str, Any]] = []
            latest = int(self.dao.w3.eth.block_number)
            for name in ("VoteCast", "VoteCastWithParams"):
                event = getattr(self.dao.governor.events, name)()
                start = self.dao.deploy_block
                while start <= latest:
                    end = min(start + LOG_CHUNK - 1, latest)
                    for log in event.get_logs(from_block=start, to_block=end):
                        a = log["args"]
                        out.append({
                            "proposal": int(a["proposalId"]),
                            "voter": Web3.to_checksum_address(a["voter"]),
                            "support": int(a["support"]),
                            "weight": int(a["weight"]),
                            "reason": str(a["reason"]),
                            "block": int(log["blockNumber"]),
                            "tx": log["transactionHash"].to_0x_hex(),
                        })  # fmt: skip
                    start = end + 1
            out.sort(key=lambda v: v["block"])
            return out

        votes: list[dict[str, Any]] = self._cached("votes", read)
        return votes

    def votes(self, proposal_id: int, lang: str) -> list[dict[str, Any]]:
        return [
            {
                "voter": v["voter"],
                "support": v["support"],
                "supportText": t(lang, f"support.{v['support']}"),
                "weight": str(v["weight"]),
                "weightText": tokens(v["weight"]),
                "reason": v["reason"],
                "tx": v["tx"],
            }
            for v in self._all_votes()
            if v["proposal"] == proposal_id
        ]

    def votes_csv(self, proposal_id: int, lang: str) -> str:
        """The votes as CSV (a formula-looking cell is prefixed with ``'`` so spreadsheets show it as text)."""
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(["voter", "support", "weight", "reason", "tx"])
        for v in self.votes(proposal_id, lang):
            reason = v["reason"]
            if reason[:1] in ("=", "+", "-", "@", "\t", "\r"):
                reason = "'" + reason
            writer.writerow([v["voter"], v["supportText"], v["weightText"], reason, v["tx"]])
        return buf.getvalue()

    # ------------------------------------------------------------------------------------------ actions

    def _names(self) -> dict[str, str]:
        d = self.dao
        names: dict[str, str] = {d.token.address: "RegionToken", d.governor.address: "RegionGovernor",
                 d.timelock.address: "TimelockController", d.treasury.address: "Treasury"}  # fmt: skip
        if d.rewards is not None:
            names[d.rewards.address] = "ActivityRewards"
        if d.registry is not None:
            names[d.registry.address] = "ResidentRegistry"
        return names

    def _asset(self, token: str) -> str:
        if token == ETH:
            return "ETH"
        if token == self.dao.token.address:
            return self.symbol
        return token

    def describe_action(self, target: str, value: int, calldata: bytes, lang: str) -> dict[str, str]:
        """One action in words (known contracts' functions), else the contract, function and arguments."""
        name = self._names().get(target)
        contract = self.dao.contract(name) if name else None
        text = ""
        if contract is not None and len(calldata) >= 4:
            try:
                fn, args = contract.decode_function_input(calldata)
            except ValueError:
                fn, args = None, {}
            if fn is not None:
                text = self._words(name or "", fn.fn_name, dict(args), lang)
        if not text:
            text = t(lang, "action.call", contract=name or target, fn="0x" + calldata[:4].hex(),
                     args=f"{len(calldata)} bytes")  # fmt: skip
        if value:
            text += t(lang, "action.value", value=format_units(value))
        return {"target": target, "contract": name or "", "text": text, "calldata": "0x" + calldata.hex()}

    def _words(self, contract: str, fn: str, args: dict[str, Any], lang: str) -> str:
        if contract == "Treasury" and fn == "pay":
            return t(lang, "action.pay", amount=format_units(int(args["amount"])), symbol=self._asset(args["token"]),
                     to=args["to"], memo=args["memo"])  # fmt: skip
        if contract == "Treasury" and fn == "appropriate":
            return t(lang, "action.appropriate", amount=format_units(int(args["amount"])),
                     symbol=self._asset(args["token"]), category=args["category"], steward=args["steward"],
                     expires=local_time(int(args["expiresAt"]), self.tz))  # fmt: skip
        if contract == "Treasury" and fn == "cancelBudgetLine":
            return t(lang, "action.cancel_line", line=args["lineId"])
        if fn in ("grantRole", "revokeRole"):
            role = bytes(args["role"])
            key = "action.grant" if fn == "grantRole" else "action.revoke"
            return t(lang, key, role=ROLE_NAMES.get(role, "0x" + role.hex()), account=args["account"])
        shown = ", ".join(f"{k}={v.hex() if isinstance(v, bytes) else v}" for k, v in args.items())
        return t(lang, "action.call", contract=contract, fn=fn, args=shown)

    # ------------------------------------------------------------------------------------------ a voter

    def voter(self, proposal_id: int, account: str, lang: str) -> dict[str, Any] | None:
        """My voting power at the proposal's snapshot, and whether and why I can (not) vote."""
        info = self.info(proposal_id)
        if info is None:
            return None
        account = Web3.to_checksum_address(account)
        g = self.dao.governor.functions
        now = self.dao.now()
        snapshot = int(g.proposalSnapshot(proposal_id).call())
        state = ProposalState(int(g.state(proposal_id).call()))
        power = (
            int(self.dao.token.functions.getPastVotes(account, snapshot).call())
            if snapshot < now
            else int(self.dao.token.functions.getVotes(account).call())
        )
        voted = bool(g.hasVoted(proposal_id, account).call())
        member = True
        if self.dao.registry is not None and str(g.memberRegistry().call()) != ZERO_ADDRESS:
            member = bool(self.dao.registry.functions.isMember(account).call())
        snap_time = local_time(snapshot, self.tz)
        mine = next((v for v in reversed(self._all_votes())
                     if v["proposal"] == proposal_id and v["voter"] == account), None)  # fmt: skip
        if voted:
            reason, why = "voted", t(lang, "why.voted", support=t(lang, f"support.{mine['support']}") if mine else "")
        elif state == ProposalState.Pending:
            reason, why = "pending", t(lang, "why.pending", time=local_time(snapshot + 1, self.tz))
        elif state != ProposalState.Active:
            reason, why = "closed", t(lang, "why.closed")
        elif not member:
            reason, why = "not_member", t(lang, "why.not_member")
        elif power == 0:
            reason, why = "no_power", t(lang, "why.no_power", time=snap_time)
        else:
            reason, why = "ok", t(lang, "why.can")
        return {
            "account": account,
            "power": str(power),
            "powerText": tokens(power),
            "snapshot": snapshot,
            "snapshotText": snap_time,
            "powerLine": t(lang, "why.power", power=tokens(power), time=snap_time),
            "canVote": reason == "ok",
            "reason": reason,
            "why": why,
            "voted": voted,
            "support": mine["support"] if mine else None,
        }

    def member(self, account: str, lang: str) -> dict[str, Any]:
        """My page: card, balance, votes, delegate and my votes."""
        account = Web3.to_checksum_address(account)
        tok = self.dao.token.functions
        delegate = Web3.to_checksum_address(tok.delegates(account).call())
        card = None
        if self.dao.registry is not None:
            r = self.dao.registry.functions
            if r.isMember(account).call():
                _holder, kind, since, _record = r.card(int(r.cardOf(account).call())).call()
                kinds = {"ja": ("住民", "関係人口", "サポーター"), "en": ("Resident", "Relationship", "Supporter")}
                card = t(lang, "me.card.since", kind=kinds[lang][int(kind)], since=local_time(int(since), self.tz))
        if delegate == ZERO_ADDRESS:
            delegate_text = t(lang, "me.delegate.none")
        elif delegate == account:
            delegate_text = t(lang, "me.delegate.self")
        else:
            delegate_text = delegate
        history = [
            {"proposal": str(v["proposal"]), "supportText": t(lang, f"support.{v['support']}"), "reason": v["reason"]}
            for v in self._all_votes()
            if v["voter"] == account
        ]
        return {
            "account": account,
            "card": card or t(lang, "me.card.none"),
            "member": card is not None,
            "balance": str(int(tok.balanceOf(account).call())),
            "balanceText": f"{tokens(int(tok.balanceOf(account).call()))} {self.symbol}",
            "votes": str(int(tok.getVotes(account).call())),
            "votesText": tokens(int(tok.getVotes(account).call())),
            "delegate": delegate,
            "delegateText": delegate_text,
            "history": history,
        }
