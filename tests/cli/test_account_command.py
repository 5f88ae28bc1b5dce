"""`furusato account new KEYSTORE`: a V3 keystore readable by its owner only, its address printed; the password
asked twice or read from --password-file / FURUSATO_PASSWORD_FILE; an existing file is never replaced."""

from __future__ import annotations

import getpass
import json
import stat
from pathlib import Path
from typing import Any

from furusato.accounts import load_keystore

PASSWORD = "a keystore password"


def password_file(tmp_path: Path, text: str = PASSWORD + "\n") -> Path:
    path = tmp_path / "password.txt"
    path.write_text(text)
    return path


def test_account_new_writes_a_v3_keystore_readable_by_its_owner_only(cli, tmp_path):
    keystore = tmp_path / "deployer.json"
    made = cli("account", "new", str(keystore), "--password-file", str(password_file(tmp_path)), chain=False)
    assert made.exit_code == 0, made.output
    address = made.output.split()[2]
    assert made.output.startswith(f"new account {address} written to {keystore}")
    assert stat.S_IMODE(keystore.stat().st_mode) == 0o600
    data = json.loads(keystore.read_text())
    assert data["version"] == 3
    assert data["crypto"]["kdf"] == "scrypt"
    assert load_keystore(keystore, PASSWORD).address == address  # the password of the file, the printed address
    assert {p.name for p in tmp_path.iterdir()} == {"password.txt", "deployer.json"}  # no temporary file left

    other = cli("account", "new", str(tmp_path / "staff.json"), "--password-file", str(password_file(tmp_path)),
                chain=False)  # fmt: skip
    assert other.exit_code == 0, other.output
    assert other.output.split()[2] != address  # a new random key each time


def test_account_new_reads_the_password_file_of_the_environment(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("FURUSATO_PASSWORD_FILE", str(password_file(tmp_path)))
    keystore = tmp_path / "coordinator.json"
    made = cli("account", "new", str(keystore), chain=False)
    assert made.exit_code == 0, made.output
    assert load_keystore(keystore, PASSWORD).address == made.output.split()[2]


def test_account_new_never_overwrites_a_file(cli, tmp_path):
    keystore = tmp_path / "deployer.json"
    keystore.write_text('{"version": 3, "the": "old key"}')
    refused = cli("account", "new", str(keystore), "--password-file", str(password_file(tmp_path)), chain=False)
    assert refused.exit_code == 2
    assert f"{keystore} already exists: a keystore is never overwritten" in refused.output
    assert keystore.read_text() == '{"version": 3, "the": "old key"}'
    assert "Traceback" not in refused.output


def test_account_new_refuses_a_bad_password_file_and_writes_nothing(cli, tmp_path):
    keystore = tmp_path / "deployer.json"
    missing = cli("account", "new", str(keystore), "--password-file", str(tmp_path / "nope.txt"), chain=False)
    assert missing.exit_code == 2
    assert "cannot read the password file" in missing.output
    for text in ("", "\n", "short\n"):
        short = cli("account", "new", str(keystore), "--password-file", str(password_file(tmp_path, text)),
                    chain=False)  # fmt: skip
        assert short.exit_code == 2, text
        assert "a keystore password needs at least 8" in short.output
    no_folder = cli("account", "new", str(tmp_path / "no" / "k.json"), "--password-file",
                    str(password_file(tmp_path)), chain=False)  # fmt: skip
    assert no_folder.exit_code == 2
    assert "create it first" in no_folder.output
    assert not keystore.exists()
    assert not (tmp_path / "no").exists()


def test_account_new_asks_the_password_twice(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("FURUSATO_PASSWORD_FILE", raising=False)
    typed: list[str] = []

    def type_in(answers: list[str]) -> Any:
        typed[:] = answers
        return lambda prompt: typed.pop(0)

    keystore = tmp_path / "me.json"
    monkeypatch.setattr(getpass, "getpass", type_in([PASSWORD, PASSWORD + "x"]))
    differ = cli("account", "new", str(keystore), chain=False)
    assert differ.exit_code == 2
    assert "the two passwords differ: nothing was written" in differ.output
    assert not keystore.exists()

    monkeypatch.setattr(getpass, "getpass", type_in([PASSWORD, PASSWORD]))
    made = cli("account", "new", str(keystore), chain=False)
    assert made.exit_code == 0, made.output
    assert typed == []  # asked twice
    assert load_keystore(keystore, PASSWORD).address == made.output.split()[2]
