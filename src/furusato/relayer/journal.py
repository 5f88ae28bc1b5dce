"""The relayer's journal: one JSON line per relayed transaction (``relayer.jsonl``), read back on start.

It is what keeps replays and the day's gas refused across restarts: every signature, every ``(kind, signer, nonce)``,
every reward leaf claimed (``kind`` ``Claim``: no signature, keyed by contract, epoch and leaf index) and the gas
reserved per day (in the relayer's time zone) of the entries on this chain.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from furusato.errors import ChainError

__all__ = ["CLAIM", "Journal"]

#: The ``kind`` of a relayed reward claim's entry.
CLAIM = "Claim"


class Journal:
    """The entries of one chain in the JSONL file at ``path``, indexed for the relayer's checks (not thread-safe:
    the relayer holds its lock around every use)."""

    def __init__(self, path: Path, chain_id: int) -> None:
        self.path = path
        self.chain_id = chain_id
        self._signatures: dict[bytes, str] = {}  # signature -> tx hash
        self._nonces: dict[tuple[str, str, int], str] = {}  # (kind, signer, nonce) -> tx hash
        self._gas: dict[str, int] = {}  # day -> gas reserved (estimates)
        self._claims: dict[tuple[str, int, int], str] = {}  # (rewards contract, epoch, leaf index) -> tx hash
        self._file: TextIO | None = None
        self._load()

    def _load(self) -> None:
        if not self.path.exists():
            return
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                if entry.get("chainId") != self.chain_id:
                    continue
                self._index(entry)
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise ChainError(f"{self.path}:{number}: damaged relayer log line ({exc})") from exc

    def _index(self, entry: dict[str, Any]) -> None:
        tx = str(entry["tx"])
        if entry["kind"] == CLAIM:
            self._claims[(str(entry["contract"]), int(entry["epoch"]), int(entry["index"]))] = tx
            self._gas[entry["day"]] = self._gas.get(entry["day"], 0) + int(entry["gas"])
            return
        self._signatures[bytes.fromhex(entry["signature"][2:])] = tx
        self._nonces[(entry["kind"], entry["signer"], int(entry["nonce"]))] = tx
        self._gas[entry["day"]] = self._gas.get(entry["day"], 0) + int(entry["gas"])

    def tx_of_signature(self, signature: bytes) -> str | None:
        """The transaction that relayed ``signature``, if one did."""
        return self._signatures.get(signature)

    def tx_of_nonce(self, kind: str, signer: str, nonce: int) -> str | None:
        """The transaction that used ``signer``'s ``nonce`` for a ``kind`` message, if one did."""
        return self._nonces.get((kind, signer, nonce))

    def tx_of_claim(self, contract: str, epoch: int, index: int) -> str | None:
        """The transaction that claimed leaf ``index`` of ``epoch`` on the rewards ``contract``, if one did."""
        return self._claims.get((contract, epoch, index))

    def gas_on(self, day: str) -> int:
        """Gas reserved (estimated) on ``day`` (ISO date)."""
        return self._gas.get(day, 0)

    def append(self, entry: dict[str, Any]) -> None:
        """Index ``entry`` and append it to the file (kept open for appending; every line is flushed to the
        operating system before this returns, so a killed relayer loses nothing it answered for)."""
        self._index(entry)
        if self._file is None or self._file.closed:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a", encoding="utf-8")
        self._file.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
