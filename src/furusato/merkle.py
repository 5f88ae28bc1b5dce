"""OpenZeppelin ``StandardMerkleTree`` in Python, matching npm ``@openzeppelin/merkle-tree`` 1.0.8 exactly.

The construction, as in the JS library:

* leaf hash = ``keccak256(keccak256(abi.encode(leafEncoding, value)))`` (double hashing guards against
  second-preimage attacks with 64-byte leaves);
* node hash = ``keccak256(sort(a, b))`` — the two children are ordered as unsigned integers before hashing,
  which is what OpenZeppelin's ``MerkleProof.verify`` expects;
* leaves are sorted by hash (the library's default ``sortLeaves: true``; a stable sort, so equal values keep
  their order);
* the tree is a complete binary tree stored as an array: node ``i`` has children ``2i+1`` and ``2i+2`` and
  the ``k``-th sorted leaf sits at index ``len(tree) - 1 - k``; the root is ``tree[0]``.

:meth:`StandardMerkleTree.dump` writes the library's ``standard-v1`` JSON shape (``format``, ``leafEncoding``,
``tree`` as ``0x``-prefixed lowercase hex, ``values`` as ``{"value", "treeIndex"}``), and
:meth:`StandardMerkleTree.load` reads one back, checking every hash. ``JSON.stringify`` of the JS library's
``dump()`` for the same values is byte-identical to ``json.dumps(tree.dump(), separators=(",", ":"),
ensure_ascii=False)``.

Values are normalised so that a dump is canonical: integers become decimal strings, addresses EIP-55
checksummed strings, ``bytes``/``bytesN`` lowercase ``0x`` hex. Input may be given in any form the JS library
accepts for these types (ints or decimal / ``0x`` hex strings for integers; addresses as hex strings — a
mixed-case address must carry a valid EIP-55 checksum — or 20 raw bytes). Supported ABI types: ``uintN``,
``intN``, ``address``, ``bool``, ``bytesN``, ``bytes``, ``string`` and arrays of them (``T[]``, ``T[k]``);
tuples are not supported.

Multiproofs: :meth:`StandardMerkleTree.get_multi_proof` returns what the JS library's ``getMultiProof`` returns
(the leaves in the order OpenZeppelin's ``MerkleProof.multiProofVerify`` consumes them — by tree position,
deepest and right-most first, which is unrelated to value order —, the proof and the proof flags), and
:meth:`StandardMerkleTree.verify_multi_proof` / :func:`verify_multi_proof` check one as ``processMultiProof`` does.

Errors: building from bad values raises :class:`ValueError`; loading a bad dump raises
:class:`furusato.errors.InputError` naming the source and the problem. :meth:`StandardMerkleTree.load` is
stricter than the JS library in one respect: every leaf must carry exactly one value, so a dump cannot hide
leaves that nobody can see.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, NamedTuple

from eth_abi.abi import encode as abi_encode
from eth_hash.backends.pysha3 import keccak256
from faster_eth_utils.address import to_checksum_address

from furusato.errors import InputError

__all__ = ["FORMAT", "MultiProof", "StandardMerkleTree", "verify", "verify_multi_proof"]

FORMAT = "standard-v1"

_WORD = 32
_ADDRESS_RE = re.compile(r"0x[0-9a-fA-F]{40}")
_HEX_RE = re.compile(r"0x(?:[0-9a-fA-F]{2})*")
_DECIMAL_RE = re.compile(r"-?[0-9]+")
_HEX_INT_RE = re.compile(r"0x[0-9a-fA-F]+")
_ARRAY_RE = re.compile(r"(.+)\[([0-9]*)\]")
_INT_RE = re.compile(r"(u?)int([0-9]*)")
_BYTES_N_RE = re.compile(r"bytes([0-9]+)")


@dataclass(frozen=True)
class _Codec:
    """How one ABI type is normalised, written to JSON and (for static elementary types) ABI-encoded."""

    normalize: Callable[[Any], Any]
    to_json: Callable[[Any], Any]
    word: Callable[[Any], bytes] | None


def _identity(value: Any) -> Any:
    return value


def _integer_codec(abi_type: str, signed: bool, bits: int) -> _Codec:
    low = -(1 << (bits - 1)) if signed else 0
    high = (1 << (bits - 1)) - 1 if signed else (1 << bits) - 1

    def normalize(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError(f"{abi_type}: expected an integer or a decimal/0x-hex string, got {value!r}")
        if isinstance(value, int):
            number = value
        elif _DECIMAL_RE.fullmatch(value):
            number = int(value)
        elif _HEX_INT_RE.fullmatch(value):
            number = int(value, 16)
        else:
            raise ValueError(f"{abi_type}: {value!r} is not a decimal or 0x-hex integer")
        if not low <= number <= high:
            raise ValueError(f"{abi_type}: {number} is out of range")
        return number

    def word(value: int) -> bytes:
        return (value % (1 << 256)).to_bytes(_WORD, "big")

    return _Codec(normalize, str, word)


def _normalize_address(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        if len(value) != 20:
            raise ValueError(f"address: expected 20 bytes, got {len(value)}")
        return to_checksum_address(bytes(value))
    if not isinstance(value, str) or not _ADDRESS_RE.fullmatch(value):
        raise ValueError(f"address: {value!r} is not 0x followed by 40 hex digits")
    checksummed = to_checksum_address(value)
    digits = value[2:]
    if value != checksummed and digits != digits.lower() and digits != digits.upper():
        raise ValueError(f"address: {value!r} has a wrong EIP-55 checksum (expected {checksummed})")
    return checksummed


def _address_word(value: str) -> bytes:
    return bytes(12) + bytes.fromhex(value[2:])


def _normalize_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"bool: expected true or false, got {value!r}")
    return value


def _bool_word(value: bool) -> bytes:
    return (1 if value else 0).to_bytes(_WORD, "big")


def _normalize_string(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"string: expected a string, got {value!r}")
    return value


def _bytes_codec(size: int | None) -> _Codec:
    name = "bytes" if size is None else f"bytes{size}"

    def normalize(value: Any) -> bytes:
        if isinstance(value, str) and _HEX_RE.fullmatch(value):
            value = bytes.fromhex(value[2:])
        if not isinstance(value, bytes | bytearray):
            raise ValueError(f"{name}: expected bytes or a 0x-hex string, got {value!r}")
        if size is not None and len(value) != size:
            raise ValueError(f"{name}: expected {size} bytes, got {len(value)}")
        return bytes(value)

    def to_json(value: bytes) -> str:
        return "0x" + value.hex()

    def word(value: bytes) -> bytes:
        return value.ljust(_WORD, b"\0")

    return _Codec(normalize, to_json, None if size is None else word)


def _array_codec(abi_type: str, inner: _Codec, size: int | None) -> _Codec:
    def normalize(value: Any) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple):
            raise ValueError(f"{abi_type}: expected a list, got {value!r}")
        if size is not None and len(value) != size:
            raise ValueError(f"{abi_type}: expected {size} items, got {len(value)}")
        return tuple(inner.normalize(item) for item in value)

    def to_json(value: tuple[Any, ...]) -> list[Any]:
        return [inner.to_json(item) for item in value]

    return _Codec(normalize, to_json, None)


def _codec(abi_type: str) -> _Codec:
    """Return the codec of one ABI type string, or raise ValueError if it is not supported."""
    if not isinstance(abi_type, str):
        raise ValueError(f"leaf encoding must list ABI type strings, got {abi_type!r}")
    array = _ARRAY_RE.fullmatch(abi_type)
    if array:
        size = int(array.group(2)) if array.group(2) else None
        return _array_codec(abi_type, _codec(array.group(1)), size)
    if abi_type == "address":
        return _Codec(_normalize_address, _identity, _address_word)
    if abi_type == "bool":
        return _Codec(_normalize_bool, _identity, _bool_word)
    if abi_type == "string":
        return _Codec(_normalize_string, _identity, None)
    if abi_type == "bytes":
        return _bytes_codec(None)
    fixed = _BYTES_N_RE.fullmatch(abi_type)
    if fixed and 1 <= int(fixed.group(1)) <= _WORD and not fixed.group(1).startswith("0"):
        return _bytes_codec(int(fixed.group(1)))
    integer = _INT_RE.fullmatch(abi_type)
    if integer:
        bits = int(integer.group(2)) if integer.group(2) else 256
        if 8 <= bits <= 256 and bits % 8 == 0 and not integer.group(2).startswith("0"):
            return _integer_codec(abi_type, not integer.group(1), bits)
    raise ValueError(f"unsupported ABI type {abi_type!r}")


class _LeafCodec:
    """Normalises, ABI-encodes and hashes leaves of one leaf encoding."""

    def __init__(self, leaf_encoding: Sequence[str]) -> None:
        if isinstance(leaf_encoding, str) or not isinstance(leaf_encoding, Sequence) or not leaf_encoding:
            raise ValueError(f"leaf encoding must be a non-empty list of ABI types, got {leaf_encoding!r}")
        self.types = tuple(leaf_encoding)
        self.codecs = tuple(_codec(t) for t in self.types)
        self._normalizers = tuple(c.normalize for c in self.codecs)
        words = [c.word for c in self.codecs]
        # Static elementary types encode as one 32-byte word each: concatenate them instead of calling eth_abi.
        self._words: tuple[Callable[[Any], bytes], ...] | None = (
            tuple(w for w in words if w is not None) if all(w is not None for w in words) else None
        )

    def normalize(self, value: Any) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple) or len(value) != len(self.types):
            raise ValueError(f"leaf value must be a list of {len(self.types)} items {list(self.types)}, got {value!r}")
        return tuple([normalize(v) for normalize, v in zip(self._normalizers, value, strict=True)])

    def encode(self, value: tuple[Any, ...]) -> bytes:
        if self._words is not None:
            return b"".join([w(v) for w, v in zip(self._words, value, strict=True)])
        return bytes(abi_encode(self.types, value))

    def leaf_hash(self, value: tuple[Any, ...]) -> bytes:
        return keccak256(keccak256(self.encode(value)))

    def to_json(self, value: tuple[Any, ...]) -> list[Any]:
        return [c.to_json(v) for c, v in zip(self.codecs, value, strict=True)]


def _node_hash(a: bytes, b: bytes) -> bytes:
    return keccak256(a + b if a <= b else b + a)


def _hex(node: bytes) -> str:
    return "0x" + node.hex()


def _to_node(node: str | bytes) -> bytes:
    """Parse a 32-byte node given as 0x hex or raw bytes."""
    raw = bytes.fromhex(node[2:]) if isinstance(node, str) and _HEX_RE.fullmatch(node) else node
    if not isinstance(raw, bytes) or len(raw) != _WORD:
        raise ValueError(f"Merkle nodes must be 32 bytes, got {node!r}")
    return raw


def _process_proof(leaf: bytes, proof: Iterable[str | bytes]) -> bytes:
    node = leaf
    for sibling in proof:
        node = _node_hash(node, _to_node(sibling))
    return node


class MultiProof(NamedTuple):
    """A multiproof, as the JS library's ``getMultiProof`` returns it."""

    leaves: list[tuple[Any, ...]]
    """The proven values (normalised), in the order the verifier consumes them: by tree index descending."""
    proof: list[str]
    """Sibling hashes (0x hex) the verifier takes when a flag is false, in order."""
    proof_flags: list[bool]
    """One per hash step: true takes the second operand from the leaves/computed queue, false from ``proof``."""


