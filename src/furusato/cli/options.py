"""The options every command family shares, each resolving to the object a command means (the way ape's
``account_option`` does): ``--network``/``--deployments`` to a :class:`Deployment` (opened on first use, closed with
the command), the account options to a :class:`~furusato.accounts.SignerChoice`, ``--yes``/``--dry-run`` to a
:class:`Sending`, ``--tz`` to a time zone. Families import this module and the core, never each other or the root.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from furusato.accounts import SignerChoice

if TYPE_CHECKING:
    from furusato.chain import Sender
    from furusato.portal.app import PortalSettings
    from furusato.relayer.core import Relayer
    from furusato.session import Session

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Context:
    """What the root group resolves for every command: the furusato-dao checkout it works in."""

    root: Path


def project_root() -> Path:
    """The checkout of the running command (the root group's ``--project``)."""
    return click.get_current_context().find_object(Context).root  # type: ignore[union-attr]


def _resolving(fn: F, names: tuple[str, ...], build: Callable[..., Any], target: str) -> F:
    """Wrap ``fn`` so the click parameters ``names`` arrive as one keyword ``target`` built by ``build``."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = {name: kwargs.pop(name) for name in names}
        return fn(*args, **{target: build(**values)}, **kwargs)

    return wrapper  # type: ignore[return-value]


# ------------------------------------------------------------------------------------------------ deployment


@dataclass
class Deployment:
    """The deployment a command works on: a network name and the folder of deployment records. The session opens
    on first use and closes when the command ends (stopping a development chain the command started)."""

    network: str
    records_dir: Path | None
    root: Path
    _session: Session | None = field(default=None, repr=False)

    @property
    def session(self) -> Session:
        """The deployment opened for reading and sending."""
        return self._open(read_only=False)

    @property
    def reader(self) -> Session:
        """The deployment opened for reading only (no web3.py import: a read command answers quickly)."""
        return self._open(read_only=True)

    def _open(self, *, read_only: bool) -> Session:
        if self._session is None:
            from furusato.session import open_session

            self._session = open_session(self.network, self.root, self.records_dir, read_only=read_only)
            ctx = click.get_current_context(silent=True)
            if ctx is not None:
                ctx.call_on_close(self._session.close)
        return self._session

    @property
    def folder(self) -> Path:
        return self.records_dir or self.root / "deployments"


network_option = click.option(
    "--network",
    default="development",
    show_default=True,
    help="Brownie network name (see `brownie networks list`); `development` is the embedded Anvil.",
)
records_option = click.option(
    "--deployments",
    "records_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of deployment records (default: the project's deployments/).",
)


def deployment_options(fn: F) -> F:
    """--network and --deployments, resolved to ``deployment: Deployment``."""
    wrapped = _resolving(
        fn,
        ("network", "records_dir"),
        lambda network, records_dir: Deployment(network, records_dir, project_root()),
        "deployment",
    )
    return network_option(records_option(wrapped))


# ------------------------------------------------------------------------------------------------ accounts


def signer_options(fn: F, *, dev_help: str = "Development network only: which Anvil account signs.") -> F:
    """--keystore, --account, --password-file and --dev-account, resolved to ``signer: SignerChoice``."""
    wrapped = _resolving(
        fn,
        ("keystore", "account_id", "password_file", "dev_index"),
        SignerChoice,
        "signer",
    )
    password_help = "File holding the keystore password, for unattended runs (else FURUSATO_PASSWORD_FILE or a prompt)."  # noqa: S105
    for option in (
        click.option("--dev-account", "dev_index", type=int, default=0, show_default=True, help=dev_help),
        click.option("--password-file", type=click.Path(dir_okay=False, path_type=Path), help=password_help),
        click.option("--account", "account_id", help="Brownie account id (`brownie accounts new ID`)."),
        click.option(
            "--keystore", type=click.Path(dir_okay=False, path_type=Path), help="Keystore (V3 JSON) to sign with."
        ),
    ):
        wrapped = option(wrapped)
    return wrapped


# ------------------------------------------------------------------------------------------------ sending


@dataclass(frozen=True)
class Sending:
    """Who signs and how the command may send: ``--yes`` skips the question, ``--dry-run`` sends nothing."""

    signer: SignerChoice
    yes: bool = False
    dry_run: bool = False

    def sender(self, session: Session) -> Sender:
        return session.sender(self.signer)

    def confirm(self, question: str) -> None:
        """Ask ``question`` unless --yes or --dry-run; refuse without a terminal (unattended runs pass --yes)."""
        if self.yes or self.dry_run:
            return
        if not sys.stdin.isatty():
            raise click.UsageError("not on a terminal: pass --yes to send without confirmation")
        click.confirm(question, abort=True)

    def approve(self, session: Session, preview: Iterable[str], action: str) -> Sender | None:
        """Print ``preview``; with --dry-run say nothing was sent and return None; otherwise ask whether to do
        ``action`` (unless --yes) and return the sender. The signer is opened only when something is sent."""
        for line in preview:
            click.echo(line)
        if self.dry_run:
            click.echo("dry run: nothing was sent")
            return None
        sender = self.sender(session)
        self.confirm(f"{action} from {sender.address} on '{session.network}'?")
        return sender


def sending_options(*, dry_run: bool) -> Callable[[F], F]:
    """A sending command's options — network and records (``deployment``), accounts, --yes and, when the command
    has one, --dry-run — resolved to ``deployment: Deployment`` and ``sending: Sending``."""

    def decorate(fn: F) -> F:
        names = ("signer", "yes", "dry_run") if dry_run else ("signer", "yes")
        wrapped = _resolving(fn, names, Sending, "sending")
        if dry_run:
            dry_help = "Read the chain and say what would be sent; send nothing."
            wrapped = click.option("--dry-run", is_flag=True, help=dry_help)(wrapped)
        wrapped = click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")(wrapped)
        return deployment_options(signer_options(wrapped))

    return decorate


# ------------------------------------------------------------------------------------------------ time


def _zone(_ctx: click.Context, _param: click.Parameter, value: str) -> dt.tzinfo:
    from furusato.units import parse_tz

    return parse_tz(value)


class AddressParam(click.ParamType[str, Any]):
    """An address argument or option, resolved to its EIP-55 checksum form. A mixed-case address whose checksum is
    wrong is refused (a typo the checksum caught) before anything opens, as is anything that is not 40 hex digits."""

    name = "address"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from furusato.abi import address_problem, to_checksum_address

        problem = address_problem(value)
        if problem:
            self.fail(f"{value!r} {problem}", param, ctx)
        return to_checksum_address(str(value))


ADDRESS = AddressParam()


def tz_option(fn: F) -> F:
    """--tz, resolved to ``tz``: a tzinfo (JST, UTC, +09:00, Asia/Tokyo)."""
    return click.option(
        "--tz", default="JST", show_default=True, callback=_zone,
        help="Time zone for times: JST, UTC, +09:00, Asia/Tokyo.",
    )(fn)  # fmt: skip


def reading_options(fn: F) -> F:
    """A read command's options: ``deployment`` and ``tz``."""
    return deployment_options(tz_option(fn))


# ------------------------------------------------------------------------------------------------ relayer and portal


def open_relayer(s: Session, signer: SignerChoice, log_path: Path | None, daily_gas: int, tz: dt.tzinfo,
                 **settings: Any) -> Relayer:  # fmt: skip
    """The gasless relayer of a command (``relayer batch``, ``relayer serve``, ``portal serve``), paying from
    ``signer``: its journal at ``log_path`` (default ``relayer-<network>.jsonl`` in the checkout), at most
    ``daily_gas`` a day in ``tz``, other :class:`~furusato.relayer.core.RelayerSettings` as given; its lines go to
    the terminal."""
    from furusato.relayer.core import Relayer, RelayerSettings

    path = log_path or s.root / f"relayer-{s.network}.jsonl"
    relayer_settings = RelayerSettings(log_path=path, daily_gas_cap=daily_gas, tz=tz, **settings)
    return Relayer(s.dao, s.sender(signer), relayer_settings, log=click.echo)


def serve_portal(s: Session, relayer: Relayer | None, host: str, port: int, settings: PortalSettings,
                 announce: Callable[[str], str]) -> None:  # fmt: skip
    """Serve the portal of session ``s`` (read-only when ``relayer`` is None) on ``host:port`` until Ctrl-C;
    ``announce(url)`` is the line printed once the port is bound. The wallet's RPC URL defaults to the node's."""
    from furusato.portal import create_app
    from furusato.portal.server import serve

    settings.rpc_url = settings.rpc_url or s.conn.url
    settings.chain_name = f"furusato {s.network}"
    serve(create_app(s.dao, relayer, settings), host, port, lambda url: click.echo(announce(url)))
    click.echo("stopped")


# ------------------------------------------------------------------------------------------------ output


def echo_tx(label: str, receipt: Any) -> None:
    """One line for a mined transaction: what it did, its hash, block and gas."""
    click.secho(f"{label}: tx {receipt['transactionHash'].to_0x_hex()} (block {receipt['blockNumber']}, "
                f"gas {receipt['gasUsed']:,})", fg="green")  # fmt: skip
