"""bench/results.json: every bench's metrics in one file (a run overwrites its own keys, keeps the others), and the
table ``make bench`` prints: ours against OpenZeppelin's reference, with the targets the foundation issue set."""

from __future__ import annotations

import json
from pathlib import Path

from furusato.texttable import table

#: Operations compared with the reference, and the targets (ours / reference) the foundation issue sets.
OPS = (
    "transfer",
    "delegate",
    "propose",
    "castVote.first",
    "castVote.later",
    "castVote.firstBelowQuorum",
    "castVoteBySig",
    "queue",
    "execute",
)
TARGET_RATIO = {"castVote.first": 1.10, "castVote.later": 1.10, "castVoteBySig": 1.10, "execute": 1.10}


def merge_results(path: Path, new: dict[str, float]) -> dict[str, float]:
    """Write ``new`` over the metrics already in ``path`` (other benches' keys are kept); return the whole set."""
    data: dict[str, float] = json.loads(path.read_text()) if path.exists() else {}
    data.update(new)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dict(sorted(data.items())), indent=2) + "\n")
    return data


def format_comparison(results: dict[str, float]) -> str:
    """A table: ours, reference, ratio and target for each compared operation, then every other metric."""
    rows: list[tuple[str, str]] = []
    for op in OPS:
        ours, ref = results.get(f"gas.{op}"), results.get(f"ref.gas.{op}")
        if ours is None or ref is None:
            continue
        ratio = ours / ref
        target = TARGET_RATIO.get(op)
        met = "met" if target is not None and ratio <= target else "MISSED"
        verdict = "" if target is None else f"  (target <= {target:.2f}: {met})"
        rows.append((f"gas.{op}", f"{ours:>12,.0f}  ref {ref:>12,.0f}  ratio {ratio:5.3f}{verdict}"))
    compared = {f"gas.{op}" for op in OPS} | {f"ref.gas.{op}" for op in OPS}
    for key in sorted(results):
        if key not in compared:
            value = results[key]
            rows.append((key, f"{value:>12,.0f}" if value >= 100 else f"{value:>12.3f}"))
    return table(rows)
