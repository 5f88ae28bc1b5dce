"""The deployment fixture itself: the DAO the other chain tests stand on is wired as intended."""

from furusato.deploy import check_wiring


def test_dao_fixture_wiring_checks_pass(dao, artifacts, web3):
    checks = check_wiring(web3, artifacts, dao.record, dao.config)
    assert len(checks) > 25
    assert [c.description for c in checks if not c.ok] == []


def test_members_are_vote_ready_without_delegating(token, members):
    for member in members:
        assert token.delegates(member) == member
        assert token.getVotes(member) == token.balanceOf(member) > 0
        assert not token.hasChosenDelegate(member)


def test_python_proposal_id_matches_the_governor(governor, treasury, make_proposal, alice):
    proposal = make_proposal((treasury, "pay", "0x" + "00" * 20, alice.address, 1, "memo"), description="id check")
    assert governor.hashProposal(*proposal.args(), proposal.description_hash) == proposal.proposal_id
