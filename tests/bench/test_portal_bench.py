"""The portal benchmarks run end to end (small sizes here; `make bench` uses 200 proposals and 200 ballots)."""

from __future__ import annotations

from pathlib import Path

from brownie import accounts, web3

from furusato.bench import Bench, BenchActors
from furusato.bench.portal import assets_kb, bench_portal_ballots, bench_portal_page

ROOT = Path(__file__).resolve().parents[2]


def _bench(tmp_path: Path, lines: list[str]) -> Bench:
    return Bench(web3, ROOT, BenchActors.development([a.address for a in accounts]), tmp_path, lines.append)


def test_proposals_page_time(tmp_path: Path) -> None:
    lines: list[str] = []
    results = bench_portal_page(_bench(tmp_path, lines), proposals=6, requests=5)
    assert set(results) == {"time.portal.proposals_page", "time.portal.proposals_page_new_block"}
    assert 0 < results["time.portal.proposals_page"] < 30
    assert 0 < results["time.portal.proposals_page_new_block"] < 30
    assert "6 proposals" in lines[-1]


def test_ballots_through_the_api_and_raw_sends(tmp_path: Path) -> None:
    lines: list[str] = []
    results = bench_portal_ballots(_bench(tmp_path, lines), ballots=8)
    assert set(results) == {"rate.portal.ballots_per_s", "rate.web3.send_per_s", "ratio.portal.ballots_vs_raw",
                            "rate.web3.ballot_send_per_s", "ratio.portal.ballots_vs_raw_ballots",
                            "rate.portal.ballots_per_s_keystore", "ratio.portal.ballots_keystore_vs_raw"}  # fmt: skip
    assert results["rate.portal.ballots_per_s"] > 0
    assert results["rate.portal.ballots_per_s_keystore"] > 0
    ratio = results["rate.portal.ballots_per_s_keystore"] / results["rate.web3.send_per_s"]
    assert abs(results["ratio.portal.ballots_keystore_vs_raw"] - ratio) < 0.01
    assert results["rate.web3.send_per_s"] > 0
    assert results["rate.web3.ballot_send_per_s"] > 0
    ratio = results["rate.portal.ballots_per_s"] / results["rate.web3.ballot_send_per_s"]
    assert abs(results["ratio.portal.ballots_vs_raw_ballots"] - ratio) < 0.01
    assert len((tmp_path / "portal-bench.jsonl").read_text().splitlines()) == 8


def test_assets_size() -> None:
    size = assets_kb()["size.portal.assets_kb"]
    static = ROOT / "src" / "furusato" / "portal" / "static"
    assert size == round(sum(p.stat().st_size for p in static.glob("*.*s")) / 1024, 1)
    assert 1 < size < 200
