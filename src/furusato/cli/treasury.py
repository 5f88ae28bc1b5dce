"""`furusato treasury fund`: send ETH to the deployment's Treasury (a sending command)."""

from __future__ import annotations

import click

from furusato.cli.options import Deployment, Sending, echo_tx, sending_options


@click.group()
def treasury() -> None:
    """The DAO's treasury (owned by the timelock: only passed proposals pay out of it)."""


@treasury.command("fund")
@click.option("--amount", required=True, metavar="ETH", help='How much ETH to send, in ETH ("1.5").')
@sending_options(dry_run=True)
def treasury_fund(amount: str, deployment: Deployment, sending: Sending) -> None:
    """Send --amount ETH from the signing account to the Treasury, which records it (a `Deposited` event, in the
    transparency report's books); print the transaction and the treasury's new balance.

    ERC-20 tokens: from the holder's wallet call the token's `approve(treasury, amount)`, then the Treasury's
    `deposit(token, amount)` (a plain token transfer arrives too, but is not recorded as a deposit). The Treasury's
    address is in deployments/<network>.json.
    """
    from furusato.treasury import fund_treasury, parse_amount, plan_funding
    from furusato.units import format_units

    value = parse_amount(amount)  # a malformed amount is named before the keystore's password is asked
    s = deployment.session
    sender = sending.sender(s)
    funding = plan_funding(s.w3, s.dao.treasury, sender.address, value)
    click.echo("\n".join(funding.lines()))
    if sending.dry_run:
        click.echo("dry run: nothing was sent")
        return
    sending.confirm(f"Send {format_units(funding.amount)} ETH to the treasury on '{s.network}'?")
    deposit = fund_treasury(s.w3, s.dao.treasury, sender, funding)
    echo_tx(f"deposited {format_units(deposit.amount)} ETH", deposit.receipt)
    click.echo(f"treasury {funding.treasury}: {format_units(deposit.balance_after)} ETH now")


COMMANDS: list[click.Command] = [treasury]
