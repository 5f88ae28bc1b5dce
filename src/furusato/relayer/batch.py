"""Batch mode: relay every signed file of a folder (``furusato relayer batch``), then wait for the receipts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from furusato.ballots import read_signed
from furusato.errors import SignatureRejected
from furusato.relayer.core import Relayer

__all__ = ["BatchResult", "relay_folder"]


@dataclass(frozen=True)
class BatchResult:
    """One file's outcome: relayed (``message`` is the tx hash) or refused (``message`` says why)."""

    file: Path
    ok: bool
    message: str  # tx hash, or why it was refused
    status: int = 200
    gas_used: int = 0


def relay_folder(relayer: Relayer, folder: Path, *, wait: bool = True) -> list[BatchResult]:
    """Submit every ``*.json`` in ``folder`` (sorted by name); refused files are reported, not fatal."""
    results: list[BatchResult] = []
    for path in sorted(folder.glob("*.json")):
        try:
            typed, signature = read_signed(path)
            sent = relayer.submit_signed(typed, signature)
            results.append(BatchResult(path, True, str(sent["tx"])))
        except SignatureRejected as exc:
            results.append(BatchResult(path, False, str(exc), exc.status))
        except Exception as exc:  # a damaged file must not stop the batch
            results.append(BatchResult(path, False, str(exc), 400))
    if wait:
        for i, r in enumerate(results):
            if r.ok:
                mined = relayer.wait(r.message)
                ok = mined["status"] == 1
                results[i] = BatchResult(r.file, ok, r.message if ok else f"reverted on chain: {r.message}",
                                         200 if ok else 500, mined["gasUsed"])  # fmt: skip
    return results
