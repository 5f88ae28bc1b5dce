"""Proposals with `brownie run`, over the same core as `furusato proposal …`.

  brownie run scripts/proposal.py                         # development: deploy a local DAO and take the example
                                                          # spec through create → vote → queue → execute
  FURUSATO_ARGS="proposal list" brownie run scripts/proposal.py cli --network NAME
                                                          # any governance command on a deployed DAO
                                                          # (deployments/NAME.json), e.g. "proposal show 123",
                                                          # "proposal vote 123 --support for --account ID --yes"

Live networks sign with keystore accounts only (--keystore / --account, with FURUSATO_PASSWORD_FILE for
unattended runs); the public test mnemonic's accounts are refused there.
"""

import os
import shlex
from pathlib import Path

from brownie import accounts, network

from furusato.artifacts import Artifacts
from furusato.chain import UnlockedSender, advance_time, send_eth
from furusato.config import load_config
from furusato.deploy import deploy_dao
from furusato.governance import Support
from furusato.networks import connect
from furusato.proposals import build_file, find_proposal, format_status, read_status, steps
from furusato.session import session_over

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "proposals" / "mower-and-festival.yaml"


def main(records_dir: Path = ROOT / "build" / "proposal") -> int:
    """Development: deploy the `local` preset and run the example spec end to end; returns the proposal id."""
    conn = connect(network.show_active(), ROOT)
    w3 = conn.w3
    record = deploy_dao(
        w3, UnlockedSender(accounts[0].address), load_config(preset="local"), Artifacts(ROOT),
        network=conn.network, development=True, records_dir=records_dir, log=lambda _l: None,
    )  # fmt: skip
    dao = session_over(w3, record, ROOT, development=True).dao
    send_eth(w3, UnlockedSender(accounts[0].address), dao.treasury.address, 2 * 10**18, "fund the treasury")
    advance_time(w3, 2)
    members = [UnlockedSender(accounts[i].address) for i in (1, 2, 3)]
    built = build_file(EXAMPLE, dao)
    for line in built.preview():
        print(line)
    built = steps.bind(built, members[0])
    steps.create(dao, members[0], built)
    pid = built.proposal.proposal_id

    def show() -> None:
        for line in format_status(read_status(dao, find_proposal(dao, pid))):
            print(line)

    advance_time(w3, int(dao.governor.functions.votingDelay().call()) + 1)
    for member, support in zip(members, (Support.For, Support.For, Support.Against), strict=True):
        steps.vote(dao, member, pid, support)
    show()
    advance_time(
        w3, int(dao.governor.functions.proposalDeadline(pid).call()) - int(w3.eth.get_block("latest")["timestamp"]) + 1
    )
    steps.queue(dao, members[0], pid)
    advance_time(w3, int(dao.timelock.functions.getMinDelay().call()) + 1)
    steps.execute(dao, members[0], pid)
    show()
    return pid


def cli() -> None:
    """Run the governance command in FURUSATO_ARGS on the active network (e.g. "proposal list")."""
    from furusato.cli import main as furusato

    args = shlex.split(os.environ.get("FURUSATO_ARGS", "proposal list"))
    if "--network" not in args:
        args += ["--network", network.show_active()]
    try:
        code = furusato.main(args=["--project", str(ROOT), *args], standalone_mode=False)
    except SystemExit as exc:  # a command's own exit (e.g. `relayer batch` with refusals)
        code = exc.code
    if code:  # a user's mistake was reported on stderr; `brownie run` must fail too
        raise SystemExit(code)
