"""The parts of `sale start` that need no chain: the pending-sale journal that makes a stopped run resumable."""

from __future__ import annotations

import json
from pathlib import Path

from furusato.membership.sale_start import PendingSale

SALE = "0x" + "ab" * 20


def test_a_pending_sale_is_found_for_the_same_file_on_the_same_chain(tmp_path: Path) -> None:
    terms = tmp_path / "terms.yaml"
    terms.write_text('price: "0.001"\nopens_at: "in 1 minute"\n', encoding="utf-8")
    pending = PendingSale.of(tmp_path / "deployments", "local", terms, 31337)
    assert pending.path == tmp_path / "deployments" / "local.pending-sale.json"
    assert pending.sale() is None
    pending.remember(SALE)
    assert pending.sale() == SALE
    assert json.loads(pending.path.read_text(encoding="utf-8"))["termsFile"] == str(terms)
    assert PendingSale.of(tmp_path / "deployments", "local", terms, 1).sale() is None  # another chain
    terms.write_text('price: "0.002"\n', encoding="utf-8")
    assert pending.sale() is None  # another file
    pending.forget()
    assert not pending.path.exists()
    pending.forget()  # forgetting twice is fine


def test_a_damaged_journal_means_nothing_is_pending(tmp_path: Path) -> None:
    terms = tmp_path / "terms.yaml"
    terms.write_text("x: 1\n", encoding="utf-8")
    pending = PendingSale.of(tmp_path, "local", terms, 31337)
    pending.path.write_text("{not json", encoding="utf-8")
    assert pending.sale() is None
    pending.path.write_text("[]", encoding="utf-8")
    assert pending.sale() is None
