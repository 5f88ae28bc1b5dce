"""Text files in and out: spreadsheet text as Japanese offices save it, YAML mappings, and atomic writes."""

from __future__ import annotations

import os
import tempfile
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from furusato.errors import ConfigError, Problem, TextEncodingError

__all__ = [
    "atomic_write",
    "clean_cell",
    "decode_spreadsheet_text",
    "header_columns",
    "header_names",
    "load_yaml_mapping",
]


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


def leading_blank_rows(table: list[list[str]]) -> int:
    """How many rows before a CSV's header are blank (a spreadsheet export may start with empty lines, after a BOM
    too): the header is ``table[n]`` on line ``n + 1``. ``len(table)`` when every row is blank."""
    for index, row in enumerate(table):
        if any(cell.strip() for cell in row):
            return index
    return len(table)


def clean_cell(value: str) -> str:
    """A cell as it is matched: NFKC-normalised (full-width digits and letters become ASCII) and trimmed."""
    return unicodedata.normalize("NFKC", value).strip()


def header_names(columns: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """``{accepted header, as matched: column}`` from ``{column: accepted headers}`` (matched: :func:`clean_cell`,
    then case-folded)."""
    return {clean_cell(alias).casefold(): column for column, aliases in columns.items() for alias in aliases}


def header_columns(header: Sequence[str], names: Mapping[str, str]) -> tuple[dict[int, str], list[Problem]]:
    """The columns a header row names (``{index: column}``, by :func:`header_names`; other cells are ignored), and a
    problem on line 1 for each column named twice."""
    columns: dict[int, str] = {}
    problems: list[Problem] = []
    for index, cell in enumerate(header):
        column = names.get(clean_cell(cell).casefold())
        if column is None:
            continue
        if column in columns.values():
            problems.append(Problem(1, f"two columns mean {column!r}: remove one of them (column {index + 1})"))
        columns[index] = column
    return columns, problems


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
