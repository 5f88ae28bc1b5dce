"""Every address a command takes goes through one click type (`cli.options.ADDRESS`): a mixed-case address with a
wrong EIP-55 checksum, or something that is not an address, is refused with click's usage error naming the
parameter — before a deployment opens or a key is asked for — and a right one arrives checksummed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from furusato.cli import main
from furusato.cli.options import ADDRESS, AddressParam

GOOD = "0x52908400098527886E0F7030069857D2E4169EE7"  # EIP-55's own test vector
WRONG_CASE = GOOD[:-2] + GOOD[-2].lower() + GOOD[-1]  # one letter's case flipped (E to e): the checksum catches it
NOT_AN_ADDRESS = "0x52908400098527886E0F7030069857D2E4169E"  # a digit short

# Every command parameter that names an account or a contract (`delegate TO` also takes `self` and `none`; the core
# checks it). A new address parameter belongs here and must use ADDRESS.
EXPECTED = {
    ("ballot", "export"): {"voter", "delegator", "delegatee", "owner", "spender"},
    ("budget", "round", "finalize"): {"round_address"},
    ("budget", "round", "status"): {"round_address"},
    ("budget", "round", "vote"): {"round_address", "voter"},
    ("member", "show"): {"address"},
    ("registry", "revoke"): {"address"},
    ("registry", "show"): {"address"},
    ("rewards", "claim"): {"member"},
    ("sale", "claim"): {"address", "buyer"},
    ("sale", "finalize"): {"address"},
    ("sale", "refund"): {"address", "buyer"},
    ("sale", "start"): {"sale_address"},
    ("sale", "status"): {"address", "buyer"},
    ("treasury", "fund"): {"token"},
}


def _commands(cmd: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    if isinstance(cmd, click.Group):
        for name, sub in cmd.commands.items():
            yield from _commands(sub, (*path, name))
    else:
        yield path, cmd


def _address_params() -> list[tuple[tuple[str, ...], click.Parameter]]:
    return [(path, p) for path, cmd in _commands(main) for p in cmd.params if isinstance(p.type, AddressParam)]


def test_every_address_parameter_uses_the_address_type() -> None:
    found: dict[tuple[str, ...], set[str]] = {}
    for path, param in _address_params():
        found.setdefault(path, set()).add(str(param.name))
    assert found == EXPECTED


def _invoke(path: tuple[str, ...], param: click.Parameter, value: str, tmp: Path) -> click.testing.Result:
    """The command with ``value`` for ``param`` and acceptable values for its other arguments (a folder, a file, a
    choice), so only the address can be what is refused."""
    (tmp / "file.yaml").write_text("{}\n")
    cmd = dict(_commands(main))[path]
    others: list[str] = []
    for p in cmd.params:
        if isinstance(p, click.Argument) and p is not param:
            kind = p.type
            if isinstance(kind, click.Choice):
                others.append(str(kind.choices[0]))
            elif isinstance(kind, click.Path):
                others.append(str(tmp if kind.dir_okay else tmp / "file.yaml"))
            else:
                others.append("x")
    given = [param.opts[0], value, *others] if isinstance(param, click.Option) else [value]
    # `--network nowhere`: had the command opened a deployment before checking, the error would name the network
    return CliRunner().invoke(main, [*path, *given, "--network", "nowhere"], catch_exceptions=False)


@pytest.mark.parametrize(("path", "param"), _address_params(), ids=lambda v: " ".join(v) if isinstance(v, tuple)
                         else str(v.name))  # fmt: skip
def test_a_wrong_checksum_or_a_non_address_is_a_usage_error_naming_the_parameter(
    path: tuple[str, ...], param: click.Parameter, tmp_path: Path
) -> None:
    shown = param.opts[0] if isinstance(param, click.Option) else str(param.human_readable_name)
    for value, problem in ((WRONG_CASE, "has a wrong EIP-55 checksum (a typo?)"),
                           (NOT_AN_ADDRESS, "is not an address (0x followed by 40 hex digits)")):  # fmt: skip
        result = _invoke(path, param, value, tmp_path)
        assert result.exit_code == 2, result.output
        assert f"Invalid value for '{shown}': '{value}' {problem}" in result.output
        assert "nowhere" not in result.output
        assert "Traceback" not in result.output


@pytest.mark.parametrize("value", [GOOD, GOOD.lower(), "0x" + GOOD[2:].upper(), GOOD[2:].lower()])
def test_an_address_in_one_case_or_with_its_checksum_arrives_checksummed(value: str) -> None:
    assert ADDRESS.convert(value, None, None) == GOOD
