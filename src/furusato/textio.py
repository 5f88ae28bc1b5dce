"""Text files in and out: spreadsheet text as Japanese offices save it, YAML mappings, and atomic writes."""

from __future__ import annotations

import os
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from furusato.errors import ConfigError, TextEncodingError

__all__ = ["atomic_write", "clean_cell", "decode_spreadsheet_text", "load_yaml_mapping"]


def decode_spreadsheet_text(data: bytes) -> tuple[str, str]:
    """The text of a spreadsheet export and the encoding used: UTF-8 with BOM (Excel's "CSV UTF-8"), UTF-8, or
    Shift_JIS (code page 932, Excel's default "CSV" in Japan). UTF-16 and undecodable bytes raise
    :class:`~furusato.errors.TextEncodingError` (``line``: the first line that fails)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TextEncodingError("the file is UTF-16 (Excel 'Unicode text'); save it as 'CSV UTF-8' instead")
    has_bom = data.startswith(b"\xef\xbb\xbf")
    try:
        return (data.decode("utf-8-sig"), "utf-8-sig") if has_bom else (data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if not has_bom:
        try:
            return data.decode("cp932"), "cp932"
        except UnicodeDecodeError:
            pass
    line = data[: utf8_error.start].count(b"\n") + 1
    raise TextEncodingError(
        "cannot decode the text: it is neither UTF-8 nor Shift_JIS (cp932); save the sheet as 'CSV UTF-8'", line
    )


def clean_cell(value: str) -> str:
    """A cell as it is matched: NFKC-normalised (full-width digits and letters become ASCII) and trimmed."""
    return unicodedata.normalize("NFKC", value).strip()


def load_yaml_mapping(path: Path, what: str) -> dict[str, Any]:
    """The top-level mapping of a UTF-8 YAML file; ConfigError names the file and ``what`` it should be (e.g.
    ``"a proposal spec"``) when it cannot be read, is not YAML or is not a mapping."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level ({what} is a mapping of keys to values)")
    return data


def atomic_write(path: Path, data: bytes | str, *, mode: int = 0o644) -> None:
    """Write ``data`` (str: as UTF-8) to ``path`` atomically — a temporary file in the same folder, flushed to disk,
    then renamed over ``path`` — so a crash never leaves half a file. Creates the folder; ``mode`` is the file's
    permission bits (``0o644``: public, e.g. a deployment record; ``0o600`` for secrets)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