def _process_multi_proof(leaves: Sequence[bytes], proof: Sequence[str | bytes], proof_flags: Sequence[bool]) -> bytes:
    """The root a multiproof gives, as ``processMultiProof`` in the JS library (and in OpenZeppelin's Solidity)."""
    nodes = [_to_node(node) for node in proof]
    flags = list(proof_flags)
    if any(not isinstance(flag, bool) for flag in flags):
        raise ValueError("Invalid multiproof format: proof flags must be booleans")
    if len(nodes) < flags.count(False):
        raise ValueError("Invalid multiproof format")
    if len(leaves) + len(nodes) != len(flags) + 1:
        raise ValueError("Provided leaves and multiproof are not compatible")
    queue = deque(leaves)
    siblings = deque(nodes)
    for flag in flags:
        if len(queue) < (2 if flag else 1):
            raise ValueError("Invalid multiproof format")
        a = queue.popleft()
        b = queue.popleft() if flag else siblings.popleft()
        queue.append(_node_hash(a, b))
    if len(queue) + len(siblings) != 1:
        raise ValueError("Invalid multiproof format")
    return queue.pop() if queue else siblings.popleft()


class StandardMerkleTree:
    """A Merkle tree of ABI-encoded values, compatible with OpenZeppelin's ``StandardMerkleTree``.

    Build one with :meth:`of` or :meth:`load`. Value indices (``get_proof(3)``) refer to the order the values
    were given in, as in the JS library.
    """

    def __init__(
        self, codec: _LeafCodec, tree: list[bytes], values: list[tuple[Any, ...]], tree_indices: list[int]
    ) -> None:
        """Wrap an already built and checked tree; use :meth:`of` or :meth:`load` instead."""
        self._codec = codec
        self._tree = tree
        self._hex = [_hex(node) for node in tree]
        self._values = values
        self._tree_indices = tree_indices
        self._lookup = {tree[t]: i for i, t in enumerate(tree_indices)}

    @classmethod
    def of(cls, values: Iterable[Sequence[Any]], leaf_encoding: Sequence[str]) -> StandardMerkleTree:
        """Build the tree of ``values`` (each a sequence matching ``leaf_encoding``), leaves sorted by hash."""
        codec = _LeafCodec(leaf_encoding)
        normalized = [codec.normalize(v) for v in values]
        if not normalized:
            raise ValueError("Expected non-zero number of leaves")
        leaf_hash = codec.leaf_hash
        hashes = [leaf_hash(v) for v in normalized]
        order = sorted(range(len(hashes)), key=hashes.__getitem__)
        size = 2 * len(hashes) - 1
        tree: list[bytes] = [b""] * size
        tree_indices = [0] * len(hashes)
        for k, value_index in enumerate(order):
            tree[size - 1 - k] = hashes[value_index]
            tree_indices[value_index] = size - 1 - k
        for i in range(size - 1 - len(hashes), -1, -1):
            left, right = tree[2 * i + 1], tree[2 * i + 2]
            tree[i] = keccak256(left + right if left <= right else right + left)
        return cls(codec, tree, normalized, tree_indices)

    @classmethod
    def load(cls, data: Mapping[str, Any], *, source: str = "Merkle tree dump") -> StandardMerkleTree:
        """Read a ``standard-v1`` dump (as parsed JSON), checking every value and node hash.

        Raises :class:`~furusato.errors.InputError` naming ``source`` (e.g. the file name) and the problem.
        """

        def fail(problem: str) -> InputError:
            return InputError(f"{source}: {problem}")

        if not isinstance(data, Mapping):
            raise fail("expected a JSON object")
        if data.get("format") != FORMAT:
            raise fail(f"unknown format {data.get('format')!r} (expected {FORMAT!r})")
        try:
            codec = _LeafCodec(data.get("leafEncoding") or ())
        except ValueError as exc:
            raise fail(f"leafEncoding: {exc}") from None
        raw_tree, raw_values = data.get("tree"), data.get("values")
        if not isinstance(raw_tree, list) or not raw_tree:
            raise fail("'tree' must be a non-empty list of 32-byte hex strings")
        if not isinstance(raw_values, list):
            raise fail("'values' must be a list")
        tree: list[bytes] = []
        for i, node in enumerate(raw_tree):
            if not (isinstance(node, str) and len(node) == 66 and _HEX_RE.fullmatch(node)):
                raise fail(f"tree[{i}] is not a 32-byte 0x-hex string: {node!r}")
            tree.append(bytes.fromhex(node[2:]))
        size = len(tree)
        if size % 2 == 0:
            raise fail(f"a tree of {size} nodes is not a complete binary tree")
        for i in range(size // 2):
            if tree[i] != _node_hash(tree[2 * i + 1], tree[2 * i + 2]):
                raise fail(f"tree[{i}] is not the hash of its children: the tree is invalid")
        leaves = size // 2 + 1
        if len(raw_values) != leaves:
            raise fail(f"the tree has {leaves} leaves but 'values' has {len(raw_values)} entries")
        values: list[tuple[Any, ...]] = []
        tree_indices: list[int] = []
        for i, entry in enumerate(raw_values):
            if not isinstance(entry, Mapping) or set(entry) != {"value", "treeIndex"}:
                raise fail(f"values[{i}] must be an object with exactly 'value' and 'treeIndex'")
            tree_index = entry["treeIndex"]
            if (
                isinstance(tree_index, bool)
                or not isinstance(tree_index, int)
                or not size - leaves <= tree_index < size
            ):
                raise fail(f"values[{i}].treeIndex {tree_index!r} is not a leaf index")
            try:
                value = codec.normalize(entry["value"])
            except ValueError as exc:
                raise fail(f"values[{i}]: {exc}") from None
            if codec.leaf_hash(value) != tree[tree_index]:
                raise fail(f"values[{i}] does not hash to tree[{tree_index}]")
            values.append(value)
            tree_indices.append(tree_index)
        if len(set(tree_indices)) != leaves:
            raise fail("two values share one leaf, so another leaf has no value")
        return cls(codec, tree, values, tree_indices)

    @property
    def root(self) -> str:
        """The Merkle root as 0x hex."""
        return self._hex[0]

    @property
    def leaf_encoding(self) -> tuple[str, ...]:
        """The ABI types of each leaf value."""
        return self._codec.types

    @property
    def values(self) -> tuple[tuple[Any, ...], ...]:
        """The normalised values, in the order they were given."""
        return tuple(self._values)

    def __len__(self) -> int:
        """Number of values (leaves)."""
        return len(self._values)

    def leaf_hash(self, leaf: Sequence[Any]) -> str:
        """The leaf hash of a value (whether or not it is in the tree), as 0x hex."""
        return _hex(self._codec.leaf_hash(self._codec.normalize(leaf)))

    def _value_index(self, leaf: int | Sequence[Any]) -> int:
        if isinstance(leaf, int) and not isinstance(leaf, bool):
            if not 0 <= leaf < len(self._values):
                raise IndexError(f"value index {leaf} out of bounds (tree has {len(self._values)} values)")
            return leaf
        index = self._lookup.get(self._codec.leaf_hash(self._codec.normalize(leaf)))
        if index is None:
            raise ValueError(f"leaf {leaf!r} is not in the tree")
        return index

    def _proof(self, tree_index: int) -> list[str]:
        proof = []
        hex_nodes = self._hex
        while tree_index > 0:
            proof.append(hex_nodes[tree_index + 1 if tree_index % 2 else tree_index - 1])
            tree_index = (tree_index - 1) // 2
        return proof

    def get_proof(self, leaf: int | Sequence[Any]) -> list[str]:
        """The proof (sibling hashes, leaf to root) of a value given by its index or by the value itself."""
        tree_index = self._tree_indices[self._value_index(leaf)]
        proof = self._proof(tree_index)
        if _process_proof(self._tree[tree_index], proof) != self._tree[0]:
            raise AssertionError("Unable to prove value")  # the tree was checked when built: cannot happen
        return proof

    def all_proofs(self) -> list[list[str]]:
        """Every value's proof, in value order — faster than calling :meth:`get_proof` for each."""
        proof = self._proof
        return [proof(t) for t in self._tree_indices]

    def verify(self, leaf: int | Sequence[Any], proof: Sequence[str | bytes]) -> bool:
        """Whether ``proof`` proves ``leaf`` (a value, or the index of one of this tree's values) in this tree."""
        if isinstance(leaf, int) and not isinstance(leaf, bool):
            leaf = self._values[self._value_index(leaf)]
        return _process_proof(self._codec.leaf_hash(self._codec.normalize(leaf)), proof) == self._tree[0]

    def get_multi_proof(self, leaves: Sequence[int | Sequence[Any]]) -> MultiProof:
        """One proof for several values (each given by its index or by the value itself), as ``getMultiProof``.

        The returned leaves are ordered by tree index descending — the order OpenZeppelin's
        ``MerkleProof.multiProofVerify`` (and ``multiProofVerifyCalldata``) must receive them in —, which is
        unrelated to the order given. Raises IndexError for an index out of bounds, ValueError for a value not in
        the tree or a value given twice ("Cannot prove duplicated index"). No values gives the JS library's
        answer too: no leaves, the root as the only proof node, no flags.
        """
        tree_indices = [self._tree_indices[self._value_index(leaf)] for leaf in leaves]
        tree_indices.sort(reverse=True)
        if any(a == b for a, b in pairwise(tree_indices)):
            raise ValueError("Cannot prove duplicated index")
        hex_nodes = self._hex
        stack = deque(tree_indices)
        proof: list[str] = []
        proof_flags: list[bool] = []
        while stack and stack[0] > 0:
            j = stack.popleft()
            sibling = j + 1 if j % 2 else j - 1
            if stack and stack[0] == sibling:
                proof_flags.append(True)
                stack.popleft()
            else:
                proof_flags.append(False)
                proof.append(hex_nodes[sibling])
            stack.append((j - 1) // 2)
        if not tree_indices:
            proof.append(hex_nodes[0])
        value_at = {t: i for i, t in enumerate(self._tree_indices)}
        multi = MultiProof([self._values[value_at[t]] for t in tree_indices], proof, proof_flags)
        if not self.verify_multi_proof(multi):
            raise AssertionError("Unable to prove values")  # the tree was checked when built: cannot happen
        return multi

    def verify_multi_proof(self, multi_proof: MultiProof) -> bool:
        """Whether ``multi_proof`` (leaves as values, in verifier order) proves its leaves in this tree.

        Raises ValueError for a malformed multiproof (lengths that do not fit), as the JS library does.
        """
        codec = self._codec
        leaves = [codec.leaf_hash(codec.normalize(leaf)) for leaf in multi_proof.leaves]
        return _process_multi_proof(leaves, multi_proof.proof, multi_proof.proof_flags) == self._tree[0]

    def dump(self) -> dict[str, Any]:
        """The ``standard-v1`` dump, ready for ``json.dumps`` (and for JS ``StandardMerkleTree.load``)."""
        to_json = self._codec.to_json
        return {
            "format": FORMAT,
            "leafEncoding": list(self._codec.types),
            "tree": list(self._hex),
            "values": [
                {"value": to_json(v), "treeIndex": t} for v, t in zip(self._values, self._tree_indices, strict=True)
            ],
        }


def verify(root: str | bytes, leaf_encoding: Sequence[str], leaf: Sequence[Any], proof: Sequence[str | bytes]) -> bool:
    """Whether ``proof`` proves ``leaf`` under ``root`` — the JS library's static ``StandardMerkleTree.verify``."""
    codec = _LeafCodec(leaf_encoding)
    return _process_proof(codec.leaf_hash(codec.normalize(leaf)), proof) == _to_node(root)


def verify_multi_proof(
    root: str | bytes,
    leaf_encoding: Sequence[str],
    leaves: Sequence[Sequence[Any]],
    proof: Sequence[str | bytes],
    proof_flags: Sequence[bool],
) -> bool:
    """Whether a multiproof proves ``leaves`` (values, in verifier order) under ``root``.

    The check OpenZeppelin's ``MerkleProof.multiProofVerify`` makes on chain (and the JS library's
    ``processMultiProof``); raises ValueError for a malformed multiproof (lengths that do not fit).
    """
    codec = _LeafCodec(leaf_encoding)
    hashes = [codec.leaf_hash(codec.normalize(leaf)) for leaf in leaves]
    return _process_multi_proof(hashes, proof, proof_flags) == _to_node(root)
