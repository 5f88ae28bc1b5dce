"""The lean read client (`furusato.rpc.ReadWeb3`) answers exactly as web3.py does for everything the read commands
ask: calls with overloads, tuples and arrays, events with indexed and dynamic fields, and the proposal status built
on them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from brownie import chain, web3
from helpers import advance

from furusato.artifacts import Artifacts
from furusato.errors import ChainError
from furusato.governance import Support
from furusato.proposals import find_proposals, load_dao, read_status
from furusato.rpc import ReadWeb3

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def reader() -> ReadWeb3:
    return ReadWeb3(web3.provider.endpoint_uri)


@pytest.fixture
def history(dao: Any, members: list[Any], make_proposal: Any, project: Any) -> list[int]:
    """Two proposals: one voted For/Against/Abstain with a reason, one still pending."""
    governor, treasury = dao.governor, dao.treasury
    first = make_proposal((treasury, "pay", "0x" + "00" * 20, project.address, 1, "有料"), description="# 一つ目\n本文")
    governor.propose(*first.args(), first.description, {"from": members[0]})
    advance(governor.votingDelay() + 1)
    governor.castVote(first.proposal_id, Support.For, {"from": members[0]})
    governor.castVoteWithReason(first.proposal_id, Support.Against, "理由 <b>", {"from": members[1]})
    governor.castVote(first.proposal_id, Support.Abstain, {"from": members[2]})
    second = make_proposal((treasury, "pay", "0x" + "00" * 20, project.address, 2, "second"), description="two")
    governor.propose(*second.args(), second.description, {"from": members[1]})
    chain.mine()
    return [first.proposal_id, second.proposal_id]


def both(record: Any, reader: ReadWeb3) -> tuple[Any, Any]:
    artifacts = Artifacts(ROOT)
    return load_dao(web3, record, artifacts), load_dao(reader, record, artifacts)  # type: ignore[arg-type]


def test_calls_match_web3_including_overloads_and_tuples(dao, history, reader):
    full, lean = both(dao.record, reader)
    pid = history[0]
    snapshot = full.governor.functions.proposalSnapshot(pid).call()
    for name, args in [
        ("state", (pid,)), ("proposalVotes", (pid,)), ("proposalSnapshot", (pid,)), ("proposalDeadline", (pid,)),
        ("quorum", (snapshot,)), ("quorumNumerator", ()), ("quorumNumerator", (snapshot,)), ("name", ()),
        ("hasVoted", (pid, dao.record.deployer)), ("proposalProposer", (pid,)), ("votingDelay", ()),
        ("eip712Domain", ()),
    ]:  # fmt: skip
        expected = getattr(full.governor.functions, name)(*args).call()
        got = getattr(lean.governor.functions, name)(*args).call()
        assert got == (tuple(expected) if isinstance(expected, list) else expected), name
    token = dao.record.address("RegionToken")
    assert (
        lean.token.functions.getPastTotalSupply(snapshot).call()
        == full.token.functions.getPastTotalSupply(snapshot).call()
    )
    assert lean.token.address == token


def test_events_and_status_match_web3(dao, history, reader):
    full, lean = both(dao.record, reader)
    assert [i.proposal_id for i in find_proposals(lean)] == history
    assert find_proposals(lean) == find_proposals(full)
    for info in find_proposals(full):
        ours, theirs = read_status(lean, info), read_status(full, info)
        assert ours == theirs
    cast = lean.governor.events.VoteCast().get_logs(from_block=0)
    expected = full.governor.events.VoteCast().get_logs(from_block=0)
    assert [dict(e["args"]) for e in cast] == [dict(e["args"]) for e in expected]
    assert cast[1]["args"]["reason"] == "理由 <b>"


def test_errors_are_chain_errors_with_the_node_named(reader):
    with pytest.raises(ChainError, match="eth_call failed"):
        reader.eth.call({"to": "0x" + "00" * 20, "data": "0x12"}, "0x" + "ff" * 8)
    assert ReadWeb3(reader.rpc.url).eth.chain_id == web3.eth.chain_id
    with pytest.raises(OSError, match=re.escape("cannot reach the node at http://127.0.0.1:9")):
        ReadWeb3("http://127.0.0.1:9").eth.chain_id  # noqa: B018 - the property is the call
