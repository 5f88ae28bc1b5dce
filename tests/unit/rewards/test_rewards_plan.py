"""furusato.rewards.plan and .outputs: the plan folder, its files, and atomic, non-clobbering writes."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest

from furusato.merkle import StandardMerkleTree
from furusato.rewards import plan
from furusato.rewards.activity_log import ActivityLogError
from furusato.rewards.outputs import PLAN_FILES, PlanExistsError, write_outputs

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples"
LOG = EXAMPLES / "activity-2026-12.csv"
SJIS_LOG = EXAMPLES / "activity-2026-12-sjis.csv"
POLICY = EXAMPLES / "rewards-policy.yaml"
ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
BOB = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_plan_of_the_example(tmp_path: Path) -> None:
    out = tmp_path / "out" / "2026-12"
    result = plan(LOG, POLICY, "2026-12", out)
    assert result.out_dir == out
    assert sorted(p.name for p in out.iterdir()) == sorted(PLAN_FILES)
    assert _files(out) == result.files

    document = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert document == {
        "format": "furusato-rewards-plan-v1",
        "epoch": {"id": 202612, "start": "2026-12-01", "end": "2026-12-31"},
        "root": result.tree.root,
        "leaf_encoding": ["uint256", "uint256", "address", "uint256"],
        "count": 5,
        "total": str(7745 * 10**18),
        "budget": str(20000 * 10**18),
        "decimals": 18,
        "scaled": False,
        "policy_sha256": _sha256(POLICY),
        "log_sha256": _sha256(LOG),
        "tree_sha256": _sha256(out / "tree.json"),
    }

    tree = StandardMerkleTree.load(json.loads((out / "tree.json").read_text(encoding="utf-8")))
    assert tree.root == result.tree.root
    amounts = {member: amount for _, _, member, amount in tree.values}
    assert amounts[ALICE] == 2500 * 10**18  # earned 2740, capped at 2500
    assert amounts[BOB] == 1315 * 10**18
    assert {epoch for epoch, _, _, _ in tree.values} == {202612}
    # index = position in tree.json's values = members by address ascending
    assert [index for _, index, _, _ in tree.values] == list(range(5))
    members = [member for _, _, member, _ in tree.values]
    assert members == sorted(members, key=str.lower)

    raw = (out / "allocation.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    totals = {r["member"]: r for r in table if r["kind"] == "total"}
    assert totals[ALICE]["earned"] == "2740"
    assert totals[ALICE]["allocation"] == "2500"
    assert totals[ALICE]["allocation_base_units"] == str(2500 * 10**18)
    assert "capped" in totals[ALICE]["note"]
    assert len([r for r in table if r["kind"] == "row"]) == 21
    first = next(r for r in table if r["kind"] == "row" and r["line"] == "2")
    assert (first["activity"], first["quantity"], first["rate"], first["earned"], first["note"]) == (
        "grass_cutting",
        "3",
        "100",
        "300",
        "公民館裏の草刈り",
    )

    summary = (out / "summary.txt").read_text(encoding="utf-8")
    for expected in [
        "202612 (2026-12-01 – 2026-12-31)",
        "合計 / Total: 7745 tokens",
        "按分 / Scaled: no",
        "上限適用 / Capped members: 1",
        f"{ALICE}: earned 2740 tokens, capped at 2500 tokens",
        f"Merkle root: {result.tree.root}",
    ]:
        assert expected in summary


def test_shift_jis_log_gives_the_same_tree_and_allocation(tmp_path: Path) -> None:
    utf8 = plan(LOG, POLICY, "2026-12", tmp_path / "utf8")
    sjis = plan(SJIS_LOG, POLICY, "2026-12", tmp_path / "sjis")
    assert sjis.files["tree.json"] == utf8.files["tree.json"]
    assert sjis.files["allocation.csv"] == utf8.files["allocation.csv"]
    assert sjis.log.encoding == "cp932"


def test_same_inputs_give_byte_identical_files_and_rerunning_is_allowed(tmp_path: Path) -> None:
    first = plan(LOG, POLICY, "2026-12", tmp_path / "a")
    second = plan(LOG, POLICY, "2026-12", tmp_path / "b")
    assert first.files == second.files
    again = plan(LOG, POLICY, "2026-12", tmp_path / "a")
    assert _files(tmp_path / "a") == again.files == first.files


def test_a_different_plan_is_not_overwritten_unless_asked(tmp_path: Path) -> None:
    out = tmp_path / "out"
    before = plan(LOG, POLICY, "2026-12", out).files
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY.read_text(encoding="utf-8").replace("member_cap: 2500", "member_cap: 2000"), "utf-8")
    with pytest.raises(PlanExistsError, match="already holds a different plan"):
        plan(LOG, policy, "2026-12", out)
    assert _files(out) == before
    after = plan(LOG, policy, "2026-12", out, overwrite=True)
    assert _files(out) == after.files != before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "policy.yaml"]  # no temporary folders left


def test_a_folder_with_other_files_is_never_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(PlanExistsError, match=r"holds other files \(notes.txt\)"):
        plan(LOG, POLICY, "2026-12", out, overwrite=True)
    assert _files(out) == {"notes.txt": b"keep me"}
    file_target = tmp_path / "file"
    file_target.write_text("x", encoding="utf-8")
    with pytest.raises(PlanExistsError, match="is not a folder"):
        plan(LOG, POLICY, "2026-12", file_target)


def test_an_empty_existing_folder_is_used(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    plan(LOG, POLICY, "2026-12", out)
    assert sorted(p.name for p in out.iterdir()) == sorted(PLAN_FILES)


def test_a_failed_run_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(LOG.read_text(encoding="utf-8") + f"{ALICE},dancing,1,2026/12/02,\r\n", encoding="utf-8")
    with pytest.raises(ActivityLogError, match="line 23: unknown activity type 'dancing'"):
        plan(bad, POLICY, "2026-12", tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]


def test_write_outputs_cleans_up_when_writing_fails(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_outputs(tmp_path / "out", {"plan.json": b"{}", "missing-dir/x": b""})
    assert list(tmp_path.iterdir()) == []


def test_epoch_from_the_policy_and_scaling(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    text = POLICY.read_text(encoding="utf-8").replace("epoch_budget: 20000", "epoch_budget: 7000")
    policy.write_text(text + "epoch:\n  id: 9\n  start: 2026-12-01\n  end: 2026-12-31\n", encoding="utf-8")
    result = plan(LOG, policy, None, tmp_path / "out")
    assert result.epoch.id == 9
    assert {epoch for epoch, _, _, _ in result.tree.values} == {9}
    assert result.allocation.scaled
    assert result.allocation.total == 7000 * 10**18
    document = json.loads(result.files["plan.json"])
    assert document["scaled"] is True
    assert document["total"] == str(7000 * 10**18)
    summary = result.files["summary.txt"].decode("utf-8")
    assert (
        "按分 / Scaled: yes — 7745 tokens earned after the cap exceeded the budget; every member × 0.90380890"
        in summary
    )


def test_spreadsheet_formulas_in_notes_are_neutralised(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text(f'member,activity,quantity,date,note\n{ALICE},草刈り,1,2026-12-01,=HYPERLINK("x")\n', "utf-8")
    result = plan(log, POLICY, "2026-12", tmp_path / "out")
    rows = list(csv.reader(io.StringIO(result.files["allocation.csv"].decode("utf-8-sig"))))
    assert rows[1][-1] == '\'=HYPERLINK("x")'
