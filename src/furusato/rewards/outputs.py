"""Write a reward plan's files into an output folder, all at once or not at all.

Files (every byte depends only on the inputs, so re-running with the same inputs gives identical files):

``allocation.csv``
    UTF-8 with BOM (Excel in Japan opens it correctly), CRLF line ends. For each member, by address: one
    ``row`` line per log row (line, date, activity, quantity, rate, tokens earned by the row, note), then a
    ``total`` line (tokens earned — rounded down to a base unit —, the final allocation in tokens and in base
    units, and whether it was capped/scaled). Text cells starting with ``= + - @`` get a leading ``'`` so a
    spreadsheet shows them as text instead of running them as formulas.
``tree.json``
    The ``standard-v1`` dump of the reward Merkle tree (see :mod:`furusato.rewards.tree`).
``summary.txt``
    A bilingual (Japanese / English) summary for people.
``plan.json``
    Machine-readable facts for the ``publish`` step: ``format`` (``furusato-rewards-plan-v1``), ``epoch``
    (``id``, ``start``, ``end``), ``root``, ``leaf_encoding``, ``count`` (leaves), ``total`` and ``budget``
    (base units, decimal strings), ``decimals``, ``scaled``, and the sha256 of the policy file, the log file
    and ``tree.json``.

The folder is written as a whole: files go to a temporary sibling folder that is then renamed into place.
An existing folder is replaced only if it is empty, holds the same plan, or holds a different plan and
``overwrite`` is set; a folder holding anything other than these four files is never touched.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import secrets
import shutil
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from furusato.errors import PlanExistsError
from furusato.merkle import StandardMerkleTree
from furusato.rewards.activity_log import ActivityLog
from furusato.rewards.allocation import Allocation, activity_of, row_value
from furusato.rewards.policy import Policy
from furusato.units import format_units

__all__ = [
    "PLAN_FILES",
    "PLAN_FORMAT",
    "PlanExistsError",
    "allocation_csv",
    "plan_document",
    "render_outputs",
    "summary_text",
    "write_outputs",
]

PLAN_FORMAT = "furusato-rewards-plan-v1"
PLAN_FILES = ("allocation.csv", "tree.json", "summary.txt", "plan.json")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SCALE_PLACES = 8


def _plain(value: Decimal) -> str:
    """A Decimal in plain notation without trailing zeros: ``1.50`` → ``1.5``, ``1E+1`` → ``10``."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _text_cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _scale_text(scale: Fraction) -> str:
    """The scale factor rounded down to 8 decimal places."""
    scaled = scale.numerator * 10**_SCALE_PLACES // scale.denominator
    return f"{scaled // 10**_SCALE_PLACES}.{scaled % 10**_SCALE_PLACES:0{_SCALE_PLACES}d}"


