"""`furusato rewards plan` as a coordinator runs it: dry run writes nothing, a real run writes the plan, bad input
exits 2 naming file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


@pytest.fixture
def plan(cli):
    """`furusato rewards plan ARGS…` (reads no deployment)."""
    return lambda *args: cli("rewards", "plan", *args, chain=False)


def test_dry_run_checks_everything_and_writes_nothing(tmp_path, plan):
    out = tmp_path / "plan"
    result = plan(str(EXAMPLES / "activity-2026-12-sjis.csv"), "--policy", str(EXAMPLES / "rewards-policy.yaml"),
                  "--epoch", "2026-12", "--out", str(out), "--dry-run")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "dry run: nothing written" in result.output
    assert not out.exists()


def test_a_real_run_writes_the_four_files(tmp_path, plan):
    out = tmp_path / "plan"
    result = plan(str(EXAMPLES / "activity-2026-12.csv"), "--policy", str(EXAMPLES / "rewards-policy.yaml"),
                  "--epoch", "2026-12", "--out", str(out))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["allocation.csv", "plan.json", "summary.txt", "tree.json"]


def test_a_bad_row_is_named_and_nothing_is_written(tmp_path, plan):
    log = tmp_path / "log.csv"
    lines = (EXAMPLES / "activity-2026-12.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("草刈り", "宇宙旅行", 1)
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "plan"
    result = plan(str(log), "--policy", str(EXAMPLES / "rewards-policy.yaml"), "--epoch", "2026-12", "--out", str(out))
    assert result.exit_code == 2
    assert "line 3" in result.output
    assert "宇宙旅行" in result.output
    assert not out.exists()
