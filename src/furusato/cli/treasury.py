"""`furusato treasury fund`: send ETH to the deployment's Treasury (a sending command)."""

from __future__ import annotations

import click

from furusato.cli.options import ADDRESS, Deployment, Sending, echo_tx, sending_options


@click.group()
def treasury() -> None:
    """The DAO's treasury (owned by the timelock: only passed proposals pay out of it)."""


@treasury.command("fund")
@click.option("--amount", required=True, metavar="AMOUNT",
              help='How much to send, in whole ETH or whole tokens ("1.5").')  # fmt: skip
@click.option("--token", type=ADDRESS, help="An ERC-20 to deposit instead of ETH (its address).")
@sending_options(dry_run=True)
def treasury_fund(amount: str, token: str | None, deployment: Deployment, sending: Sending) -> None:
    """Send --amount ETH (or --amount of the ERC-20 --token) from the signing account to the Treasury, which
    records it (a `Deposited` event, in the transparency report's books); print the transactions and the treasury's
    new balance.

    A token takes two transactions: the token's `approve(treasury, amount)` for exactly the amount, then the
    Treasury's `deposit(token, amount)`, which pulls it. Run again after a stop between them: the approval is found
    and only the deposit is sent. (A plain token transfer arrives too, but is not recorded as a deposit.)
    """
    from furusato import treasury as t

    # a malformed amount is named before the keystore's password is asked (a token's decimals come from the chain)
    if token is None:
        value = t.parse_amount(amount)
    else:
        t.check_token_amount(amount)
    s = deployment.session
    sender = sending.sender(s)
    plan: t.Funding | t.TokenFunding
    if token is None:
        plan = t.plan_funding(s.w3, s.dao.treasury, sender.address, value)
    else:
        plan = t.plan_token_funding(s.w3, s.dao.treasury, token, sender.address, amount)
    click.echo("\n".join(plan.lines()))
    if sending.dry_run:
        click.echo("dry run: nothing was sent")
        return
    sending.confirm(f"Deposit {plan.show(plan.amount)} into the treasury on '{s.network}'?")
    if isinstance(plan, t.Funding):
        deposit = t.fund_treasury(s.w3, s.dao.treasury, sender, plan)
    else:
        deposit = t.fund_treasury_token(s.w3, s.dao.treasury, sender, plan, s.dao.decoder)
    if deposit.approval is not None:
        echo_tx(f"approved the treasury for {plan.show(plan.amount)}", deposit.approval)
    echo_tx(f"deposited {plan.show(deposit.amount)}", deposit.receipt)
    click.echo(f"treasury {plan.treasury}: {plan.show(deposit.balance_after)} now")


COMMANDS: list[click.Command] = [treasury]
