"""`furusato portal serve`: what it refuses before serving (the pages themselves are tested in tests/portal)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def test_plans_without_a_plan_folder_are_refused_before_serving(cli: Any, dao: Any, tmp_path: Path) -> None:
    (tmp_path / "out" / "notes").mkdir(parents=True)
    result = cli("portal", "serve", "--read-only", "--plans", str(tmp_path / "out"), "--port", "0")
    assert result.exit_code == 2, result.output
    assert f"error: {tmp_path / 'out'} holds no reward plan (no plan.json in it or in its subfolders)" in result.output
    assert "furusato rewards plan --out DIR" in result.output
    assert "Traceback" not in result.output
    assert "open http://" not in result.output  # nothing was served
