"""The sending steps of a budget round — create (deploy + propose), vote (direct or relayed), finalize — each
checking the chain first so a user mistake is refused before anything is sent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from web3 import Web3

from furusato.budget.ballot import round_ballot, round_domain
from furusato.budget.plans import RoundSpec
from furusato.budget.round import (
    RoundStatus,
    check_budget,
    check_finalize,
    committed,
    deploy_args,
    opening_proposal,
    read_round,
    treasury_balance,
)
from furusato.chain import Sender, deploy, transact
from furusato.constants import ZERO_ADDRESS
from furusato.erc20 import erc20
from furusato.errors import BudgetRoundError
from furusato.governance import Proposal
from furusato.units import format_units

if TYPE_CHECKING:
    from web3.contract import Contract
    from web3.types import TxReceipt

    from furusato.artifacts import Artifacts
    from furusato.proposals.dao import Dao


@dataclass(frozen=True)
class Prepared:
    """A checked round, ready to deploy and propose."""

    spec: RoundSpec
    balance: int
    committed: int

    def lines(self) -> list[str]:
        s = self.spec
        out = [
            f"round: {s.title}",
            f"budget {format_units(s.budget)} {s.token_label} (treasury holds {format_units(self.balance)}, "
            f"{format_units(self.committed)} already on live budget lines)",
            f"voters: {s.voters}; approve up to {s.max_approvals}; voting {s.voting_period}s from execution",
        ]
        out += [f"  #{i} {p.title}: {format_units(p.amount)} → {p.recipient}" for i, p in enumerate(s.plans, 1)]
        return out


def prepare(dao: Dao, spec: RoundSpec) -> Prepared:
    """Check ``spec`` against the chain: the treasury covers the budget beyond its live lines, and the line
    outlives the proposal's way to execution plus the vote."""
    token = None if spec.token == ZERO_ADDRESS else erc20(dao.w3, spec.token)
    balance = treasury_balance(dao.w3, dao.treasury, spec.token, token)
    busy = committed(dao.treasury, spec.token)
    g = dao.governor.functions
    way = int(g.votingDelay().call()) + int(g.votingPeriod().call()) + int(dao.timelock.functions.getMinDelay().call())
    check_budget(spec, balance, busy, way + spec.voting_period)
    if spec.voters == "members" and dao.registry is None:
        raise BudgetRoundError("voters: members needs a ResidentRegistry, and this deployment has none")
    return Prepared(spec, balance, busy)


def create(dao: Dao, artifacts: Artifacts, sender: Sender, prepared: Prepared) -> tuple[str, Proposal, TxReceipt]:
    """Deploy the round (owned by the timelock) and propose its opening; returns (round, proposal, propose tx)."""
    g = dao.governor.functions
    threshold = int(g.proposalThreshold().call())
    if int(dao.token.functions.getPastVotes(sender.address, dao.now() - 1).call()) < threshold:
        raise BudgetRoundError(
            f"{sender.address} cannot propose: it needs {format_units(threshold)} votes (delegate to yourself or ask "
            "a member who holds enough); nothing was sent"
        )
    art = artifacts.get("BudgetRound")
    registry = dao.registry.address if dao.registry is not None else None
    args = deploy_args(prepared.spec, owner=dao.timelock.address, treasury=dao.treasury.address, registry=registry,
                       votes=dao.token.address)  # fmt: skip
    address, _ = deploy(dao.w3, sender, art.abi, art.bytecode, args, label="BudgetRound", decoder=dao.decoder)
    rnd = dao.w3.eth.contract(address=address, abi=art.abi)
    proposal = opening_proposal(dao.treasury, rnd, prepared.spec, dao.now()).bound_to(sender.address)
    return address, proposal, dao.governance.propose(sender, proposal)


def round_at(dao: Dao, address: str) -> Contract:
    """The BudgetRound at ``address`` (its errors join the decoder)."""
    from furusato.abi import error_selectors

    where = Web3.to_checksum_address(address)
    if not dao.w3.eth.get_code(where):
        raise BudgetRoundError(f"no contract at {where}: give the round's address (see `budget round create`)")
    abi = dao.abi_of("BudgetRound")
    dao.decoder.add(error_selectors([abi]))
    return dao.w3.eth.contract(address=where, abi=abi)


def status(dao: Dao, rnd: Contract) -> RoundStatus:
    return read_round(rnd, dao.deploy_block)


def vote(dao: Dao, rnd: Contract, sender: Sender, choices: int) -> TxReceipt:
    st = status(dao, rnd)
    if st.phase != "voting":
        raise BudgetRoundError(f"round {st.address} is {st.phase}: ballots are taken only while it is voting")
    if rnd.functions.hasVoted(sender.address).call():
        raise BudgetRoundError(f"{sender.address} has already cast its ballot in this round (ballots are final)")
    return transact(dao.w3, sender, rnd.functions.castBallot(choices), label="castBallot", decoder=dao.decoder)


def ballot_typed_data(dao: Dao, rnd: Contract, voter: str, choices: int) -> dict[str, Any]:
    """What a member's wallet signs (eth_signTypedData_v4) for a gasless ballot."""
    return round_ballot(round_domain(int(dao.w3.eth.chain_id), rnd.address), choices, Web3.to_checksum_address(voter))


def relay(dao: Dao, rnd: Contract, sender: Sender, typed: dict[str, Any], signature: bytes) -> TxReceipt:
    """Send a signed ballot (the relayer pays the gas); refuses one for another round or chain, or a bad signature."""
    expected = round_domain(int(dao.w3.eth.chain_id), rnd.address)
    domain = typed.get("domain", {})
    if typed.get("primaryType") != "Ballot" or {k: domain.get(k) for k in expected} != expected:
        raise BudgetRoundError(f"the signed ballot is not for round {rnd.address} on chain {expected['chainId']}")
    message = typed["message"]
    voter, choices = Web3.to_checksum_address(message["voter"]), int(message["choices"])
    signer = Account.recover_message(encode_typed_data(full_message=typed), signature=signature)
    if signer != voter:
        raise BudgetRoundError(f"the ballot names voter {voter} but was signed by {signer}")
    if rnd.functions.hasVoted(voter).call():
        raise BudgetRoundError(f"{voter} has already cast its ballot in this round (a replay is refused)")
    fn = rnd.functions.castBallotBySig(voter, choices, signature)
    return transact(dao.w3, sender, fn, label="castBallotBySig", decoder=dao.decoder)


def finalize(dao: Dao, rnd: Contract, sender: Sender) -> tuple[RoundStatus, TxReceipt]:
    """Recompute the result from events, refuse if the contract disagrees or cannot pay, then finalize."""
    st = status(dao, rnd)
    check_finalize(st)
    total = st.recomputed.total
    if total:
        token = None if st.token == ZERO_ADDRESS else erc20(dao.w3, st.token)
        balance = treasury_balance(dao.w3, dao.treasury, st.token, token)
        left = int(dao.treasury.functions.remaining(st.line_id).call())
        if total > min(balance, left):
            raise BudgetRoundError(
                f"the winners need {format_units(total)}, but the budget line allows {format_units(left)} and the "
                f"treasury holds {format_units(balance)}: refill the treasury (or governance cancels the round)"
            )
    return st, transact(dao.w3, sender, rnd.functions.finalize(), label="finalize", decoder=dao.decoder)
