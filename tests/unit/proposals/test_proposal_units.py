"""Pure parts of the proposals package and ballots: parsing, formatting, state explanations. (The relayer's HTTP
limits and errors are tested through the portal's endpoints, tests/portal/test_api.py.)"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from brownie.test import given
from hypothesis import settings
from hypothesis import strategies as st

from furusato import ballots
from furusato.errors import ChainError, InputError, InvalidValueError, SpecActionError
from furusato.governance import Action, Proposal, ProposalState, Support, Tally, title_of
from furusato.proposals import abi_args
from furusato.proposals import actions as A  # noqa: N812
from furusato.proposals import spec as S  # noqa: N812
from furusato.proposals.status import (
    ProposalInfo,
    Status,
    format_status,
    next_step,
    parse_proposal_id,
    require_step,
    summary_line,
)
from furusato.proposals.steps import parse_support
from furusato.units import parse_time, parse_tz

JST = dt.timezone(dt.timedelta(hours=9), "JST")
T0 = int(dt.datetime(2026, 12, 1, 9, 0, tzinfo=JST).timestamp())


def status(state: ProposalState, *, now: int = T0, eta: int = 0, votes: tuple[int, int, int] = (0, 0, 0)) -> Status:
    info = ProposalInfo(1, "0x" + "11" * 20, Proposal((Action("0x" + "22" * 20, 0, b"\x12\x34\x56\x78"),),
                                                      "# 題名\n\n本文\n"), T0 - 1, T0 + 600, 5)  # fmt: skip
    return Status(info, state, Tally(*votes), now, T0 - 1, T0 + 600, 4 * 10**18, 100 * 10**18, 4.0, eta)


# ------------------------------------------------------------------------------------------------ parsing


def test_times_are_jst_unless_they_carry_an_offset():
    assert parse_time("2026-12-01T09:00", "t") == T0
    assert parse_time("2026-12-01T00:00:00+00:00", "t") == T0
    assert parse_time(dt.date(2026, 12, 1), "t") == T0 - 9 * 3600
    assert parse_time(T0, "t") == T0
    with pytest.raises(InvalidValueError, match="'later' is not a date or time"):
        parse_time("later", "t")


@settings(max_examples=15, deadline=None)
@given(st.integers(min_value=1, max_value=10**30), st.sampled_from([0, 6, 18]))
def test_amounts_round_trip_through_their_display(units, decimals):
    shown = A.show_amount(units, decimals, "X").removesuffix(" X")
    assert A._amount(shown, decimals, "amount") == units


def test_amounts_refuse_floats_negatives_and_excess_decimals():
    with pytest.raises(InvalidValueError, match="quoted decimals"):
        A._amount(1.5, 18, "amount")
    with pytest.raises(InvalidValueError, match="must be positive"):
        A._amount("0", 18, "amount")
    with pytest.raises(InvalidValueError, match="more than 6 decimal places"):
        A._amount("1.0000001", 6, "amount")


@pytest.mark.parametrize(
    ("value", "abi_type", "expected"),
    [
        ("0x10", "uint8", 16),
        ("1_000", "uint256", 1000),
        (-5, "int8", -5),
        (True, "bool", True),
        ("0xabcd", "bytes2", b"\xab\xcd"),
        ("0x", "bytes", b""),
        ([1, "2"], "uint256[]", [1, 2]),
        ([[1], [2]], "uint8[1][]", [[1], [2]]),
        ("名前", "string", "名前"),
    ],
)
def test_arguments_are_coerced_to_their_abi_types(value, abi_type, expected):
    assert abi_args.coerce(value, abi_type, "arg") == expected


@pytest.mark.parametrize(
    ("value", "abi_type", "message"),
    [
        (256, "uint8", "does not fit in uint8"),
        (-1, "uint256", "does not fit"),
        (1.0, "uint256", "is not an integer"),
        ("yes", "bool", "expected true or false"),
        ("0xab", "bytes2", "needs exactly 2 bytes"),
        ("abcd", "bytes", "0x-prefixed hex"),
        ([1, 2], "uint8[3]", "needs exactly 3 items"),
        (3, "string", "expected text"),
        ("0x1", "address", "is not an address"),
        ((1,), "tuple", "not supported"),
    ],
)
def test_bad_arguments_name_the_problem(value, abi_type, message):
    with pytest.raises((SpecActionError, Exception)) as exc:
        abi_args.coerce(value, abi_type, "arg")
    assert message in str(exc.value)


def test_description_and_title():
    text = S.describe("  題名 ", "\n本文\n\n")
    assert text == "# 題名\n\n本文\n"
    assert title_of(text) == "題名"
    assert title_of("") == "(untitled)"
    assert title_of("#\n\n## 二行目が題名\n本文") == "二行目が題名"  # the first non-empty line, heading marks off
    assert title_of("  \n", untitled="") == ""
    assert len(title_of("長" * 500)) == 200


def test_ids_support_and_time_zones():
    assert parse_proposal_id("0x10") == 16
    assert parse_proposal_id(" 42 ") == 42
    with pytest.raises(InputError):
        parse_proposal_id("forty")
    assert parse_support("FOR") == Support.For
    assert parse_support("0") == Support.Against
    with pytest.raises(InputError, match="use for, against or abstain"):
        parse_support("maybe")
    assert parse_tz("JST").utcoffset(None) == dt.timedelta(hours=9)
    assert parse_tz("+05:30").utcoffset(None) == dt.timedelta(hours=5, minutes=30)
    assert parse_tz("UTC") is dt.UTC
    with pytest.raises(InputError, match="unknown time zone"):
        parse_tz("Mars/Olympus")


def test_load_spec_reports_file_problems(tmp_path: Path):
    from furusato.errors import ConfigError

    bad = tmp_path / "x.yaml"
    bad.write_text("title: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        S.load_spec(bad)
    bad.write_text("- a list\n")
    with pytest.raises(ConfigError, match="a proposal spec is a mapping"):
        S.load_spec(bad)
    bad.write_bytes("title: 題名".encode("shift_jis"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        S.load_spec(bad)


# ------------------------------------------------------------------------------------------------ status text


def test_next_step_for_each_state():
    assert next_step(status(ProposalState.Pending)) == "voting starts 2026-12-01 09:00:00 JST"
    assert next_step(status(ProposalState.Active)) == "voting ends 2026-12-01 09:10:00 JST"
    assert next_step(status(ProposalState.Succeeded)) == "succeeded but not queued: run queue"
    assert next_step(status(ProposalState.Queued, eta=T0 + 900)) == "timelock ready at 2026-12-01 09:15:00 JST"
    assert "run execute" in next_step(status(ProposalState.Queued, eta=T0 - 1))
    assert next_step(status(ProposalState.Defeated)).startswith("defeated: quorum not reached")
    assert next_step(status(ProposalState.Defeated, votes=(9 * 10**18, 5 * 10**18, 0))) == (
        "defeated: not more votes for than against"
    )
    for s in (ProposalState.Canceled, ProposalState.Expired, ProposalState.Executed):
        assert next_step(status(s)) == s.name.lower()
    utc = next_step(status(ProposalState.Pending), dt.UTC)
    assert utc == "voting starts 2026-12-01 00:00:00 UTC"


def test_quorum_progress_reads_like_the_issue():
    assert status(ProposalState.Active, votes=(0, 3_100_000_000_000_000_000, 0)).quorum_line() == (
        "quorum: 3.1% of 4% needed"
    )
    assert status(ProposalState.Active, votes=(0, 3 * 10**18, 10**18)).quorum_line() == (
        "quorum: 4.0% of 4% needed (reached)"
    )
    pending = Status(**{**status(ProposalState.Pending).__dict__, "quorum": None, "supply": None})
    assert pending.quorum_line() == "quorum: 0.0% of 4% needed (counted at the snapshot)"


def test_format_and_summary():
    lines = format_status(status(ProposalState.Queued, eta=T0 + 900))
    assert lines[1] == "  title:     題名"
    assert "  timelock:  ready at 2026-12-01 09:15:00 JST" in lines
    assert "    | 本文" in lines
    assert summary_line(status(ProposalState.Active)).startswith("1  Active ")


@pytest.mark.parametrize(
    ("state", "step", "eta", "message"),
    [
        (ProposalState.Pending, "vote", 0, "cannot vote proposal 1: voting starts 2026-12-01 09:00:00 JST"),
        (ProposalState.Succeeded, "execute", 0, "succeeded but not queued: run queue"),
        (ProposalState.Queued, "execute", T0 + 60, "timelock ready at 2026-12-01 09:01:00 JST"),
        (ProposalState.Queued, "queue", T0 + 60, "already queued: timelock ready at"),
        (ProposalState.Active, "queue", 0, "voting is still open: voting ends 2026-12-01 09:10:00 JST"),
        (ProposalState.Succeeded, "vote", 0, "voting ended 2026-12-01 09:10:00 JST: succeeded"),
        (ProposalState.Executed, "cancel", 0, "already executed"),
        (ProposalState.Canceled, "queue", 0, "already canceled"),
    ],
)
def test_steps_that_cannot_run_explain_the_state(state, step, eta, message):
    with pytest.raises(ChainError) as exc:
        require_step(status(state, eta=eta), step)
    assert message in str(exc.value)


def test_steps_that_can_run_pass():
    require_step(status(ProposalState.Active), "vote")
    require_step(status(ProposalState.Succeeded), "queue")
    require_step(status(ProposalState.Queued, eta=T0), "execute")
    require_step(status(ProposalState.Pending), "cancel")


# ------------------------------------------------------------------------------------------------ ballots


def test_parse_signed_checks_shape_and_signature_hex():
    typed = {"types": {}, "domain": {}, "primaryType": "Ballot", "message": {}}
    parsed, sig = ballots.parse_signed({"typedData": typed, "signature": "0x" + "ab" * 65})
    assert parsed is typed
    assert sig == b"\xab" * 65
    for bad in (None, [], {"typedData": 1}, {"typedData": {}, "signature": "0x" + "ab" * 64}):
        with pytest.raises(ballots.SignatureRejected):
            ballots.parse_signed(bad)


def test_wallet_form_copies_and_stringifies_large_numbers():
    from furusato import eip712

    domain = {"name": "G", "version": "1", "chainId": 1, "verifyingContract": "0x" + "11" * 20}
    typed = ballots._wallet_form(eip712.ballot(domain, 2**200, 1, "0x" + "22" * 20, 3))
    assert typed["message"] == {"proposalId": str(2**200), "support": 1, "voter": "0x" + "22" * 20, "nonce": "3"}
    typed["types"]["Ballot"].pop()
    assert len(eip712.BALLOT) == 4
