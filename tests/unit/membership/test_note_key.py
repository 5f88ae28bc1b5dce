"""Keyed note hashes of the member list (HMAC-SHA256 with the town's note key): deterministic, key-dependent,
refused without a key, and note key files checked with errors that name the problem. No chain needed."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from web3 import Web3

from furusato.errors import ConfigError
from furusato.membership.registry_import import (
    MemberListError,
    load_note_key,
    new_note_key,
    note_hash,
    parse_note_key,
    read_member_list,
)

KEY = bytes(range(32))
OTHER = bytes(range(1, 33))
MEMBER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
MEMBER_2 = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"


def test_note_hash_is_hmac_sha256_of_the_nfkc_text_deterministic_and_key_dependent():
    # known answer, computed outside Python:
    # printf '町の台帳 No.12' | openssl dgst -sha256 -mac HMAC -macopt hexkey:000102…1f
    expected = "15bbf3fe6dcaefb5c20728bd30e511983e74bdcd36f413bf8cbbb3d976787eae"
    assert note_hash("町の台帳 No.12", KEY).hex() == expected
    assert note_hash("町の台帳 No.12", KEY) == note_hash("町の台帳 No.12", KEY)
    assert note_hash("  町の台帳 Ｎｏ．１２ ", KEY).hex() == expected  # NFKC, trimmed
    assert note_hash("町の台帳 No.12", OTHER) != note_hash("町の台帳 No.12", KEY)
    assert note_hash("町の台帳 No.13", KEY) != note_hash("町の台帳 No.12", KEY)
    assert note_hash("町の台帳 No.12", KEY) != bytes(Web3.keccak(text="町の台帳 No.12"))  # not the guessable hash
    assert len(note_hash("x", KEY)) == 32
    with pytest.raises(ConfigError, match="at least 32 bytes, got 16"):
        note_hash("x", KEY[:16])


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_member_list_with_notes_is_refused_without_a_key_and_hashed_with_one(tmp_path):
    path = write(tmp_path / "m.csv", f"member,kind,note\n{MEMBER},住民,会員番号 7\n{MEMBER_2},supporter,\n")
    with pytest.raises(MemberListError) as refused:
        read_member_list(path)
    message = str(refused.value)
    assert "1 problem in the member list; nothing was sent" in message
    assert "notes on line(s) 2 need the town's note key (--note-key-file or FURUSATO_NOTE_KEY_FILE)" in message
    assert "cannot be guessed from the chain" in message
    assert "furusato registry new-note-key PATH" in message

    rows = read_member_list(path, KEY).rows
    assert rows[0].record_hash == note_hash("会員番号 7", KEY)
    assert rows[1].record_hash == b"\x00" * 32  # no note, no hash
    assert read_member_list(path, OTHER).rows[0].record_hash != rows[0].record_hash
    assert read_member_list(path, KEY).rows == rows  # a re-import computes the same hashes

    plain = write(tmp_path / "plain.csv", f"member,kind\n{MEMBER},住民\n")
    assert read_member_list(plain).rows[0].record_hash == b"\x00" * 32  # no notes: no key needed


def test_every_line_with_a_note_is_named_and_other_problems_are_still_reported(tmp_path):
    lines = [f"{Web3.to_checksum_address(Web3.keccak(text=str(i))[:20])},resident,note {i}" for i in range(12)]
    path = write(tmp_path / "many.csv", "member,kind,note\n" + "\n".join(lines) + "\n0x12,resident,\n")
    with pytest.raises(MemberListError) as refused:
        read_member_list(path)
    assert "notes on line(s) 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 2 more need" in str(refused.value)
    assert "line 14: member '0x12' is not an address" in str(refused.value)
    assert len(refused.value.problems) == 2


@pytest.mark.parametrize(
    "content",
    [KEY.hex(), KEY.hex() + "\n", "0x" + KEY.hex().upper() + "\r\n", "  " + KEY.hex() + "  \n"],
)
def test_hex_key_files(tmp_path, content):
    assert load_note_key(write(tmp_path / "k", content)) == KEY


def test_parse_note_key_names_its_source():
    assert parse_note_key(b"0x" + KEY.hex().encode(), "the vault") == KEY
    with pytest.raises(ConfigError, match="the note key file the vault is empty"):
        parse_note_key(b"\n", "the vault")


def test_raw_key_file(tmp_path):
    raw = bytes([0x00, 0xFF, 0x10, 0x80]) + os.urandom(28)
    path = tmp_path / "raw.key"
    path.write_bytes(raw)
    assert load_note_key(path) == raw


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "is empty"),
        (b" \n", "is empty"),
        (KEY.hex()[:62].encode(), "holds 62 hex digits (31 bytes); a note key needs at least 32 bytes (64 hex digits)"),
        (KEY.hex()[:63].encode(), "has an odd number of hex digits (63)"),
        (b"our town secret: kamiyama-2027-relationship-population", "holds text that is not hex (a passphrase?)"),
        (b"0x", "holds text that is not hex"),
        (b"0" * 64, "only 1 distinct byte values: it is not random"),
        (bytes([0x00, 0xFF]) * 16, "only 2 distinct byte values"),
        (bytes([0x00, 0xFF, 0x01]) * 5, "holds 15 raw bytes (15 bytes); a note key needs at least 32 bytes"),
    ],
)
def test_bad_key_files_are_refused_naming_the_problem(tmp_path, content, problem):
    path = tmp_path / "bad.key"
    path.write_bytes(content)
    with pytest.raises(ConfigError) as refused:
        load_note_key(path)
    assert problem in str(refused.value)
    assert str(path) in str(refused.value)


def test_a_missing_key_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match=r"cannot read the note key file .*nope\.key: No such file"):
        load_note_key(tmp_path / "nope.key")


def test_new_note_key_writes_32_random_bytes_as_hex_owner_only_and_never_overwrites(tmp_path):
    path = tmp_path / "town-note.key"
    new_note_key(path)
    text = path.read_text(encoding="ascii")
    assert len(text) == 65
    assert text.endswith("\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = load_note_key(path)
    assert len(key) == 32
    with pytest.raises(ConfigError, match="already exists: a note key is never overwritten"):
        new_note_key(path)
    assert path.read_text(encoding="ascii") == text
    other = tmp_path / "second.key"
    new_note_key(other)
    assert load_note_key(other) != key


@pytest.mark.parametrize("prefix", ["\n", "\ufeff\n\n", "\ufeff\r\n,,\r\n"])
def test_blank_lines_before_a_member_list_header_are_skipped(tmp_path, prefix):
    """The trap: a blank line (or a BOM and a blank line) before the header was reported as "the file is empty"."""
    path = tmp_path / "m.csv"
    path.write_bytes((prefix + f"member,kind\n{MEMBER},住民\n{MEMBER_2},supporter\n").encode("utf-8"))
    rows = read_member_list(path).rows
    skipped = prefix.count("\n")
    assert [(r.line, r.kind) for r in rows] == [(skipped + 2, 0), (skipped + 3, 2)]
    path.write_bytes((prefix + "\n").encode("utf-8"))
    with pytest.raises(MemberListError, match="the file is empty"):
        read_member_list(path)
