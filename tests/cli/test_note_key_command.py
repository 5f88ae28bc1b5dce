"""`furusato registry new-note-key`, and `furusato registry import` refusing a member list's notes before any
deployment record or network is reached (no key, a bad key file, a key file readable by others). No chain needed.
The note key core is tested in tests/unit/membership/test_note_key.py."""

from __future__ import annotations

from pathlib import Path

MEMBER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_cli_new_note_key_and_import_refusals_before_connecting(tmp_path, monkeypatch, cli):
    monkeypatch.delenv("FURUSATO_NOTE_KEY_FILE", raising=False)
    path = tmp_path / "town.key"
    made = cli("registry", "new-note-key", str(path), chain=False)
    assert made.exit_code == 0, made.output
    assert f"note key written to {path} (mode 0600)" in made.output
    assert "keep it secret and backed up" in made.output
    again = cli("registry", "new-note-key", str(path), chain=False)
    assert again.exit_code == 2
    assert "already exists: a note key is never overwritten" in again.output

    # refused while reading the files, before the deployment record or any network is reached
    csv_path = write(tmp_path / "m.csv", f"member,kind,備考\n{MEMBER},住民,田中 花子\n")
    base = [
        "registry",
        "import",
        str(csv_path),
        "--network",
        "no-such-network",
        "--yes",
        "--deployments",
        str(tmp_path),
    ]
    keyless = cli(*base, chain=False)
    assert keyless.exit_code == 2
    assert "notes on line(s) 2 need the town's note key" in keyless.output
    assert "nothing was sent" in keyless.output
    short = write(tmp_path / "short.key", "abcd\n")
    bad = cli(*base, "--note-key-file", str(short), chain=False)
    assert bad.exit_code == 2
    assert f"the note key file {short} holds 4 hex digits (2 bytes)" in bad.output
    monkeypatch.setenv("FURUSATO_NOTE_KEY_FILE", str(short))  # the environment names the key file too
    assert f"the note key file {short} holds 4 hex digits" in cli(*base, chain=False).output
    monkeypatch.setenv("FURUSATO_NOTE_KEY_FILE", str(path))
    keyed = cli(*base, chain=False)  # the files are now clean: it gets as far as the deployment record
    assert keyed.exit_code == 2
    assert "no network called 'no-such-network'" in keyed.output
    assert "note key" not in keyed.output
    path.chmod(0o644)
    warned = cli(*base, chain=False)
    assert f"warning: the note key file {path} is readable by other users; `chmod 600 {path}`" in warned.output
