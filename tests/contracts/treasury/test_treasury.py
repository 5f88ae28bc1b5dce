"""Treasury at contract level: payments by governance, budget lines spent by stewards, deposits, reentrancy, books."""

from __future__ import annotations

from typing import Any

import pytest
from brownie import MockERC20, ReentrantSteward, accounts, chain, web3
from helpers import advance, pass_proposal, proposal_of, reverts, w3c

from furusato.governance import Proposal

ETHER = 10**18
TOKEN = 10**18
ZERO = "0x0000000000000000000000000000000000000000"
DAY = 86_400
REENTRANT_CALL = bytes(web3.keccak(text="ReentrancyGuardReentrantCall()"))[:4]


# ------------------------------------------------------------------------------------------------ helpers


def execute(governor: Any, proposal: Proposal, sender: Any) -> Any:
    return governor.execute(*proposal.args(), proposal.description_hash, {"from": sender})


# ------------------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def mock(deployer: Any) -> Any:
    return MockERC20.deploy("Mock Yen", "mJPY", {"from": deployer})


@pytest.fixture
def govern(governor: Any, timelock: Any, members: list[Any]) -> Any:
    """Factory: pass, queue and execute a proposal of ``(contract, fn, *args)`` calls; returns the execute tx."""

    def run(*calls: tuple[Any, ...], description: str) -> Any:
        return pass_proposal(governor, timelock, members, proposal_of(*calls, description=description))

    return run


@pytest.fixture
def stocked(funded_treasury: Any, mock: Any, deployer: Any) -> Any:
    """The treasury holding 10 ETH and 1,000 mock tokens (minted straight to it)."""
    mock.mint(funded_treasury, 1_000 * TOKEN, {"from": deployer})
    return funded_treasury


@pytest.fixture
def as_owner(timelock: Any) -> Any:
    """The timelock impersonated: reaches the treasury's own argument checks without a proposal per case."""
    return accounts.at(timelock.address, force=True)


def appropriate(govern: Any, treasury: Any, steward: Any, token: str, amount: int, days: int = 30) -> tuple[int, int]:
    """Appropriate a budget line through governance; returns ``(line id, expiry)``."""
    expires = chain.time() + days * DAY
    tx = govern(
        (treasury, "appropriate", "祭り / festival", steward.address, token, amount, expires),
        description=f"line {expires}",
    )
    event = tx.events["BudgetLineAppropriated"][0]
    assert (event["steward"], event["token"], event["amount"], event["expiresAt"]) == (steward, token, amount, expires)
    assert event["category"] == "祭り / festival"
    return event["lineId"], expires


# ------------------------------------------------------------------------------------------------ direct payments


def test_governance_pays_eth_and_tokens(govern, stocked, mock, project):
    treasury = stocked
    eth_before = project.balance()
    tx = govern(
        (treasury, "pay", ZERO, project.address, 2 * ETHER, "堆肥センター"),
        (treasury, "pay", mock.address, project.address, 250 * TOKEN, "案内板"),
        description="pay the project",
    )
    eth, erc20 = tx.events["Paid"]
    assert eth.values() == [ZERO, project, 2 * ETHER, 8 * ETHER, "堆肥センター"]
    assert erc20.values() == [mock, project, 250 * TOKEN, 750 * TOKEN, "案内板"]
    assert project.balance() == eth_before + 2 * ETHER
    assert treasury.balance() == 8 * ETHER
    assert mock.balanceOf(project) == 250 * TOKEN
    assert mock.balanceOf(treasury) == 750 * TOKEN


def test_only_the_owner_pays_appropriates_or_cancels(stocked, mock, alice, deployer, steward, timelock):
    treasury = stocked
    assert treasury.owner() == timelock
    for caller in (alice, deployer, steward):
        with reverts("OwnableUnauthorizedAccount", caller):
            treasury.pay(ZERO, caller, ETHER, "", {"from": caller})
        with reverts("OwnableUnauthorizedAccount", caller):
            treasury.pay(mock, caller, 1, "", {"from": caller})
        with reverts("OwnableUnauthorizedAccount", caller):
            treasury.appropriate("x", caller, ZERO, ETHER, chain.time() + DAY, {"from": caller})
        with reverts("OwnableUnauthorizedAccount", caller):
            treasury.cancelBudgetLine(1, {"from": caller})
    assert treasury.balance() == 10 * ETHER
    assert treasury.budgetLineCount() == 0


