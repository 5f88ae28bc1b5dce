"""`furusato account new`: a keystore for a live network (the deployer, the town staff, the coordinator)."""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
def account() -> None:
    """Keystores: the accounts that sign on a live network."""


@account.command("new")
@click.argument("keystore", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--password-file", type=click.Path(dir_okay=False, path_type=Path),
              help="File holding the new password, for unattended runs (else FURUSATO_PASSWORD_FILE or asked "
                   "twice).")  # fmt: skip
def account_new(keystore: Path, password_file: Path | None) -> None:
    """Create a new account and write it to KEYSTORE (a V3 keystore JSON, readable by you only); print its address.

    The password is asked twice (or read from --password-file / FURUSATO_PASSWORD_FILE). An existing file is never
    replaced. Pass the file to any command with --keystore; back it up with its password: nobody can recover it.
    """
    from furusato.accounts import check_new_keystore, new_keystore, read_new_password

    check_new_keystore(keystore)  # before the password is asked
    address = new_keystore(keystore, read_new_password(password_file))
    click.echo(f"new account {address} written to {keystore}")
    click.echo("fund it with ETH for gas before it sends (on a testnet: a faucet)", err=True)


COMMANDS: list[click.Command] = [account]
