"""Event indexer: every log of a set of contracts since a start block, into SQLite.

Logs are fetched with ``eth_getLogs`` in block ranges that adapt to the provider: a range or result-size error
halves the range and tries again, a quiet range doubles the next one. Blocks newer than ``head - confirmations``
are never stored (reorg margin); the hash of the last indexed block is kept, and a run that finds it changed
rewinds. Progress is committed per chunk and per address, so a killed run resumes where it stopped and a second
run fetches only blocks it has not seen.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from furusato.errors import ChainError

SCHEMA_VERSION = 1
_LIMIT_HINTS = (
    "range",
    "limit",
    "too many",
    "exceed",
    "response size",
    "max results",
    "query returned more than",
    "timeout",
    "-32005",
)


@dataclass(frozen=True)
class RawLog:
    """One log as stored: position, emitter, topics and data (hex strings, lower case)."""

    block: int
    log_index: int
    tx_index: int
    tx_hash: str
    address: str
    topics: tuple[str, ...]
    data: str


class LogSource(Protocol):
    """What the indexer needs of a node (a :class:`Web3Source`, or a fake in tests)."""

    def head(self) -> int: ...

    def get_logs(self, addresses: Sequence[str], from_block: int, to_block: int) -> list[RawLog]: ...

    def blocks(self, numbers: Sequence[int]) -> dict[int, tuple[str, int]]:
        """``number -> (hash, timestamp)``."""
        ...


class RangeTooLargeError(Exception):
    """The provider refused a range or result size (raised by sources; the indexer shrinks the range)."""


def _hex(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    text = str(value)
    return text.lower() if text.startswith("0x") else "0x" + text.lower()


class Web3Source:
    """A :class:`LogSource` over a web3 ``Web3``; provider limits become :class:`RangeTooLargeError`."""

    def __init__(self, w3: Any) -> None:
        self.w3 = w3

    def head(self) -> int:
        return int(self.w3.eth.block_number)

    def get_logs(self, addresses: Sequence[str], from_block: int, to_block: int) -> list[RawLog]:
        """Raw ``eth_getLogs`` (web3's result formatting would cost more than the request itself)."""
        params = {"address": [a.lower() for a in addresses], "fromBlock": hex(from_block), "toBlock": hex(to_block)}
        try:
            response = self.w3.provider.make_request("eth_getLogs", [params])
        except Exception as exc:  # transport errors; some providers answer limits with HTTP errors
            text = str(exc).lower()
            if any(h in text for h in _LIMIT_HINTS):
                raise RangeTooLargeError(str(exc)) from exc
            raise ChainError(f"eth_getLogs {from_block}-{to_block} failed: {exc}") from exc
        if "error" in response:
            text = str(response["error"]).lower()
            if any(h in text for h in _LIMIT_HINTS):
                raise RangeTooLargeError(str(response["error"]))
            raise ChainError(f"eth_getLogs {from_block}-{to_block} failed: {response['error']}")
        return [
            RawLog(
                block=int(lg["blockNumber"], 16),
                log_index=int(lg["logIndex"], 16),
                tx_index=int(lg["transactionIndex"], 16),
                tx_hash=str(lg["transactionHash"]).lower(),
                address=str(lg["address"]).lower(),
                topics=tuple(str(t).lower() for t in lg["topics"]),
                data=str(lg["data"]).lower() or "0x",
            )
            for lg in response["result"]
            if not lg.get("removed")
        ]

    def blocks(self, numbers: Sequence[int]) -> dict[int, tuple[str, int]]:
        out: dict[int, tuple[str, int]] = {}
        todo = list(numbers)
        for i in range(0, len(todo), 200):
            part = todo[i : i + 200]
            try:
                with self.w3.batch_requests() as batch:
                    for n in part:
                        batch.add(self.w3.eth.get_block(n))
                    got = batch.execute()
            except Exception:  # a provider without batch support: one request per block
                got = [self.w3.eth.get_block(n) for n in part]
            for n, blk in zip(part, got, strict=True):
                out[n] = (_hex(blk["hash"]), int(blk["timestamp"]))
        return out


@dataclass
class IndexStats:
    """What one :meth:`Index.sync` did."""

    requests: int = 0
    logs_fetched: int = 0
    ranges: list[tuple[int, int]] = field(default_factory=list)
    shrinks: int = 0
    rewound_to: int | None = None
    seconds: float = 0.0
    to_block: int = 0


class Index:
    """A SQLite file of logs: ``logs``, ``blocks`` (hash, timestamp of every block with a log and of the tip),
    ``sources`` (address, start block, synced-to block)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path) if str(path) != ":memory:" else path
        if isinstance(self.path, Path):
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path))
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(
            """
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS sources (address TEXT PRIMARY KEY, start_block INTEGER NOT NULL,
                synced_to INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS logs (block INTEGER NOT NULL, log_index INTEGER NOT NULL,
                tx_index INTEGER NOT NULL, tx_hash TEXT NOT NULL, address TEXT NOT NULL, topic0 TEXT,
                topics TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (block, log_index));
            CREATE INDEX IF NOT EXISTS logs_topic0 ON logs (topic0);
            CREATE TABLE IF NOT EXISTS blocks (number INTEGER PRIMARY KEY, hash TEXT NOT NULL,
                timestamp INTEGER NOT NULL);
            """
        )
        row = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if row is None:
            self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        elif int(row[0]) != SCHEMA_VERSION:
            raise ChainError(f"{path}: index schema {row[0]}, this version reads {SCHEMA_VERSION}; delete the file")
        self.db.commit()

    def close(self) -> None:
        self.db.close()

    # ------------------------------------------------------------------------------------------- identity

    def bind(self, chain_id: int, deployment: str, anchor: str | None = None) -> bool:
        """Refuse an index file made for another chain or deployment (``deployment``: e.g. the token address).

        ``anchor`` is the hash of the deployment's first block: when it changed (a development chain started again
        with the same addresses, or a reorg below the deploy block), everything stored is dropped and rebuilt.
        Returns True if that happened."""
        key = f"{chain_id}:{deployment.lower()}"
        row = self.db.execute("SELECT value FROM meta WHERE key='bound'").fetchone()
        if row is None:
            self.set_meta("bound", key)
        elif row[0] != key:
            raise ChainError(f"{self.path}: this index belongs to {row[0]}, not {key}; use another --cache")
        reset = False
        if anchor is not None:
            stored = self.meta("anchor")
            if stored is not None and stored != anchor.lower():
                self.db.execute("DELETE FROM logs")
                self.db.execute("DELETE FROM blocks")
                self.db.execute("UPDATE sources SET synced_to = start_block - 1")
                self.db.execute("DELETE FROM meta WHERE key IN ('tip', 'chunk')")
                reset = True
            self.set_meta("anchor", anchor.lower())
        self.db.commit()
        return reset

    def add_sources(self, addresses: Iterable[str], start_block: int) -> None:
        """Index these addresses from ``start_block`` (already known addresses keep their progress)."""
        for a in addresses:
            self.db.execute("INSERT OR IGNORE INTO sources VALUES (?, ?, ?)", (a.lower(), start_block, start_block - 1))
        self.db.commit()

    def sources(self) -> dict[str, tuple[int, int]]:
        return {a: (s, t) for a, s, t in self.db.execute("SELECT address, start_block, synced_to FROM sources")}

    def synced_to(self) -> int:
        """The block up to which every source is indexed (-1 when nothing is)."""
        row = self.db.execute("SELECT MIN(synced_to) FROM sources").fetchone()
        return int(row[0]) if row and row[0] is not None else -1

    # ------------------------------------------------------------------------------------------- sync

    def sync(
        self,
        source: LogSource,
        *,
        confirmations: int = 0,
        initial_chunk: int = 2_000,
        max_chunk: int = 100_000,
        to_block: int | None = None,
        log: Callable[[str], None] | None = None,
    ) -> IndexStats:
        """Fetch every new log of every source up to ``min(to_block, head - confirmations)``."""
        started = time.perf_counter()
        stats = IndexStats()
        head = source.head()
        target = head - confirmations if to_block is None else min(to_block, head - confirmations)
        stats.to_block = target
        self._check_tip(source, stats)
        chunk = max(1, int(self.meta("chunk") or initial_chunk))
        while True:
            groups: dict[int, list[str]] = {}
            for address, (_start, synced) in self.sources().items():
                if synced < target:
                    groups.setdefault(synced, []).append(address)
            if not groups:
                break
            synced = min(groups)
            addresses = sorted(groups[synced])
            lo = synced + 1
            hi = min(target, lo + chunk - 1)
            try:
                logs = source.get_logs(addresses, lo, hi)
            except RangeTooLargeError:
                stats.requests += 1
                stats.shrinks += 1
                if hi == lo:
                    raise ChainError(f"the provider refuses even the single block {lo}") from None
                chunk = max(1, (hi - lo + 1) // 2)
                continue
            stats.requests += 1
            stats.logs_fetched += len(logs)
            stats.ranges.append((lo, hi))
            self._store(source, logs, hi)
            for a in addresses:
                self.db.execute("UPDATE sources SET synced_to=? WHERE address=?", (hi, a))
            self.set_meta("chunk", str(chunk))
            self.db.commit()
            if log:
                log(f"indexed blocks {lo}-{hi}: {len(logs)} logs")
            if len(logs) < 5_000 and hi - lo + 1 == chunk:
                chunk = min(max_chunk, chunk * 2)
        stats.seconds = time.perf_counter() - started
        return stats

    def _store(self, source: LogSource, logs: list[RawLog], tip: int) -> None:
        numbers = sorted({lg.block for lg in logs} | {tip})
        known = {n for (n,) in self.db.execute("SELECT number FROM blocks WHERE number >= ?", (numbers[0],))}
        missing = [n for n in numbers if n not in known]
        if missing:
            info = source.blocks(missing)
            rows = [(n, h, t) for n, (h, t) in info.items()]
            self.db.executemany("INSERT OR REPLACE INTO blocks VALUES (?, ?, ?)", rows)
        self.db.executemany(
            "INSERT OR REPLACE INTO logs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (lg.block, lg.log_index, lg.tx_index, lg.tx_hash, lg.address, lg.topics[0] if lg.topics else None,
                 ",".join(lg.topics), lg.data)
                for lg in logs
            ],
        )  # fmt: skip
        self.set_meta("tip", str(tip))

    def _check_tip(self, source: LogSource, stats: IndexStats) -> None:
        """If the last indexed block changed (a reorg deeper than the margin), drop a window and refetch it."""
        tip = self.meta("tip")
        if tip is None:
            return
        n = int(tip)
        stored = self.db.execute("SELECT hash FROM blocks WHERE number=?", (n,)).fetchone()
        if stored is None:
            return
        try:
            current = source.blocks([n]).get(n)
        except Exception:  # the block is gone (a shorter chain): treat as changed
            current = None
        if current is not None and current[0] == stored[0]:
            return
        back = max(0, n - 128)
        self.db.execute("DELETE FROM logs WHERE block > ?", (back,))
        self.db.execute("DELETE FROM blocks WHERE number > ?", (back,))
        self.db.execute("UPDATE sources SET synced_to=MIN(synced_to, ?)", (back,))
        self.set_meta("tip", str(back))
        self.db.commit()
        stats.rewound_to = back

    # ------------------------------------------------------------------------------------------- reading

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def logs(self, *, up_to: int | None = None, topic0: str | None = None) -> list[tuple[RawLog, int]]:
        """Every stored log (with its block's timestamp) in chain order, up to block ``up_to`` (only those whose
        first topic is ``topic0``, when given)."""
        limit = up_to if up_to is not None else 2**62
        query = (
            "SELECT l.block, l.log_index, l.tx_index, l.tx_hash, l.address, l.topics, l.data, b.timestamp "
            "FROM logs l JOIN blocks b ON b.number = l.block WHERE l.block <= ?"
        )
        params: tuple[Any, ...] = (limit,)
        if topic0 is not None:
            query += " AND l.topic0 = ?"
            params = (limit, topic0.lower())
        rows = self.db.execute(query + " ORDER BY l.block, l.log_index", params)
        return [
            (RawLog(blk, li, ti, tx, addr, tuple(topics.split(",")) if topics else (), data), int(ts))
            for blk, li, ti, tx, addr, topics, data, ts in rows
        ]

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM logs").fetchone()[0])