def test_payment_arguments_are_checked(stocked, mock, as_owner, project):
    treasury = stocked
    with reverts("TreasuryZeroAddress"):
        treasury.pay(ZERO, ZERO, ETHER, "", {"from": as_owner})
    with reverts("TreasuryZeroAmount"):
        treasury.pay(mock, project, 0, "", {"from": as_owner})
    with reverts("TreasuryInsufficientBalance", ZERO, 11 * ETHER, 10 * ETHER):
        treasury.pay(ZERO, project, 11 * ETHER, "", {"from": as_owner})
    with reverts("TreasuryInsufficientBalance", mock, 1_001 * TOKEN, 1_000 * TOKEN):
        treasury.pay(mock, project, 1_001 * TOKEN, "", {"from": as_owner})


# ------------------------------------------------------------------------------------------------ budget lines


def test_steward_spends_a_budget_line_in_parts_with_memos(govern, stocked, steward, project, carol):
    treasury = stocked
    line, expires = appropriate(govern, treasury, steward, ZERO, 3 * ETHER)
    assert line == 1
    assert treasury.budgetLineCount() == 1
    assert treasury.budgetLine(line) == ("祭り / festival", steward, ZERO, 3 * ETHER, 0, expires, False)
    project_before, carol_before = project.balance(), carol.balance()

    tx = treasury.spend(line, project, ETHER, "提灯 / lanterns", {"from": steward})
    assert tx.events["BudgetLineSpent"][0].values() == [
        line,
        project,
        ZERO,
        ETHER,
        3 * ETHER,
        2 * ETHER,
        9 * ETHER,
        "提灯 / lanterns",
    ]
    tx = treasury.spend(line, carol, ETHER // 2, "太鼓 / drums", {"from": steward})
    assert tx.events["BudgetLineSpent"][0].values() == [
        line,
        carol,
        ZERO,
        ETHER // 2,
        2 * ETHER,
        3 * ETHER // 2,
        17 * ETHER // 2,
        "太鼓 / drums",
    ]
    assert project.balance() == project_before + ETHER
    assert carol.balance() == carol_before + ETHER // 2
    assert treasury.remaining(line) == 3 * ETHER // 2
    assert treasury.budgetLine(line)[4] == 3 * ETHER // 2

    with reverts("TreasuryBudgetExceeded", line, 2 * ETHER, 3 * ETHER // 2):
        treasury.spend(line, project, 2 * ETHER, "too much", {"from": steward})
    treasury.spend(line, project, 3 * ETHER // 2, "the rest", {"from": steward})  # exactly what is left
    assert treasury.remaining(line) == 0
    with reverts("TreasuryBudgetExceeded", line, 1, 0):
        treasury.spend(line, project, 1, "one wei more", {"from": steward})
    assert treasury.balance() == 7 * ETHER


def test_token_budget_line(govern, stocked, mock, steward, project):
    treasury = stocked
    line, _ = appropriate(govern, treasury, steward, mock.address, 400 * TOKEN)
    tx = treasury.spend(line, project, 150 * TOKEN, "のぼり旗", {"from": steward})
    assert tx.events["BudgetLineSpent"][0].values() == [
        line,
        project,
        mock,
        150 * TOKEN,
        400 * TOKEN,
        250 * TOKEN,
        850 * TOKEN,
        "のぼり旗",
    ]
    assert mock.balanceOf(project) == 150 * TOKEN
    assert mock.balanceOf(treasury) == 850 * TOKEN
    assert treasury.balance() == 10 * ETHER  # the ETH is untouched


def test_spend_checks_who_when_and_what(govern, stocked, steward, project, alice, as_owner):
    treasury = stocked
    line, _expires = appropriate(govern, treasury, steward, ZERO, 3 * ETHER)
    with reverts("TreasuryUnknownBudgetLine", 2):
        treasury.spend(2, project, 1, "", {"from": steward})
    with reverts("TreasuryUnknownBudgetLine", 0):
        treasury.spend(0, project, 1, "", {"from": steward})
    with reverts("TreasuryUnknownBudgetLine", 7):
        treasury.remaining(7)
    with reverts("TreasuryUnknownBudgetLine", 7):
        treasury.budgetLine(7)
    for intruder in (alice, as_owner):  # not even the owner spends a steward's line
        with reverts("TreasuryNotSteward", line, intruder):
            treasury.spend(line, intruder, ETHER, "", {"from": intruder})
    with reverts("TreasuryZeroAddress"):
        treasury.spend(line, ZERO, ETHER, "", {"from": steward})
    with reverts("TreasuryZeroAmount"):
        treasury.spend(line, project, 0, "", {"from": steward})
    assert treasury.remaining(line) == 3 * ETHER
    assert treasury.balance() == 10 * ETHER


def test_expired_line_cannot_be_spent(govern, stocked, steward, project):
    treasury = stocked
    line, expires = appropriate(govern, treasury, steward, ZERO, ETHER, days=1)
    treasury.spend(line, project, ETHER // 4, "", {"from": steward})
    advance(expires - chain.time() + 1)
    assert treasury.remaining(line) == 0
    with reverts("TreasuryBudgetLineExpired", line, expires):
        treasury.spend(line, project, ETHER // 4, "", {"from": steward})
    assert treasury.budgetLine(line)[4] == ETHER // 4


def test_cancelled_line_cannot_be_spent(govern, stocked, steward, project, as_owner):
    treasury = stocked
    line, _ = appropriate(govern, treasury, steward, ZERO, 2 * ETHER)
    treasury.spend(line, project, ETHER // 2, "", {"from": steward})
    tx = govern((treasury, "cancelBudgetLine", line), description="cancel line")
    assert tx.events["BudgetLineCancelled"][0].values() == [line, 3 * ETHER // 2]
    assert treasury.budgetLine(line)[6] is True
    assert treasury.remaining(line) == 0
    with reverts("TreasuryBudgetLineCancelled", line):
        treasury.spend(line, project, 1, "", {"from": steward})
    with reverts("TreasuryBudgetLineCancelled", line):
        treasury.cancelBudgetLine(line, {"from": as_owner})
    with reverts("TreasuryUnknownBudgetLine", line + 1):
        treasury.cancelBudgetLine(line + 1, {"from": as_owner})


def test_line_with_more_than_the_treasury_holds_fails_at_spending(govern, stocked, mock, steward, project):
    treasury = stocked
    line, _ = appropriate(govern, treasury, steward, ZERO, 20 * ETHER)
    with reverts("TreasuryInsufficientBalance", ZERO, 15 * ETHER, 10 * ETHER):
        treasury.spend(line, project, 15 * ETHER, "", {"from": steward})
    token_line, _ = appropriate(govern, treasury, steward, mock.address, 5_000 * TOKEN)
    with reverts("TreasuryInsufficientBalance", mock, 1_500 * TOKEN, 1_000 * TOKEN):
        treasury.spend(token_line, project, 1_500 * TOKEN, "", {"from": steward})
    assert treasury.remaining(line) == 20 * ETHER  # nothing was booked


def test_appropriation_arguments_are_checked(stocked, steward, as_owner, governor, timelock, members):
    treasury = stocked
    with reverts("TreasuryZeroAddress"):
        treasury.appropriate("x", ZERO, ZERO, ETHER, chain.time() + DAY, {"from": as_owner})
    with reverts("TreasuryZeroAmount"):
        treasury.appropriate("x", steward, ZERO, 0, chain.time() + DAY, {"from": as_owner})
    now = chain[-1].timestamp
    with reverts("TreasuryInvalidExpiry", now):
        treasury.appropriate("x", steward, ZERO, ETHER, now, {"from": as_owner})

    # through governance: an expiry that was in the future when proposed but passed before execution
    late = chain.time() + 300
    proposal = proposal_of(
        (treasury, "appropriate", "x", steward.address, ZERO, ETHER, late), description="expires before execution"
    )
    pass_proposal(governor, timelock, members, proposal, execute=False)
    with reverts("TreasuryInvalidExpiry", late):
        execute(governor, proposal, members[0])
    assert treasury.budgetLineCount() == 0


# ------------------------------------------------------------------------------------------------ deposits


def test_deposits_are_recorded_with_the_balance_after(treasury, mock, bob, deployer):
    start = treasury.balance()  # another test's module fixture may have funded it already
    tx = deployer.transfer(treasury, 3 * ETHER)
    assert tx.events["Deposited"][0].values() == [ZERO, deployer, 3 * ETHER, start + 3 * ETHER]
    tx = bob.transfer(treasury, ETHER)
    assert tx.events["Deposited"][0].values() == [ZERO, bob, ETHER, start + 4 * ETHER]
    assert treasury.balance() == start + 4 * ETHER

    mock.mint(bob, 500 * TOKEN, {"from": bob})
    mock.approve(treasury, 500 * TOKEN, {"from": bob})
    tx = treasury.deposit(mock, 200 * TOKEN, {"from": bob})
    assert tx.events["Deposited"][0].values() == [mock, bob, 200 * TOKEN, 200 * TOKEN]
    tx = treasury.deposit(mock, 300 * TOKEN, {"from": bob})
    assert tx.events["Deposited"][0].values() == [mock, bob, 300 * TOKEN, 500 * TOKEN]
    assert mock.balanceOf(treasury) == 500 * TOKEN
    assert mock.balanceOf(bob) == 0


def test_a_fee_on_transfer_deposit_records_what_arrived(treasury, bob):
    """The books count what the treasury received: a token that takes 1 % on transfer delivers 99 of 100."""
    from brownie import FeeOnTransferERC20

    fee = FeeOnTransferERC20.deploy({"from": bob})
    fee.mint(bob, 100, {"from": bob})
    fee.approve(treasury, 100, {"from": bob})
    tx = treasury.deposit(fee, 100, {"from": bob})
    assert tx.events["Deposited"][0].values() == [fee, bob, 99, 99]
    assert fee.balanceOf(treasury) == 99


def test_deposit_arguments_are_checked(treasury, mock, bob):
    mock.mint(bob, 10, {"from": bob})
    with reverts("TreasuryZeroAddress"):
        treasury.deposit(ZERO, 10, {"from": bob})
    with reverts("TreasuryZeroAmount"):
        treasury.deposit(mock, 0, {"from": bob})
    with reverts("ERC20InsufficientAllowance", treasury, 0, 10):
        treasury.deposit(mock, 10, {"from": bob})


# ------------------------------------------------------------------------------------------------ reentrancy


@pytest.fixture
def attacker(deployer: Any, treasury: Any) -> Any:
    return ReentrantSteward.deploy(treasury, {"from": deployer})


def test_steward_contract_reentering_spend_is_stopped(govern, stocked, attacker):
    treasury = stocked
    line, _ = appropriate(govern, treasury, attacker, ZERO, 3 * ETHER)

    attacker.arm(1, line, ETHER, {"from": accounts[0]})  # Mode.Reenter
    with reverts("ReentrancyGuardReentrantCall"):
        attacker.spendToSelf(line, ETHER, "first", {"from": accounts[0]})
    assert treasury.balance() == 10 * ETHER
    assert attacker.balance() == 0
    assert treasury.remaining(line) == 3 * ETHER

    attacker.arm(2, line, ETHER, {"from": accounts[0]})  # Mode.ReenterAndCatch: the outer spend goes through alone
    tx = attacker.spendToSelf(line, ETHER, "first", {"from": accounts[0]})
    assert len(tx.events["BudgetLineSpent"]) == 1
    assert bytes(attacker.lastReentryError()) == REENTRANT_CALL
    assert attacker.reentryAttempts() == 1
    assert attacker.receiveCount() == 1
    assert attacker.balance() == ETHER
    assert treasury.balance() == 9 * ETHER
    assert treasury.remaining(line) == 2 * ETHER


def test_payment_recipient_reentering_during_pay_is_stopped(governor, timelock, members, stocked, attacker):
    """`pay` shares the guard: a recipient that re-enters `spend` (on a line it stewards) while being paid fails."""
    treasury = stocked
    attacker.arm(1, 1, ETHER, {"from": accounts[0]})  # line 1 is appropriated by the same proposal, before the pay
    proposal = proposal_of(
        (treasury, "appropriate", "x", attacker.address, ZERO, 3 * ETHER, chain.time() + 30 * DAY),
        (treasury, "pay", ZERO, attacker.address, ETHER, "grant"),
        description="grant to a contract",
    )
    pass_proposal(governor, timelock, members, proposal, execute=False)
    with reverts("ReentrancyGuardReentrantCall"):
        execute(governor, proposal, members[0])
    assert treasury.balance() == 10 * ETHER
    assert attacker.balance() == 0
    assert treasury.budgetLineCount() == 0

    attacker.arm(2, 1, ETHER, {"from": accounts[0]})
    tx = execute(governor, proposal, members[0])
    assert len(tx.events["Paid"]) == 1
    assert "BudgetLineSpent" not in tx.events
    assert bytes(attacker.lastReentryError()) == REENTRANT_CALL
    assert attacker.balance() == ETHER
    assert treasury.balance() == 9 * ETHER
    assert treasury.remaining(1) == 3 * ETHER


# ------------------------------------------------------------------------------------------------ books


def test_books_rebuilt_from_events_match_balances(govern, stocked, mock, steward, project, bob, carol, deployer):
    treasury = stocked  # 10 ETH deposited through receive(); 1,000 mock minted straight in (no event)
    bob.transfer(treasury, 2 * ETHER)
    mock.mint(bob, 500 * TOKEN, {"from": bob})
    mock.approve(treasury, 500 * TOKEN, {"from": bob})
    treasury.deposit(mock, 500 * TOKEN, {"from": bob})
    eth_line, _ = appropriate(govern, treasury, steward, ZERO, 3 * ETHER)
    tok_line, _ = appropriate(govern, treasury, steward, mock.address, 200 * TOKEN)
    govern(
        (treasury, "pay", ZERO, project.address, ETHER, "p1"),
        (treasury, "pay", mock.address, project.address, 100 * TOKEN, "p2"),
        description="payments",
    )
    treasury.spend(eth_line, carol, ETHER, "s1", {"from": steward})
    treasury.spend(eth_line, project, ETHER // 2, "s2", {"from": steward})
    treasury.spend(tok_line, carol, 50 * TOKEN, "s3", {"from": steward})
    treasury.spend(tok_line, project, 70 * TOKEN, "s4", {"from": steward})
    deployer.transfer(treasury, ETHER // 10)

    contract = w3c(treasury)
    logs = []
    for name, sign in (("Deposited", 1), ("Paid", -1), ("BudgetLineSpent", -1)):
        for log in getattr(contract.events, name).get_logs(from_block=0):
            logs.append((log["blockNumber"], log["logIndex"], sign, log["args"]))
    logs.sort(key=lambda item: item[:2])
    assert len(logs) == 1 + 1 + 1 + 2 + 4 + 1

    books: dict[str, int] = {}
    opening = {mock.address: 1_000 * TOKEN}  # the only movement no treasury event records: a direct mint
    for _block, _index, sign, args in logs:
        token = args["token"]
        books[token] = books.get(token, opening.get(token, 0)) + sign * args["amount"]
        assert books[token] == args["balanceAfter"], f"running balance disagrees at {args}"
    assert books[ZERO] == treasury.balance() == 10 * ETHER + 2 * ETHER - ETHER - 3 * ETHER // 2 + ETHER // 10
    assert books[mock.address] == mock.balanceOf(treasury) == (1_000 + 500 - 100 - 50 - 70) * TOKEN
