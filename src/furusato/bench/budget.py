"""Gas of participatory budget rounds and of the headcount quorum, on fresh local DAOs (development chains only).

- ``bench_budget`` → ``gas.budget.ballot.direct`` (a member's ballot approving 3 plans that others approved
  already, not the round's first),
  ``gas.budget.ballot.relayed`` (the same ballot signed by a member and sent by a relayer) and
  ``gas.budget.finalize30`` (finalizing a round of 30 plans with 20 ballots of 3 approvals each, winners paid in ETH).
- ``bench_headcount`` → ``gas.headcount.castVote`` (a member's vote on a HeadcountGovernor, not the proposal's
  first) next to ``gas.headcountPlain.castVote`` (the same vote on the members-only RegionGovernor).
"""

from __future__ import annotations

from dataclasses import replace

from eth_account.messages import encode_typed_data
from web3 import Web3

from furusato.bench.context import Bench
from furusato.bench.membership import members_only_config
from furusato.budget import steps
from furusato.budget.plans import parse_round_spec
from furusato.budget.rule import mask_of
from furusato.budget.scenario import member_keys
from furusato.chain import LocalKeySender, UnlockedSender, advance_time, send_eth, transact
from furusato.config import load_config
from furusato.governance import Proposal, Support, call_action
from furusato.proposals.steps import pass_on_development_chain
from furusato.session import session_over


def bench_budget(b: Bench) -> dict[str, float]:
    """A 30-plan round with a 5 ETH budget: 20 members vote (the last 10 by relayed signatures), then finalize."""
    w3, actors = b.w3, b.actors
    config = load_config(preset="local")
    assert config.registry is not None
    record, artifacts = b.deploy("bench-budget", config)
    dao = session_over(w3, record, b.root, development=True, artifacts=artifacts).dao
    assert dao.registry is not None
    keys = member_keys()
    registrar = UnlockedSender(Web3.to_checksum_address(config.registry.registrars[0]))
    fn = dao.registry.functions.registerBatch([k.address for k in keys], [0] * 20, [b"\x00" * 32] * 20)
    transact(w3, registrar, fn, label="register")
    for k in keys[:10]:
        send_eth(w3, actors.deployer, k.address, 10**16)
    send_eth(w3, actors.deployer, dao.treasury.address, 5 * 10**18)
    advance_time(w3, 2)
    plans = [{"title": f"plan {i}", "description": f"plan {i}", "recipient": Web3.to_checksum_address(
        Web3.keccak(text=f"bench-budget-{i}")[-20:]), "amount": "0.5"} for i in range(30)]  # fmt: skip
    spec = parse_round_spec({"title": "bench", "budget": "5", "max_approvals": 3, "voting_period": "1 hour",
                             "plans": plans}, "bench")  # fmt: skip
    address, proposal, _ = steps.create(dao, artifacts, actors.members[0], steps.prepare(dao, spec))
    pass_on_development_chain(dao, proposal, actors.members, proposed=True)
    rnd = steps.round_at(dao, address)
    direct: list[int] = []
    relayed: list[int] = []
    for i, k in enumerate(keys):
        # the measured ballots (direct #1, relayed #1) approve plans 0-2, which earlier ballots already approved
        spread = [(i * 7) % 30, (i * 11 + 3) % 30, (i * 13 + 5) % 30]
        choices = mask_of([0, 1, 2] if i in (0, 1, 10, 11) else spread)
        if i < 10:
            direct.append(int(steps.vote(dao, rnd, LocalKeySender(k), choices)["gasUsed"]))
        else:
            typed = steps.ballot_typed_data(dao, rnd, k.address, choices)
            signature = bytes(k.sign_message(encode_typed_data(full_message=typed)).signature)
            relayed.append(int(steps.relay(dao, rnd, actors.relayer, typed, signature)["gasUsed"]))
    advance_time(w3, steps.status(dao, rnd).vote_end - dao.now() + 1)
    _, receipt = steps.finalize(dao, rnd, actors.relayer)
    results = {
        "gas.budget.ballot.direct": float(direct[1]),
        "gas.budget.ballot.relayed": float(relayed[1]),
        "gas.budget.finalize30": float(receipt["gasUsed"]),
    }
    b.log("  " + ", ".join(f"{k} {v:,.0f}" for k, v in results.items()))
    return results


def bench_headcount(b: Bench) -> dict[str, float]:
    """The same member's vote on a members-only RegionGovernor and on a HeadcountGovernor (10 %)."""
    plain = members_only_config()
    results: dict[str, float] = {}
    for key, config in (
        ("gas.headcountPlain.castVote", plain),
        ("gas.headcount.castVote", replace(plain, quorum_kind="headcount", quorum_percent=10)),
    ):
        record, artifacts = b.deploy(f"bench-{key}", config)
        dao = session_over(b.w3, record, b.root, development=True, artifacts=artifacts).dao
        advance_time(b.w3, 2)
        m = b.actors.members
        proposal = Proposal((call_action(dao.token, "transferRegistry"),), f"bench: {key}").bound_to(m[0].address)
        dao.governance.propose(m[0], proposal)
        advance_time(b.w3, int(dao.governor.functions.votingDelay().call()) + 1)
        dao.governance.cast_vote(m[0], proposal.proposal_id, Support.For)
        results[key] = float(dao.governance.cast_vote(m[1], proposal.proposal_id, Support.For)["gasUsed"])
    b.log("  " + ", ".join(f"{k} {v:,.0f}" for k, v in results.items()))
    return results
