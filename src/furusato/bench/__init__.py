"""Benchmarks for `make bench` (``brownie run scripts/bench.py``): gas and speed figures in bench/results.json.

Not tests: nothing here asserts a time. One module a bench, no import going back up:

- ``context``: who plays which part (``BenchActors``) and what a bench stands on (``Bench``: chain, checkout,
  scratch folder, log; ``Bench.deploy`` the quiet local DAO each bench deploys);
- ``gas``: the governance core's gas, side by side with OpenZeppelin's reference governor and token;
- ``rewards``: activity rewards CSV → last receipt, gas per leaf and per claim; the 100,000-leaf Merkle tree;
- ``relayer``: relayed ballots over HTTP (gas and ballots per second);
- ``membership``: registry, sale and members-only governance gas;
- ``cli``: wall time of the `furusato` command in a subprocess (``--help``, ``proposal list``);
- ``results``: bench/results.json (merge) and the comparison table;
- ``suite``: ``run_all``, every bench in one run.

Every bench takes a ``Bench`` and returns ``{metric: value}``.
"""

from furusato.bench.context import Bench, BenchActors
from furusato.bench.results import format_comparison, merge_results
from furusato.bench.suite import run_all

__all__ = ["Bench", "BenchActors", "format_comparison", "merge_results", "run_all"]