def allocation_csv(allocation: Allocation, policy: Policy) -> bytes:
    """``allocation.csv``: every member's log rows and totals (UTF-8 with BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [
            "member",
            "kind",
            "line",
            "date",
            "activity",
            "quantity",
            "rate",
            "earned",
            "allocation",
            "allocation_base_units",
            "note",
        ]
    )
    decimals = policy.decimals
    for member in allocation.members:
        for row in member.rows:
            rate = _plain(activity_of(row, policy).rate)
            earned = _plain(row_value(row, policy).scaleb(-decimals))
            quantity = _plain(row.quantity)
            day = row.date.isoformat()
            writer.writerow(
                [
                    member.member,
                    "row",
                    row.line,
                    day,
                    row.activity,
                    quantity,
                    rate,
                    earned,
                    "",
                    "",
                    _text_cell(row.note),
                ]
            )
        flags = (["capped 上限適用"] if member.capped else []) + (["scaled 按分"] if allocation.scaled else [])
        writer.writerow(
            [
                member.member,
                "total",
                "",
                "",
                "",
                "",
                "",
                format_units(member.earned, decimals, grouping=False),
                format_units(member.amount, decimals, grouping=False),
                member.amount,
                "; ".join(flags),
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def summary_text(allocation: Allocation, tree: StandardMerkleTree, policy: Policy, log: ActivityLog) -> bytes:
    """``summary.txt``: the plan for people, in Japanese and English."""

    def tokens(units: int) -> str:
        return f"{format_units(units, allocation.decimals, grouping=False)} tokens"

    lines = [
        "ふるさとDAO 活動報酬プラン / Activity reward plan",
        "",
        f"エポック / Epoch: {allocation.epoch}",
        f"活動記録 / Activity log: {log.path.name} ({len(log.rows)} rows, {log.encoding}, sha256 {log.sha256})",
        f"報酬ポリシー / Policy: {policy.source.name} (sha256 {policy.sha256})",
        f"メンバー / Members: {len(allocation.members)} ({len(tree)} in the tree)",
        f"合計 / Total: {tokens(allocation.total)}",
        f"予算 / Budget: {tokens(allocation.budget)}",
        f"上限 / Member cap: {tokens(allocation.cap)}",
    ]
    if allocation.scaled:
        lines.append(
            f"按分 / Scaled: yes — {tokens(allocation.capped_total)} earned after the cap exceeded the budget; "
            f"every member × {_scale_text(allocation.scale)}"
        )
    else:
        lines.append("按分 / Scaled: no")
    capped = allocation.capped_members
    lines.append(f"上限適用 / Capped members: {len(capped) if capped else 'none'}")
    lines.extend(f"  {m.member}: earned {tokens(m.earned)}, capped at {tokens(allocation.cap)}" for m in capped)
    lines += ["", f"Merkle root: {tree.root}", "", "メンバー別 / Per member:"]
    lines.extend(f"  {m.member}  {tokens(m.amount)}  ({len(m.rows)} rows)" for m in allocation.members)
    return ("\n".join(lines) + "\n").encode("utf-8")


def plan_document(
    allocation: Allocation, tree: StandardMerkleTree, policy: Policy, log: ActivityLog, tree_json: bytes
) -> dict[str, Any]:
    """The content of ``plan.json``."""
    epoch = allocation.epoch
    return {
        "format": PLAN_FORMAT,
        "epoch": {"id": epoch.id, "start": epoch.start.isoformat(), "end": epoch.end.isoformat()},
        "root": tree.root,
        "leaf_encoding": list(tree.leaf_encoding),
        "count": len(tree),
        "total": str(allocation.total),
        "budget": str(allocation.budget),
        "decimals": allocation.decimals,
        "scaled": allocation.scaled,
        "policy_sha256": policy.sha256,
        "log_sha256": log.sha256,
        "tree_sha256": hashlib.sha256(tree_json).hexdigest(),
    }


def _json_bytes(document: Any) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def render_outputs(
    allocation: Allocation, tree: StandardMerkleTree, policy: Policy, log: ActivityLog
) -> dict[str, bytes]:
    """Every output file's name and bytes."""
    tree_json = _json_bytes(tree.dump())
    return {
        "allocation.csv": allocation_csv(allocation, policy),
        "tree.json": tree_json,
        "summary.txt": summary_text(allocation, tree, policy, log),
        "plan.json": _json_bytes(plan_document(allocation, tree, policy, log, tree_json)),
    }


def _check_replaceable(out_dir: Path, files: Mapping[str, bytes], overwrite: bool) -> None:
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise PlanExistsError(f"{out_dir} exists and is not a folder")
    entries = sorted(p.name for p in out_dir.iterdir())
    foreign = [name for name in entries if name not in files]
    if foreign:
        raise PlanExistsError(
            f"{out_dir} holds other files ({', '.join(foreign)}); write the plan to a new or empty folder"
        )
    if not entries or overwrite:
        return
    plan_file = out_dir / "plan.json"
    if not plan_file.exists() or plan_file.read_bytes() != files["plan.json"]:
        raise PlanExistsError(f"{out_dir} already holds a different plan; remove it or ask to overwrite it")


def write_outputs(out_dir: str | Path, files: Mapping[str, bytes], *, overwrite: bool = False) -> Path:
    """Write ``files`` as the folder ``out_dir`` atomically (temporary folder, then rename); return its path.

    Raises :class:`PlanExistsError` if ``out_dir`` holds anything but a plan, or a different plan without
    ``overwrite``.
    """
    target = Path(out_dir)
    _check_replaceable(target, files, overwrite)
    target.parent.mkdir(parents=True, exist_ok=True)
    tag = f"{os.getpid()}-{secrets.token_hex(4)}"
    staging = target.parent / f".{target.name}.tmp-{tag}"
    backup = target.parent / f".{target.name}.old-{tag}"
    staging.mkdir()
    try:
        for name, data in files.items():
            with open(staging / name, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        if target.exists():
            target.rename(backup)
            try:
                staging.rename(target)
            except BaseException:
                backup.rename(target)
                raise
            shutil.rmtree(backup)
        else:
            staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return target
