"""Wall time of the `furusato` command as a town developer runs it: in a subprocess, start to exit.

``time.cli.help`` is ``furusato --help`` (the import cost of the door); ``time.cli.proposal_list`` is
``furusato proposal list`` on the running development chain, against a fresh local DAO with a few proposals,
read from a deployment-records folder holding that DAO as ``development.json``. Each is the median of ``runs``
runs after one warm-up run (a developer's caches are warm). Development chains only (moves the clock).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from furusato.bench.context import Bench
from furusato.chain import advance_time, transact
from furusato.constants import ETH
from furusato.governance import Proposal, Support, call_action
from furusato.records import write_record
from furusato.session import session_over


def furusato_command() -> list[str]:
    """The installed `furusato` entry point: next to this interpreter (the venv), else on PATH."""
    beside = Path(sys.executable).parent / "furusato"
    found = str(beside) if beside.is_file() else shutil.which("furusato")
    if found is None:
        raise RuntimeError("the furusato command is not installed next to this Python nor on PATH (make install)")
    return [found]


def time_command(args: list[str], runs: int, cwd: Path) -> tuple[float, str]:
    """Median wall time in seconds of ``args`` over ``runs`` runs after one warm-up, and what the last run printed;
    every run must succeed."""
    times: list[float] = []
    out = ""
    for i in range(runs + 1):
        start = time.perf_counter()
        done = subprocess.run(  # noqa: S603 - our own installed command, arguments built here
            args, cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False
        )
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} exited with {done.returncode}:\n{done.stdout}{done.stderr}")
        if i:
            times.append(elapsed)
        out = done.stdout
    return statistics.median(times), out


def bench_cli(b: Bench, *, runs: int = 5, proposals: int = 3) -> dict[str, float]:
    """Measure ``time.cli.help`` and ``time.cli.proposal_list`` (seconds, medians of ``runs``)."""
    w3, actors, root = b.w3, b.actors, b.root
    record, artifacts = b.deploy("bench-cli")
    dao = session_over(w3, record, b.root, development=True, artifacts=artifacts).dao
    member = actors.members[0]
    advance_time(w3, 1)
    made = []
    for i in range(proposals):
        p = Proposal((call_action(dao.treasury, "pay", ETH, actors.recipient, i + 1, "bench"),), f"cli bench {i + 1}")
        transact(w3, member, dao.governor.functions.propose(*p.args(), p.description))
        made.append(p)
    advance_time(w3, int(dao.governor.functions.votingDelay().call()) + 1)
    transact(w3, member, dao.governor.functions.castVote(made[0].proposal_id, int(Support.For)))
    furusato = furusato_command()
    help_time, _ = time_command([*furusato, "--help"], runs, root)
    with tempfile.TemporaryDirectory(prefix="furusato-bench-cli-") as folder:
        write_record(Path(folder) / "development.json", replace(record, network="development"))
        listing = [*furusato, "--project", str(root), "proposal", "list", "--network", "development",
                   "--deployments", folder]  # fmt: skip
        list_time, listed = time_command(listing, runs, root)
    if not all(str(p.proposal_id) in listed for p in made):
        raise RuntimeError(f"furusato proposal list did not show the bench proposals:\n{listed}")
    results = {"time.cli.help": round(help_time, 3), "time.cli.proposal_list": round(list_time, 3)}
    b.log("  " + ", ".join(f"{k} {v:.3f} s" for k, v in results.items()))
    return results
