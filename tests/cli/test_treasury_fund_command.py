"""`furusato treasury fund --amount ETH`: a deposit the Treasury records (its `Deposited` event), the treasury's new
balance printed; a zero, negative, malformed or too large amount is refused before anything is sent; --dry-run
sends nothing."""

from __future__ import annotations

import pytest
from brownie import accounts, web3

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
