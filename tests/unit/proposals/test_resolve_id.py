"""A proposal named by its full id, its # number in `proposal list`, or an unambiguous prefix (issue 11)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from furusato.errors import InputError
from furusato.proposals import status

IDS = [
    12345678901234567890123456789012345678901234567890123456789012345678901234567,
    12345999901234567890123456789012345678901234567890123456789012345678901234567,
    98765432109876543210987654321098765432109876543210987654321098765432109876543,
]
DAO = SimpleNamespace(governor=SimpleNamespace(address="0xGovernor"))


@pytest.fixture(autouse=True)
def proposals(monkeypatch):
    infos = [SimpleNamespace(proposal_id=i) for i in IDS]
    monkeypatch.setattr(status, "find_proposals", lambda _dao: infos)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("#1", IDS[0]), ("2", IDS[1]), (" #3 ", IDS[2]), (str(IDS[0]), IDS[0]), (hex(IDS[2]), IDS[2]),
     ("123456", IDS[0]), ("12345999", IDS[1]), ("9876", IDS[2]), (hex(IDS[1])[:12], IDS[1]),
     ("0x" + f"{IDS[2]:064x}"[:8], IDS[2])],
)  # fmt: skip
def test_names_resolve(text, expected):
    assert status.resolve_proposal_id(DAO, text) == expected  # type: ignore[arg-type]


def test_an_ambiguous_prefix_lists_the_candidates_with_their_numbers():
    with pytest.raises(InputError, match=r"12345 is the start of 2 proposal ids \(#1 1234.*, #2 1234.*\)"):
        status.resolve_proposal_id(DAO, "12345")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "message"),
    [("#4", "there is no proposal #4"), ("0", "there is no proposal #0"), ("5555", "no proposal id starts with 5555"),
     ("0x12", "too short"), ("abc", "is not a proposal id")],
)  # fmt: skip
def test_bad_names_are_named(text, message):
    with pytest.raises(InputError, match=message):
        status.resolve_proposal_id(DAO, text)  # type: ignore[arg-type]
