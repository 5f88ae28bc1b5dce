"""Starting a sale (``furusato sale start``): deploy a TokenSale from a terms file and propose the governance
proposal that starts it — resumable when a run deployed the sale and stopped before proposing it.

A door calls :func:`plan_sale_start` (reads and checks everything, sends nothing), shows the plan's lines, checks
the proposer with :func:`check_proposer`, and — unless it is a dry run — calls :func:`start_sale`.

**Resume.** A deployed but not yet proposed sale is remembered in ``<records>/<network>.pending-sale.json``
(:class:`PendingSale`), keyed by the chain id and the terms file's bytes: relative times like ``in 1 minute`` make
recomputed terms differ, the file does not. The next run with the same file proposes that sale instead of
deploying another one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from web3.types import TxReceipt

from furusato.chain import Sender
from furusato.constants import ETH
from furusato.errors import ChainError
from furusato.membership.sale import (
    check_payment_decimals,
    deploy_sale,
    load_terms,
    payment_decimals,
    sale_at,
    start_proposal,
)
from furusato.membership.sale_view import SaleTerms
from furusato.textio import atomic_write
from furusato.units import format_units, iso_time

if TYPE_CHECKING:
    from furusato.artifacts import Artifacts
    from furusato.proposals.dao import Dao
    from furusato.records import DeploymentRecord

__all__ = ["PendingSale", "SaleStart", "StartedSale", "check_proposer", "plan_sale_start", "start_sale"]


@dataclass(frozen=True)
class PendingSale:
    """A sale `sale start` deployed but has not proposed yet, kept next to the deployment record and keyed by the
    terms file's bytes (relative times like "in 1 minute" make recomputed terms differ, the file does not)."""

    path: Path
    terms_path: Path
    chain_id: int

    @classmethod
    def of(cls, records_dir: Path, network: str, terms_path: Path, chain_id: int) -> PendingSale:
        """The pending-sale journal of ``network``: ``<records_dir>/<network>.pending-sale.json``."""
        return cls(records_dir / f"{network}.pending-sale.json", terms_path, chain_id)

    def _key(self) -> dict[str, Any]:
        return {"chainId": self.chain_id, "termsSha256": hashlib.sha256(self.terms_path.read_bytes()).hexdigest()}

    def sale(self) -> str | None:
        """The pending sale's address when it was deployed from the same file on the same chain, else None."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or {k: data.get(k) for k in ("chainId", "termsSha256")} != self._key():
            return None
        sale = data.get("sale")
        return sale if isinstance(sale, str) else None

    def remember(self, sale: str) -> None:
        """Record ``sale`` as deployed from this terms file and not yet proposed."""
        entry = {**self._key(), "sale": sale, "termsFile": str(self.terms_path)}
        atomic_write(self.path, json.dumps(entry, indent=2) + "\n")

    def forget(self) -> None:
        """The sale was proposed: nothing is pending any more."""
        self.path.unlink(missing_ok=True)


@dataclass(frozen=True)
class SaleStart:
    """What ``sale start`` will do: the checked terms, and the sale to propose (None: deploy a new one)."""

    terms_path: Path
    terms: SaleTerms
    decimals: int  # the payment's decimals (18 for ETH)
    pending: PendingSale
    sale: str | None  # an existing sale to propose: resumed from the journal, or named by the caller
    resumed: bool  # `sale` is the one an earlier run deployed from this file

    def terms_lines(self, network: str) -> list[str]:
        """The terms, for people (printed before anything is sent)."""
        t = self.terms
        pay = "ETH" if t.payment_token == ETH else t.payment_token
        return [
            f"sale of {t.token} on '{network}', proceeds to the Treasury",
            f"price {_units(t.price, self.decimals)} {pay} per token; hard cap {_units(t.hard_cap)}, per buyer "
            f"{_units(t.buyer_cap)}, goal {_units(t.goal)} tokens",
            f"open {iso_time(t.opens_at)} to {iso_time(t.closes_at)}; buyers: "
            + ("registered members only" if t.registry != ETH else "anyone"),
        ]

    def resume_line(self) -> str | None:
        """Why no new sale is deployed, when an earlier run's sale is resumed."""
        if not self.resumed:
            return None
        return (
            f"resuming: the TokenSale an earlier run deployed from {self.terms_path.name} at {self.sale} "
            "is proposed (no new deployment)"
        )

    def proposal_lines(self) -> list[str]:
        """The proposal that starts the sale."""
        target = self.sale or "<the new sale>"
        return [
            f"proposal '{self.terms.description}':",
            f"  RegionToken.excludeFromVoting({target})",
            f"  RegionToken.grantRole(MINTER_ROLE, {target})",
        ]


