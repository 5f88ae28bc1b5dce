"""furusato.merkle: OpenZeppelin StandardMerkleTree in Python, cross-checked against the JS library itself."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from eth_abi.abi import encode as abi_encode
from eth_utils.crypto import keccak
from hypothesis import given, settings
from hypothesis import strategies as st

from furusato.errors import InputError
from furusato.merkle import MultiProof, StandardMerkleTree, verify, verify_multi_proof
from furusato.rewards.tree import LEAF_ENCODING

REPO = Path(__file__).resolve().parents[2]
OZ_MERKLE = REPO / "node_modules" / "@openzeppelin" / "merkle-tree"
OZ_VERSION = "1.0.8"
REWARD = list(LEAF_ENCODING)  # (epoch, index, account, amount)
ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
BOB = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"


def _address(i: int) -> str:
    return "0x" + keccak(i.to_bytes(32, "big"))[:20].hex()


def _reward_values(n: int) -> list[list[Any]]:
    return [[202612, i, _address(i), (i + 1) * 10**18 + i] for i in range(n)]


def _expected_leaf(types: list[str], value: list[Any]) -> str:
    return "0x" + keccak(keccak(abi_encode(types, value))).hex()


def test_openzeppelin_readme_example_root_and_proof() -> None:
    # The example in @openzeppelin/merkle-tree's README.
    values = [
        ["0x1111111111111111111111111111111111111111", "5000000000000000000"],
        ["0x2222222222222222222222222222222222222222", "2500000000000000000"],
    ]
    tree = StandardMerkleTree.of(values, ["address", "uint256"])
    assert tree.root == "0xd4dee0beab2d53f2cc83e567171bd2820e49898130a22622b10ead383e90bd77"
    assert tree.get_proof(0) == ["0xb92c48e9d7abe27fd8dfd6b5dfdbfb1c9a463f80c712b66f3a5180a090cccafc"]


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 13, 33])
def test_every_proof_verifies_and_a_changed_value_does_not(n: int) -> None:
    values = _reward_values(n)
    tree = StandardMerkleTree.of(values, REWARD)
    proofs = tree.all_proofs()
    assert len(proofs) == n
    for i, value in enumerate(values):
        assert proofs[i] == tree.get_proof(i) == tree.get_proof(value)
        assert tree.verify(i, proofs[i])
        assert verify(tree.root, REWARD, value, proofs[i])
        cheat = [value[0], value[1], value[2], value[3] + 1]
        assert not tree.verify(cheat, proofs[i])
        assert not verify(tree.root, REWARD, cheat, proofs[i])


def test_single_leaf_tree_root_is_the_leaf_hash() -> None:
    tree = StandardMerkleTree.of([[1, 0, ALICE, 5]], REWARD)
    assert tree.root == _expected_leaf(REWARD, [1, 0, ALICE, 5])
    assert tree.get_proof(0) == []


def test_leaves_are_sorted_so_value_order_does_not_change_the_root() -> None:
    values = _reward_values(9)
    assert StandardMerkleTree.of(values, REWARD).root == StandardMerkleTree.of(values[::-1], REWARD).root


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 2**256 - 1),
    st.binary(min_size=20, max_size=20),
    st.integers(0, 2**256 - 1),
    st.integers(-(2**7), 2**7 - 1),
    st.booleans(),
    st.binary(min_size=4, max_size=4),
)
def test_word_encoding_matches_eth_abi(epoch: int, raw: bytes, amount: int, small: int, flag: bool, b4: bytes) -> None:
    address = "0x" + raw.hex()
    tree = StandardMerkleTree.of([[epoch, amount, address, amount]], REWARD)
    value = [epoch, amount, address, amount]
    assert tree.leaf_hash(value) == _expected_leaf(REWARD, value)
    types = ["int8", "bool", "bytes4"]
    other = StandardMerkleTree.of([[small, flag, b4]], types)
    assert other.root == _expected_leaf(types, [small, flag, b4])


def test_dynamic_types_use_abi_encoding() -> None:
    types = ["string", "uint8[]", "bytes"]
    value = ["草刈り", [1, 2, 3], b"\x01\x02"]
    tree = StandardMerkleTree.of([value], types)
    assert tree.root == _expected_leaf(types, value)


def test_dump_is_standard_v1_with_canonical_values() -> None:
    lower = ALICE.lower()
    tree = StandardMerkleTree.of([[202612, 0, lower, 10**18], [202612, "0x1", BOB, "0x10"]], REWARD)
    dump = tree.dump()
    assert list(dump) == ["format", "leafEncoding", "tree", "values"]
    assert dump["format"] == "standard-v1"
    assert dump["leafEncoding"] == REWARD
    assert len(dump["tree"]) == 3
    assert all(node.startswith("0x") and node == node.lower() and len(node) == 66 for node in dump["tree"])
    assert [v["value"] for v in dump["values"]] == [
        ["202612", "0", ALICE, "1000000000000000000"],
        ["202612", "1", BOB, "16"],
    ]
    assert sorted(v["treeIndex"] for v in dump["values"]) == [1, 2]


def test_dump_load_round_trip() -> None:
    tree = StandardMerkleTree.of(_reward_values(21), REWARD)
    dump = json.loads(json.dumps(tree.dump()))
    loaded = StandardMerkleTree.load(dump)
    assert loaded.root == tree.root
    assert loaded.dump() == tree.dump()
    assert loaded.all_proofs() == tree.all_proofs()
    assert loaded.values == tree.values


def _tampered(change: str) -> dict[str, Any]:
    dump = StandardMerkleTree.of(_reward_values(4), REWARD).dump()
    if change == "format":
        dump["format"] = "simple-v1"
    elif change == "encoding":
        dump["leafEncoding"] = ["uint256", "tuple(uint256)"]
    elif change == "node":
        dump["tree"][1] = "0x" + "00" * 32
    elif change == "value":
        dump["values"][0]["value"][3] = "1"
    elif change == "hidden-leaf":
        dump["values"].pop()
    elif change == "tree-index":
        dump["values"][0]["treeIndex"] = 0
    elif change == "shared-leaf":
        dump["values"][1] = dict(dump["values"][0])
    elif change == "not-hex":
        dump["tree"][2] = "0xzz"
    return dump


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ("format", "unknown format 'simple-v1'"),
        ("encoding", "unsupported ABI type 'tuple(uint256)'"),
        ("node", "tree[0] is not the hash of its children"),
        ("value", "values[0] does not hash to"),
        ("hidden-leaf", "the tree has 4 leaves but 'values' has 3 entries"),
        ("tree-index", "values[0].treeIndex 0 is not a leaf index"),
        ("shared-leaf", "two values share one leaf"),
        ("not-hex", "tree[2] is not a 32-byte 0x-hex string"),
    ],
)
def test_load_rejects_a_bad_dump_naming_source_and_problem(change: str, problem: str) -> None:
    with pytest.raises(InputError) as info:
        StandardMerkleTree.load(_tampered(change), source="out/tree.json")
    assert str(info.value).startswith("out/tree.json: ")
    assert problem in str(info.value)


@pytest.mark.parametrize(
    ("values", "types", "problem"),
    [
        ([], REWARD, "non-zero number of leaves"),
        ([[1, 0, ALICE]], REWARD, "must be a list of 4 items"),
        ([[1, 0, ALICE.replace("C8", "c8"), 1]], REWARD, "wrong EIP-55 checksum"),
        ([[1, 0, "0x1234", 1]], REWARD, "not 0x followed by 40 hex digits"),
        ([[-1, 0, ALICE, 1]], REWARD, "uint256: -1 is out of range"),
        ([[2**256, 0, ALICE, 1]], REWARD, "out of range"),
        ([[1.5, 0, ALICE, 1]], REWARD, "expected an integer"),
        ([[True, 0, ALICE, 1]], REWARD, "expected an integer"),
        ([["12abc", 0, ALICE, 1]], REWARD, "not a decimal or 0x-hex integer"),
        ([[1]], ["uint7"], "unsupported ABI type 'uint7'"),
        ([[b"\x01"]], ["bytes2"], "expected 2 bytes"),
        ([[[1, 2]]], ["uint8[3]"], "expected 3 items"),
    ],
)
def test_of_rejects_bad_values(values: list[list[Any]], types: list[str], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        StandardMerkleTree.of(values, types)


def test_get_proof_of_unknown_value_or_index() -> None:
    tree = StandardMerkleTree.of(_reward_values(3), REWARD)
    with pytest.raises(ValueError, match="is not in the tree"):
        tree.get_proof([202612, 0, ALICE, 1])
    with pytest.raises(IndexError, match="out of bounds"):
        tree.get_proof(3)


# --- multiproofs -----------------------------------------------------------------------------------------------


def _ranges(n: int) -> list[list[int]]:
    """Index sets a push distributor asks for: contiguous ranges, plus the edge cases."""
    sets = [[0], [n - 1], list(range(n)), list(range(n // 2)), list(range(n // 3, n))]
    sets += [list(range(start, min(start + 7, n))) for start in range(0, n, 7)]
    return [s for s in sets if s]


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 13, 33])
def test_multi_proof_of_every_range_verifies(n: int) -> None:
    values = _reward_values(n)
    tree = StandardMerkleTree.of(values, REWARD)
    for indices in _ranges(n):
        multi = tree.get_multi_proof(indices)
        assert isinstance(multi, MultiProof)
        leaves, proof, flags = multi
        # the same set of values, in verifier order (by tree index descending), not in the order asked for
        assert sorted(leaf[1] for leaf in leaves) == indices
        assert len(leaves) + len(proof) == len(flags) + 1
        assert tree.verify_multi_proof(multi)
        assert verify_multi_proof(tree.root, REWARD, leaves, proof, flags)
        # any value given by itself instead of by index gives the same multiproof, in any order
        assert tree.get_multi_proof([values[i] for i in reversed(indices)]) == multi


def test_multi_proof_leaf_order_is_by_tree_index_descending() -> None:
    tree = StandardMerkleTree.of(_reward_values(20), REWARD)
    leaves, _, _ = tree.get_multi_proof(range(20))
    dump = tree.dump()
    tree_index = {v["value"][1]: v["treeIndex"] for v in dump["values"]}
    order = [tree_index[str(leaf[1])] for leaf in leaves]
    assert order == sorted(order, reverse=True)
    assert [leaf[1] for leaf in leaves] != list(range(20))  # unrelated to value order


def test_multi_proof_of_the_whole_tree_needs_no_proof_nodes() -> None:
    tree = StandardMerkleTree.of(_reward_values(9), REWARD)
    _, proof, flags = tree.get_multi_proof(list(range(9)))
    assert proof == []
    assert flags == [True] * 8


def test_multi_proof_rejects_a_changed_leaf_order_or_value() -> None:
    tree = StandardMerkleTree.of(_reward_values(16), REWARD)
    leaves, proof, flags = tree.get_multi_proof([3, 4, 5, 6, 7])
    assert not verify_multi_proof(tree.root, REWARD, leaves[::-1], proof, flags)
    cheat = [*leaves[:-1], (*leaves[-1][:3], leaves[-1][3] + 1)]
    assert not verify_multi_proof(tree.root, REWARD, cheat, proof, flags)
    assert proof
    assert not tree.verify_multi_proof(MultiProof(leaves, [tree.root, *proof[1:]], flags))


def test_multi_proof_of_nothing_is_the_root() -> None:
    tree = StandardMerkleTree.of(_reward_values(5), REWARD)
    assert tree.get_multi_proof([]) == MultiProof([], [tree.root], [])
    assert tree.verify_multi_proof(tree.get_multi_proof([]))


def test_multi_proof_errors() -> None:
    tree = StandardMerkleTree.of(_reward_values(5), REWARD)
    with pytest.raises(ValueError, match="Cannot prove duplicated index"):
        tree.get_multi_proof([1, 2, 1])
    with pytest.raises(IndexError, match="out of bounds"):
        tree.get_multi_proof([5])
    with pytest.raises(ValueError, match="is not in the tree"):
        tree.get_multi_proof([[202612, 0, ALICE, 1]])
    leaves, proof, flags = tree.get_multi_proof([0, 1])
    with pytest.raises(ValueError, match="not compatible"):
        verify_multi_proof(tree.root, REWARD, leaves, [*proof, tree.root], flags)
    with pytest.raises(ValueError, match="Invalid multiproof format"):  # a false flag but no proof node left
        verify_multi_proof(tree.root, REWARD, leaves, [], [False])
    with pytest.raises(ValueError, match="Invalid multiproof format"):  # a true flag but one leaf in the queue
        verify_multi_proof(tree.root, REWARD, leaves[:1], [tree.root], [True])


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40).flatmap(lambda n: st.tuples(st.just(n), st.sets(st.integers(0, n - 1)))))
def test_multi_proof_of_any_subset_verifies(case: tuple[int, set[int]]) -> None:
    n, indices = case
    tree = StandardMerkleTree.of(_reward_values(n), REWARD)
    multi = tree.get_multi_proof(sorted(indices))
    assert sorted(leaf[1] for leaf in multi.leaves) == sorted(indices)
    assert verify_multi_proof(tree.root, REWARD, *multi)


# --- cross-check against @openzeppelin/merkle-tree itself (node) ---------------------------------------------

_JS = """
const fs = require('fs');
const { StandardMerkleTree } = require(process.argv[2]);
const dump = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const loaded = StandardMerkleTree.load(dump);
const built = StandardMerkleTree.of(dump.values.map(v => v.value), dump.leafEncoding);
const proofs = [];
for (const [i] of loaded.entries()) proofs.push(loaded.getProof(i));
process.stdout.write(JSON.stringify({
  loadedRoot: loaded.root, builtRoot: built.root, proofs, builtDump: JSON.stringify(built.dump()),
}));
"""


def _run_js(tmp_path: Path, tree: StandardMerkleTree) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("`node` is not on PATH: the OpenZeppelin cross-check needs Node 20 (see package.json)")
    if not (OZ_MERKLE / "package.json").is_file():
        pytest.fail(f"{OZ_MERKLE} is missing: run `npm ci` in {REPO}")
    version = json.loads((OZ_MERKLE / "package.json").read_text())["version"]
    if version != OZ_VERSION:
        pytest.fail(f"@openzeppelin/merkle-tree is {version}, this cross-check is for {OZ_VERSION}")
    script = tmp_path / "check.js"
    script.write_text(_JS)
    dump_file = tmp_path / "tree.json"
    dump_file.write_text(json.dumps(tree.dump(), ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        [node, str(script), str(OZ_MERKLE), str(dump_file)], capture_output=True, text=True, timeout=60, check=False
    )
    if done.returncode != 0:
        pytest.fail(f"node failed ({done.returncode}): {done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize(
    ("types", "values"),
    [
        (REWARD, [*_reward_values(37), [202612, 37, ALICE, 1], [202612, 37, ALICE, 1]]),
        (
            ["string", "bool", "bytes32", "uint8[]", "int256", "address", "bytes", "uint64[2]"],
            [
                ["草刈り", True, "0x" + "ab" * 32, [1, 2, 3], -5, BOB, "0x", [7, 8]],
                ["祭りの準備", False, "0x" + "00" * 32, [], 2**255 - 1, ALICE, "0xdeadbeef", [0, 2**64 - 1]],
                ["", True, "0x" + "ff" * 32, [255], -(2**255), ALICE.lower(), "0x00", [1, 1]],
            ],
        ),
    ],
    ids=["reward-leaves", "generic-types"],
)
def test_openzeppelin_js_agrees(tmp_path: Path, types: list[str], values: list[list[Any]]) -> None:
    tree = StandardMerkleTree.of(values, types)
    js = _run_js(tmp_path, tree)
    assert js["loadedRoot"] == tree.root
    assert js["builtRoot"] == tree.root
    assert js["proofs"] == tree.all_proofs()
    assert js["builtDump"] == json.dumps(tree.dump(), separators=(",", ":"), ensure_ascii=False)


_JS_MULTI = """
const fs = require('fs');
const { StandardMerkleTree } = require(process.argv[2]);
const tree = StandardMerkleTree.load(JSON.parse(fs.readFileSync(process.argv[3], 'utf8')));
const sets = JSON.parse(fs.readFileSync(process.argv[4], 'utf8'));
const out = sets.map(indices => {
  const m = tree.getMultiProof(indices);
  return { leaves: m.leaves, proof: m.proof, proofFlags: m.proofFlags, ok: tree.verifyMultiProof(m) };
});
process.stdout.write(JSON.stringify(out));
"""


@pytest.mark.parametrize("n", [1, 2, 7, 16, 37, 100])
def test_openzeppelin_js_multi_proofs_agree(tmp_path: Path, n: int) -> None:
    tree = StandardMerkleTree.of(_reward_values(n), REWARD)
    sets = [*_ranges(n), [i for i in range(n) if i % 3 == 1], list(range(n))[::-1], []]
    _run_js(tmp_path, tree)  # checks node and the library version
    script = tmp_path / "multi.js"
    script.write_text(_JS_MULTI)
    (tmp_path / "sets.json").write_text(json.dumps(sets))
    done = subprocess.run(
        [
            shutil.which("node") or "node",
            str(script),
            str(OZ_MERKLE),
            str(tmp_path / "tree.json"),
            str(tmp_path / "sets.json"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    js = json.loads(done.stdout)
    as_json = {tuple(v["value"]): v["value"] for v in tree.dump()["values"]}
    for indices, theirs in zip(sets, js, strict=True):
        ours = tree.get_multi_proof(indices)
        assert theirs["ok"]
        assert theirs["proof"] == ours.proof
        assert theirs["proofFlags"] == ours.proof_flags
        ours_json = [as_json[tuple(str(x) if isinstance(x, int) else x for x in leaf)] for leaf in ours.leaves]
        assert theirs["leaves"] == ours_json
