"""The resident registry and a fundraising sale with `brownie run`, over the same core as `furusato registry|sale`.

  brownie run scripts/membership.py                       # development: deploy a local DAO, import the example
                                                          # member list, start the example sale by a governance
                                                          # proposal, members buy, finalize, claim, status
  FURUSATO_ARGS="registry stats" brownie run scripts/membership.py cli --network NAME
                                                          # any registry/sale command on a deployed DAO
                                                          # (deployments/NAME.json), e.g.
                                                          # "registry import members.csv --account ID --yes",
                                                          # "sale start terms.yaml --account ID --yes",
                                                          # "registry show 0xMEMBER",
                                                          # "registry revoke 0xMEMBER --account ID --yes",
                                                          # "sale status 0xSALE --buyer 0xMEMBER",
                                                          # "sale finalize 0xSALE --account ID --yes",
                                                          # "sale refund|claim 0xSALE --account ID --yes"

Live networks sign with keystore accounts only (--keystore / --account, with FURUSATO_PASSWORD_FILE for
unattended runs); the public test mnemonic's accounts are refused there.
"""

import os
import shlex
from dataclasses import dataclass
from pathlib import Path

from brownie import accounts, network

from furusato.artifacts import Artifacts
from furusato.chain import UnlockedSender, advance_time
from furusato.config import load_config
from furusato.deploy import deploy_dao
from furusato.governance import Support
from furusato.membership.registry_import import import_members, read_member_list
from furusato.membership.sale import buy, deploy_sale, load_terms, start_proposal
from furusato.networks import connect
from furusato.proposals import steps
from furusato.session import session_over

ROOT = Path(__file__).resolve().parent.parent
MEMBERS = ROOT / "examples" / "members" / "members-2027.csv"
TERMS = ROOT / "examples" / "members" / "sale-terms.yaml"
REGISTRAR = 8  # the `local` preset's registrar (town staff)
VOTERS = (1, 2, 3)  # genesis members
PURCHASES = {6: 2_000, 7: 1_500}  # Anvil account -> whole tokens (goal 3,000: met)


@dataclass(frozen=True)
class Demo:
    records_dir: Path
    network: str
    registry: str
    sale: str
    proposal_id: int


def _furusato(args: list[str]) -> None:
    """Run a `furusato registry|sale …` command (click) in this process; a failing command raises SystemExit."""
    from furusato.cli import main as furusato

    try:
        code = furusato.main(args=["--project", str(ROOT), *args], standalone_mode=False)
    except SystemExit as exc:  # a command's own exit (e.g. `relayer batch` with refusals)
        code = exc.code
    if code:  # a user's mistake was reported on stderr; `brownie run` must fail too
        raise SystemExit(code)


def main(records_dir: Path = ROOT / "build" / "membership") -> Demo:
    """Development: deploy the `local` preset, import the example members, run the example sale to the end."""
    conn = connect(network.show_active(), ROOT)
    w3 = conn.w3
    artifacts = Artifacts(ROOT)
    record = deploy_dao(
        w3, UnlockedSender(accounts[0].address), load_config(preset="local"), artifacts,
        network=conn.network, development=True, records_dir=records_dir, log=lambda _l: None,
    )  # fmt: skip
    session = session_over(w3, record, ROOT, development=True, artifacts=artifacts)
    dao = session.dao
    advance_time(w3, 2)
    net = ["--network", conn.network, "--deployments", str(records_dir)]
    registry = session.registry()
    import_members(w3, UnlockedSender(accounts[REGISTRAR].address), registry, read_member_list(MEMBERS),
                   decoder=dao.decoder, log=print)  # fmt: skip
    _furusato(["registry", "stats", *net])

    terms = load_terms(TERMS, token=dao.token.address, treasury=dao.treasury.address, registry=registry.address,
                       now=dao.now())  # fmt: skip
    proposer = UnlockedSender(accounts[VOTERS[0]].address)
    sale_address, _ = deploy_sale(dao, proposer, artifacts, terms)
    print(f"TokenSale deployed at {sale_address}")
    proposal = start_proposal(dao.token, sale_address, terms.description).bound_to(proposer.address)
    dao.governance.propose(proposer, proposal)
    pid = proposal.proposal_id
    print(f"proposed {pid}: {terms.description}")
    advance_time(w3, int(dao.governor.functions.votingDelay().call()) + 1)
    for i in VOTERS:
        steps.vote(dao, UnlockedSender(accounts[i].address), pid, Support.For)
    advance_time(w3, int(dao.governor.functions.proposalDeadline(pid).call()) - dao.now() + 1)
    steps.queue(dao, proposer, pid)
    advance_time(w3, int(dao.timelock.functions.getMinDelay().call()) + 1)
    steps.execute(dao, proposer, pid)
    print("proposal executed: the sale is a minter, excluded from voting")

    sale = w3.eth.contract(address=sale_address, abi=dao.abi_of("TokenSale"))
    advance_time(w3, max(terms.opens_at - dao.now(), 0) + 1)
    for i, whole in PURCHASES.items():
        buy(dao, UnlockedSender(accounts[i].address), sale, whole * 10**18)
        print(f"{accounts[i].address} bought {whole:,} tokens")
    _furusato(["sale", "status", sale_address, *net])
    advance_time(w3, terms.closes_at - dao.now() + 1)
    _furusato(["sale", "finalize", sale_address, "--dev-account", "0", "--yes", *net])
    for i in PURCHASES:
        _furusato(["sale", "claim", sale_address, "--buyer", accounts[i].address, "--dev-account", "0", "--yes",
                   *net])  # fmt: skip
    _furusato(["sale", "status", sale_address, "--buyer", accounts[min(PURCHASES)].address, *net])
    return Demo(records_dir, conn.network, registry.address, sale_address, pid)


def cli() -> None:
    """Run the registry/sale command in FURUSATO_ARGS on the active network (e.g. "registry stats")."""
    args = shlex.split(os.environ.get("FURUSATO_ARGS", "registry stats"))
    if "--network" not in args:
        args += ["--network", network.show_active()]
    _furusato(args)