@dataclass(frozen=True)
class StartedSale:
    """The outcome of :func:`start_sale`."""

    sale: str
    proposal_id: int
    proposed: bool  # False: the same proposal already existed (nothing proposed)


def _units(amount: int, decimals: int = 18) -> str:
    return format_units(amount, decimals, grouping=False)


def plan_sale_start(
    dao: Dao, record: DeploymentRecord, terms_path: Path, records_dir: Path, *, sale: str | None = None
) -> SaleStart:
    """Read and check ``terms_path`` against the deployment (payment decimals, registry), find a sale an earlier
    run deployed from the same file (resume) or check that ``sale`` has exactly these terms. Sends nothing."""
    reg = record.contracts.get("ResidentRegistry")
    terms = load_terms(terms_path, token=dao.token.address, treasury=dao.treasury.address,
                       registry=reg.address if reg else None, now=dao.now())  # fmt: skip
    decimals = payment_decimals(dao.w3, terms.payment_token)
    check_payment_decimals(terms, decimals, terms_path)
    pending = PendingSale.of(records_dir, record.network, terms_path, record.chain_id)
    resumed = pending.sale() if not sale else None
    if sale and not resumed:
        existing = sale_at(dao, sale)
        if tuple(existing.functions.terms().call()) != terms.as_tuple():
            raise ChainError(f"the sale at {existing.address} has other terms than {terms_path.name}")
    return SaleStart(terms_path, terms, decimals, pending, resumed or sale, resumed is not None)


def check_proposer(dao: Dao, proposer: str) -> None:
    """ChainError unless ``proposer`` holds the votes the governor's proposal threshold asks for."""
    gov = dao.governor.functions
    votes = int(gov.getVotes(proposer, dao.now() - 1).call())
    threshold = int(gov.proposalThreshold().call())
    if votes < threshold:
        raise ChainError(f"{proposer} holds {_units(votes)} votes; proposing needs "
                         f"{_units(threshold)} (ask a member who has them, or delegate)")  # fmt: skip


def start_sale(
    dao: Dao, sender: Sender, artifacts: Artifacts, plan: SaleStart,
    on_tx: Callable[[str, TxReceipt], None] = lambda _label, _receipt: None,
) -> StartedSale:  # fmt: skip
    """Deploy the sale (unless the plan names one) and propose starting it; ``on_tx`` hears of each transaction as
    it is mined. A deployed sale is remembered until it is proposed, so a run that stops in between resumes."""
    sale = plan.sale
    if not sale:
        sale, receipt = deploy_sale(dao, sender, artifacts, plan.terms)
        plan.pending.remember(sale)  # a run that stops before proposing resumes with this sale
        on_tx(f"TokenSale deployed at {sale}", receipt)
    proposal = start_proposal(dao.token, sale, plan.terms.description).bound_to(sender.address)
    if int(dao.governor.functions.proposalSnapshot(proposal.proposal_id).call()):
        plan.pending.forget()
        return StartedSale(sale, proposal.proposal_id, proposed=False)
    on_tx(f"proposed {proposal.proposal_id}", dao.governance.propose(sender, proposal))
    plan.pending.forget()
    return StartedSale(sale, proposal.proposal_id, proposed=True)
