"""The relayer's journal: replays and the day's gas survive a restart; other chains' entries are ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from furusato.errors import ChainError
from furusato.relayer.journal import CLAIM, Journal


def _entry(chain_id: int, nonce: int, gas: int, signature: str = "0x" + "11" * 65) -> dict[str, object]:
    return {"day": "2026-12-01", "chainId": chain_id, "kind": "Ballot", "signer": "0x" + "22" * 20,
            "nonce": nonce, "signature": signature, "tx": f"0x{nonce:064x}", "gas": gas}  # fmt: skip


def test_the_journal_is_read_back(tmp_path: Path) -> None:
    path = tmp_path / "logs" / "relayer.jsonl"
    journal = Journal(path, 31337)
    assert journal.gas_on("2026-12-01") == 0
    journal.append(_entry(31337, 0, 90_000))
    journal.append(_entry(1, 5, 1_000, signature="0x" + "33" * 65))  # another chain
    again = Journal(path, 31337)
    assert again.gas_on("2026-12-01") == 90_000
    assert again.tx_of_signature(bytes.fromhex("11" * 65)) == f"0x{0:064x}"
    assert again.tx_of_signature(bytes.fromhex("33" * 65)) is None
    assert again.tx_of_nonce("Ballot", "0x" + "22" * 20, 0) == f"0x{0:064x}"
    assert again.tx_of_nonce("Delegation", "0x" + "22" * 20, 0) is None


def test_a_damaged_line_is_refused_with_its_number(tmp_path: Path) -> None:
    path = tmp_path / "relayer.jsonl"
    path.write_text('\n{"chainId": 31337}\n', encoding="utf-8")
    with pytest.raises(ChainError, match=r"relayer\.jsonl:2: damaged relayer log line"):
        Journal(path, 31337)


def test_relayed_claims_are_read_back_and_count_against_the_day(tmp_path: Path) -> None:
    """A reward claim has no signature: it is kept by (rewards contract, epoch, leaf index), and its gas counts."""
    path = tmp_path / "relayer.jsonl"
    journal = Journal(path, 31337)
    journal.append(_entry(31337, 0, 90_000))
    journal.append({"day": "2026-12-01", "chainId": 31337, "kind": CLAIM, "signer": "0x" + "44" * 20,
                    "contract": "0x" + "55" * 20, "epoch": 202612, "index": 3, "amount": "1", "tx": "0x" + "66" * 32,
                    "gas": 120_000})  # fmt: skip
    again = Journal(path, 31337)
    assert again.gas_on("2026-12-01") == 210_000
    assert again.tx_of_claim("0x" + "55" * 20, 202612, 3) == "0x" + "66" * 32
    assert again.tx_of_claim("0x" + "55" * 20, 202612, 4) is None
    assert again.tx_of_claim("0x" + "55" * 20, 202701, 3) is None
    assert again.tx_of_nonce("Ballot", "0x" + "22" * 20, 0) == f"0x{0:064x}"  # ballots unaffected
