"""One session: a connection to a network, the deployment record found for it, and every contract of the deployment.

Every door opens a deployment here — the `furusato` commands, the `brownie run` scripts, the demo, the relayer and
the bench — so the checks happen once, in one order: the network name is known, the record exists, the node is
the record's chain, and the record's contracts have code there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from furusato.errors import ChainError
from furusato.networks import Connection, connect, find_network
from furusato.records import DeploymentRecord, read_record, record_path

if TYPE_CHECKING:
    from web3 import Web3
    from web3.contract import Contract

    from furusato.accounts import SignerChoice
    from furusato.artifacts import Artifacts
    from furusato.chain import Sender
    from furusato.proposals.dao import Dao


@dataclass
class Session:
    """An opened deployment. Close it (or use it as a context manager) to stop a chain the connection started."""

    conn: Connection
    record: DeploymentRecord
    records_dir: Path
    root: Path
    artifacts: Artifacts
    dao: Dao

    @property
    def w3(self) -> Web3:
        return self.dao.w3

    @property
    def network(self) -> str:
        return self.conn.network

    @property
    def development(self) -> bool:
        return self.conn.development

    def contract(self, name: str, address: str | None = None) -> Contract:
        """Contract ``name`` (an artifact) at ``address``, or the deployment's own one; its errors join the decoder."""
        from web3 import Web3

        from furusato.abi import error_selectors

        abi = self.dao.abi_of(name)
        self.dao.decoder.add(error_selectors([abi]))
        where = Web3.to_checksum_address(address) if address else self.record.address(name)
        if not self.w3.eth.get_code(where):
            raise ChainError(f"no contract at {where} on '{self.network}'")
        return self.w3.eth.contract(address=where, abi=abi)

    def registry(self) -> Contract:
        """The deployment's ResidentRegistry; a clear error when the deployment has none."""
        if self.dao.registry is None:
            raise ChainError(
                f"the deployment on '{self.network}' has no ResidentRegistry (a `registry:` section in the deploy "
                "config)"
            )
        return self.dao.registry

    def rewards(self) -> Contract:
        """The deployment's ActivityRewards; a clear error when the deployment has none."""
        if self.dao.rewards is None:
            raise ChainError(f"the deployment on '{self.network}' has no ActivityRewards")
        return self.dao.rewards

    def sender(self, choice: SignerChoice) -> Sender:
        """The account that signs, as ``choice`` names it (keystores only on live networks)."""
        if self.conn.read_only:
            raise ChainError("this session only reads: open it with read_only=False to send")
        return choice.sender(self.w3, self.network, self.development)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_session(
    network: str,
    root: Path,
    records_dir: Path | None = None,
    *,
    connection: Connection | None = None,
    artifacts: Artifacts | None = None,
    read_only: bool = False,
) -> Session:
    """Open the deployment recorded for ``network`` in ``records_dir`` (default: the project's ``deployments/``).

    Checks, in order: the network is known (else the nearest names), the record exists, then connects (or uses
    ``connection``), the node is the record's chain and each recorded contract has code. A ``read_only`` session
    reads through :class:`furusato.rpc.ReadWeb3` (a command that only reads starts in a fraction of the time) and
    cannot send.
    """
    from furusato.artifacts import Artifacts
    from furusato.proposals.dao import load_dao

    net = find_network(network, root) if connection is None else None  # a typo is named before "no record"
    folder = records_dir or root / "deployments"
    record = read_record(record_path(folder, network))
    conn = connection or connect(net or network, root, read_only=read_only)
    try:
        arts = artifacts or Artifacts(root)
        dao = load_dao(conn.w3, record, arts)
    except BaseException:
        conn.close()
        raise
    return Session(conn=conn, record=record, records_dir=folder, root=root, artifacts=arts, dao=dao)


def session_over(
    w3: Any, record: DeploymentRecord, root: Path, *, development: bool, artifacts: Artifacts | None = None
) -> Session:
    """A session over a connection someone else owns (the demo's or a test's chain): closing it stops nothing."""
    from furusato.artifacts import Artifacts
    from furusato.proposals.dao import load_dao

    arts = artifacts or Artifacts(root)
    conn = Connection(w3, record.network, development)
    return Session(conn, record, root / "deployments", root, arts, load_dao(w3, record, arts))
