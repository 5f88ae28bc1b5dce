"""`furusato treasury fund --amount ETH` and `--token ERC20`: a deposit the Treasury records (its `Deposited` event),
the treasury's new balance printed; a zero, negative, malformed or too large amount, or a token that is not an ERC-20,
is refused before anything is sent; --dry-run sends nothing; a token deposit stopped after its approval resumes
with the deposit alone."""

from __future__ import annotations

import pytest
from brownie import MockERC20, accounts, web3

from furusato.units import format_units

ETHER = 10**18


def test_treasury_fund_deposits_eth_and_prints_the_new_balance(cli, dao):
    treasury = dao.treasury.address
    before = web3.eth.get_balance(treasury)
    funded = cli("treasury", "fund", "--amount", "1.5", dev=3)
    assert funded.exit_code == 0, funded.output
    assert web3.eth.get_balance(treasury) == before + 15 * ETHER // 10
    assert "deposited 1.5 ETH: tx 0x" in funded.output
    assert f"treasury {treasury}: {format_units(before + 15 * ETHER // 10)} ETH now" in funded.output
    deposits = dao.treasury.events.Deposited.get_logs(from_block=web3.eth.block_number)
    assert [(d.args.token, d.args["from"], d.args.amount) for d in deposits] == [
        ("0x" + "00" * 20, accounts[3].address, 15 * ETHER // 10)
    ]


@pytest.mark.parametrize(
    ("amount", "says"),
    [
        ("0", "'0' must be positive"),
        ("-1", "must be positive"),
        ("1,5", "is not a number"),
        ("abc", "is not a number"),
        ("0.0000000000000000001", "more than 18 decimal places"),
        ("1000000000", "is more than the balance of"),
    ],
)
def test_treasury_fund_refuses_a_bad_amount_before_sending(cli, dao, amount, says):
    treasury = dao.treasury.address
    before = web3.eth.get_balance(treasury)
    nonce = web3.eth.get_transaction_count(accounts[3].address)
    refused = cli("treasury", "fund", "--amount", amount, dev=3)
    assert refused.exit_code == 2, refused.output
    assert "--amount" in refused.output
    assert says in refused.output
    assert "Traceback" not in refused.output
    assert web3.eth.get_balance(treasury) == before
    assert web3.eth.get_transaction_count(accounts[3].address) == nonce


def test_treasury_fund_dry_run_sends_nothing(cli, dao):
    treasury = dao.treasury.address
    before = web3.eth.get_balance(treasury)
    nonce = web3.eth.get_transaction_count(accounts[3].address)
    dry = cli("treasury", "fund", "--amount", "2", "--dry-run", dev=3)
    assert dry.exit_code == 0, dry.output
    assert f"send 2 ETH from {accounts[3].address}" in dry.output
    assert "dry run: nothing was sent" in dry.output
    assert web3.eth.get_balance(treasury) == before
    assert web3.eth.get_transaction_count(accounts[3].address) == nonce


def test_treasury_fund_names_a_bad_amount_before_the_keystore_is_opened(cli, tmp_path):
    refused = cli("treasury", "fund", "--amount", "1.5 ETH", "--keystore", str(tmp_path / "missing.json"), "--yes")
    assert refused.exit_code == 2
    assert "--amount: '1.5 ETH' is not a number" in refused.output
    assert "keystore" not in refused.output


def test_treasury_fund_keeps_the_gas_back_where_gas_costs(start_anvil):
    """On a chain with a base fee (Anvil's default, as a testnet), sending the whole balance is refused: the gas
    could not be paid. Nothing is sent by the check."""
    from web3 import HTTPProvider, Web3

    from furusato.errors import InputError
    from furusato.treasury import plan_funding

    w3 = Web3(HTTPProvider(start_anvil()))
    sender = Web3.to_checksum_address("0x" + "ab" * 20)
    w3.provider.make_request("anvil_setBalance", [sender, hex(ETHER)])
    treasury = w3.eth.contract(address=Web3.to_checksum_address("0x" + "cd" * 20), abi=[])
    with pytest.raises(InputError, match=r"leaves too little of .*'s 1 ETH for the gas \(up to 0\.0000"):
        plan_funding(w3, treasury, sender, ETHER)
    funding = plan_funding(w3, treasury, sender, ETHER // 2)
    assert 0 < funding.max_gas_cost < ETHER // 1000
    assert funding.sender_balance == ETHER
    assert w3.eth.get_transaction_count(sender) == 0


# ------------------------------------------------------------------------------------------------ ERC-20


@pytest.fixture
def jpyc(deployer):
    """A yen stablecoin stand-in; account 3 holds 1,000 of it."""
    token = MockERC20.deploy("Yen Coin", "JPYC", {"from": deployer})
    token.mint(accounts[3], 1_000 * ETHER, {"from": deployer})
    return token


def _deposits(dao, token):
    logs = dao.treasury.events.Deposited.get_logs(from_block=0)
    return [(d.args["from"], d.args.amount, d.args.balanceAfter) for d in logs if d.args.token == token.address]


def test_treasury_fund_deposits_a_token_with_an_exact_approval(cli, dao, jpyc):
    treasury = dao.treasury.address
    nonce = web3.eth.get_transaction_count(accounts[3].address)
    funded = cli("treasury", "fund", "--token", jpyc.address, "--amount", "250.5", dev=3)
    assert funded.exit_code == 0, funded.output
    amount = 2505 * ETHER // 10
    assert "1. approve the treasury to take exactly 250.5 JPYC (its allowance now: 0 JPYC); 2. deposit" in funded.output
    assert "approved the treasury for 250.5 JPYC: tx 0x" in funded.output
    assert "deposited 250.5 JPYC: tx 0x" in funded.output
    assert f"treasury {treasury}: 250.5 JPYC now" in funded.output
    assert jpyc.balanceOf(treasury) == amount
    assert jpyc.balanceOf(accounts[3]) == 1_000 * ETHER - amount
    assert jpyc.allowance(accounts[3], treasury) == 0  # exactly the amount was approved, and it was taken
    assert _deposits(dao, jpyc) == [(accounts[3].address, amount, amount)]
    assert web3.eth.get_transaction_count(accounts[3].address) == nonce + 2


def test_a_token_deposit_stopped_after_its_approval_resumes_with_the_deposit(cli, dao, jpyc):
    jpyc.approve(dao.treasury, 100 * ETHER, {"from": accounts[3]})  # the first run's approval, then it stopped
    nonce = web3.eth.get_transaction_count(accounts[3].address)
    resumed = cli("treasury", "fund", "--token", jpyc.address, "--amount", "100", dev=3)
    assert resumed.exit_code == 0, resumed.output
    assert "the treasury may already take 100 JPYC (an earlier approval): deposit only" in resumed.output
    assert "approved" not in resumed.output
    assert web3.eth.get_transaction_count(accounts[3].address) == nonce + 1
    assert _deposits(dao, jpyc) == [(accounts[3].address, 100 * ETHER, 100 * ETHER)]


def test_a_token_deposit_dry_run_sends_nothing(cli, dao, jpyc):
    nonce = web3.eth.get_transaction_count(accounts[3].address)
    dry = cli("treasury", "fund", "--token", jpyc.address, "--amount", "10", "--dry-run", dev=3)
    assert dry.exit_code == 0, dry.output
    assert f"deposit 10 JPYC from {accounts[3].address} (balance 1,000 JPYC;" in dry.output
    assert "dry run: nothing was sent" in dry.output
    assert web3.eth.get_transaction_count(accounts[3].address) == nonce
    assert jpyc.allowance(accounts[3], dao.treasury) == 0


@pytest.mark.parametrize(
    ("token", "amount", "says"),
    [
        ("jpyc", "1000.01", "--amount 1,000.01 JPYC is more than the balance of"),
        ("jpyc", "0.0000000000000000001", "more than 18 decimal places"),
        ("jpyc", "0", "'0' must be positive"),
        ("jpyc", "ten", "is not a number"),
        ("governor", "1", "does not answer decimals(): is it an ERC-20?"),
        ("nobody", "1", "--token: no contract at"),
        ("zero", "1", "the zero address is ETH here"),
    ],
)
def test_a_bad_token_deposit_is_refused_before_anything_is_sent(cli, dao, jpyc, token, amount, says):
    address = {"jpyc": jpyc.address, "governor": dao.governor.address, "nobody": accounts[5].address,
               "zero": "0x" + "00" * 20}[token]  # fmt: skip
    nonce = web3.eth.get_transaction_count(accounts[3].address)
    refused = cli("treasury", "fund", "--token", address, "--amount", amount, dev=3)
    assert refused.exit_code == 2, refused.output
    assert says in refused.output
    assert "Traceback" not in refused.output
    assert web3.eth.get_transaction_count(accounts[3].address) == nonce
    assert jpyc.balanceOf(dao.treasury) == 0


def test_a_token_symbol_is_shown_without_its_control_characters(cli, dao, deployer):
    hostile = MockERC20.deploy("Evil", "EV\x1b[2J\nIL\u202e", {"from": deployer})
    hostile.mint(accounts[3], ETHER, {"from": deployer})
    dry = cli("treasury", "fund", "--token", hostile.address, "--amount", "1", "--dry-run", dev=3)
    assert dry.exit_code == 0, dry.output
    assert "deposit 1 EV[2JIL from" in dry.output
    assert "\x1b" not in dry.output
    assert "\u202e" not in dry.output
