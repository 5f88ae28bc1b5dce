"""ResidentRegistry's membership history (IMemberHistory): the checkpointed member count equals the number of live
cards at every past time, and each account's membership at a past time is what it was."""

from __future__ import annotations

from typing import Any

from brownie import accounts, chain
from brownie.exceptions import VirtualMachineError
from brownie.test import given
from helpers import advance, reverts
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

NO_RECORD = b"\x00" * 32
op = st.tuples(st.sampled_from(["register", "revoke", "resign"]), st.integers(0, 5), st.integers(0, 2))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(op, min_size=1, max_size=14))
def test_checkpointed_count_equals_live_cards_at_every_time(registry: Any, registrar: Any, ops: Any) -> None:
    people = [accounts[i] for i in range(6)]
    history: list[tuple[int, int, set[str]]] = []  # (second, live count, live members) at the end of that second
    for what, who, gap in ops:
        person = people[who]
        try:
            if what == "register":
                registry.register(person, 0, NO_RECORD, {"from": registrar})
            elif what == "revoke":
                registry.revoke(person, {"from": registrar})
            else:
                registry.resign({"from": person})
        except VirtualMachineError:
            pass  # already a member / not a member: nothing changes
        now = chain[-1].timestamp
        live = {p.address for p in people if registry.isMember(p)}
        assert registry.memberCount() == len(live)
        history = [h for h in history if h[0] != now] + [(now, len(live), live)]
        if gap:
            advance(gap)
    advance(1)
    for second, count, live in history:
        assert registry.memberCountAt(second) == count
        for p in people:
            assert registry.wasMemberAt(p, second) == (p.address in live)


def test_lookups_of_the_present_or_future_revert(registry: Any) -> None:
    now = chain.time()
    with reverts("RegistryFutureLookup", ...):
        registry.memberCountAt(now + 100)


def test_membership_at_a_time_before_registering_is_false(registry: Any, registrar: Any) -> None:
    person = accounts[3]
    before = chain[-1].timestamp
    advance(1)
    registry.register(person, 1, NO_RECORD, {"from": registrar})
    advance(1)
    assert not registry.wasMemberAt(person, before)
    assert registry.wasMemberAt(person, chain[-1].timestamp - 1)
    assert registry.memberCountAt(before) == 0
    assert registry.supportsInterface(_history_interface_id())


def _history_interface_id() -> bytes:
    from web3 import Web3

    sigs = ["clock()", "CLOCK_MODE()", "memberCountAt(uint256)", "wasMemberAt(address,uint256)"]
    x = 0
    for s in sigs:
        x ^= int.from_bytes(Web3.keccak(text=s)[:4], "big")
    return x.to_bytes(4, "big")
