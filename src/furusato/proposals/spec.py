"""Proposal specs: a YAML file a person writes, turned into targets / values / calldatas and a description.

Format (see ``examples/proposals/``)::

    title: 草刈り機の購入
    description: |
      Markdown, Japanese or English.
    actions:
      - {kind: pay, token: ETH, to: "0x…", amount: "1.5", memo: "mower"}
      - {kind: appropriate, category: festival, steward: "0x…", token: ETH, amount: "2", expires: "2027-03-31"}
      - {kind: cancel_budget_line, line: 3}
      - {kind: grant_minter, account: "0x…"}        # revoke_minter likewise
      - {kind: governor_setting, setting: voting_period, value: "7 days"}
      - {kind: set_guardian, address: "0x…"}        # or `none`
      - {kind: call, target: rewards, function: setMemberCap, args: ["2500000000000000000000"]}

Amounts are whole units of the token (its ``decimals()``), written as integers or quoted decimals. Times are ISO
dates or datetimes (JST unless they carry an offset) or Unix timestamps. Every problem is reported with the action's
position, all at once, before anything is sent.

This module is the loader: it reads the file, checks the top-level fields, builds each action with
:mod:`furusato.proposals.actions` (the action kinds; a ``call``'s arguments are read by
:mod:`furusato.proposals.abi_args`), checks the treasury's balances and simulates the calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from web3 import Web3
from web3.types import TxParams

from furusato.abi import to_checksum_address
from furusato.accounts import PUBLIC_TEST_MNEMONIC, public_test_addresses
from furusato.errors import ConfigError, SpecActionError
from furusato.governance import Proposal
from furusato.proposals.actions import BuiltAction, SpecContext, build_action, check_balances
from furusato.proposals.dao import Dao
from furusato.textio import load_yaml_mapping

__all__ = ["BuiltAction", "BuiltProposal", "build", "build_file", "describe", "load_spec", "revert_reason"]


@dataclass(frozen=True)
class BuiltProposal:
    """A validated spec: the proposal to send, what each action does, and warnings worth reading."""

    title: str
    proposal: Proposal
    actions: tuple[BuiltAction, ...]
    warnings: tuple[str, ...] = ()

    def preview(self) -> list[str]:
        """A readable preview, printed before anything is sent."""
        p = self.proposal
        lines = [f"proposal: {self.title}", f"  id {p.proposal_id}", f"  {len(self.actions)} action(s):"]
        for i, built in enumerate(self.actions, 1):
            a = built.action
            lines.append(f"  {i}. {built.summary}")
            lines.append(
                f"     -> {built.function} on {a.target}, value {a.value} wei, calldata 0x{a.calldata[:4].hex()}… "
                f"({len(a.calldata)} bytes)"
            )
        lines.append("  description:")
        lines += [f"    | {line}" for line in p.description.rstrip("\n").split("\n")]
        lines += [f"  warning: {w}" for w in self.warnings]
        return lines


def load_spec(path: Path) -> dict[str, Any]:
    """Read a spec file (YAML, UTF-8)."""
    return load_yaml_mapping(path, "a proposal spec")


def describe(title: str, body: str) -> str:
    """The on-chain description: a markdown heading with the title, then the body."""
    return f"# {title.strip()}\n\n{body.strip()}\n"


def build(
    data: dict[str, Any], dao: Dao, *, source: str = "spec", earliest_execution: int | None = None
) -> BuiltProposal:
    """Validate a spec against the chain and turn it into a :class:`BuiltProposal`; ConfigError lists every problem."""
    ctx = SpecContext(dao)
    unknown = set(data) - {"title", "description", "actions"}
    if unknown:
        ctx.errors.append(f"unknown field(s) {', '.join(sorted(unknown))} (expected title, description, actions)")
    title = data.get("title")
    body = data.get("description")
    if not isinstance(title, str) or not title.strip():
        ctx.errors.append("title: required, a line of text")
    elif "\n" in title.strip():
        ctx.errors.append("title: must be a single line")
    if not isinstance(body, str) or not body.strip():
        ctx.errors.append("description: required, markdown text")
    raw_actions = data.get("actions")
    built: list[BuiltAction] = []
    if not isinstance(raw_actions, list) or not raw_actions:
        ctx.errors.append("actions: required, a non-empty list")
        raw_actions = []
    if earliest_execution is None:
        earliest_execution = _earliest_execution(dao)
    for i, raw in enumerate(raw_actions):
        where = f"actions[{i}]"
        try:
            built.append(build_action(ctx, raw, where, earliest_execution))
        except SpecActionError as exc:
            ctx.errors.append(f"{where}{f' ({exc.kind})' if exc.kind else ''}: {exc}")
    check_balances(ctx)
    if not ctx.errors:
        _simulate(ctx, built)
    if ctx.errors:
        raise ConfigError(f"{source}: {len(ctx.errors)} problem(s):\n  - " + "\n  - ".join(ctx.errors))
    assert isinstance(title, str)
    assert isinstance(body, str)
    proposal = Proposal(tuple(b.action for b in built), describe(title, body))
    return BuiltProposal(title.strip(), proposal, tuple(built), tuple(ctx.warnings))


def public_test_accounts_in(built: BuiltProposal) -> list[str]:
    """Every account of the public test mnemonic an action names — as its target or as an address argument
    (every 32-byte word of the calldata holding one) — as ``actions[i]: 0x…`` lines."""
    public = public_test_addresses()
    found = []
    for i, b in enumerate(built.actions):
        words = [b.action.calldata[4 + k : 4 + k + 32] for k in range(0, len(b.action.calldata) - 4, 32)]
        named = [b.action.target] + ["0x" + w[12:].hex() for w in words if len(w) == 32 and not any(w[:12])]
        found += [f"actions[{i}]: {to_checksum_address(a)}" for a in dict.fromkeys(x.lower() for x in named)
                  if a in public]  # fmt: skip
    return found


def refuse_public_test_accounts(built: BuiltProposal, network: str) -> None:
    """On a network other than development, refuse a proposal that hands power, tokens or ETH to an account of the
    public test mnemonic (its private key is published: anyone could use what the proposal gives it)."""
    found = public_test_accounts_in(built)
    if found:
        raise ConfigError(
            f"the proposal names accounts of the public test mnemonic ('{PUBLIC_TEST_MNEMONIC}'), whose private "
            f"keys are published, on '{network}': {'; '.join(found)}. Anyone could act as them: put the town's own "
            "addresses in the spec."
        )


def build_file(path: Path, dao: Dao) -> BuiltProposal:
    """:func:`build` for a spec file."""
    return build(load_spec(path), dao, source=str(path))


def _earliest_execution(dao: Dao) -> int:
    g = dao.governor.functions
    return (
        dao.now()
        + int(g.votingDelay().call())
        + int(g.votingPeriod().call())
        + int(dao.timelock.functions.getMinDelay().call())
    )


def revert_reason(exc: Exception, dao: Dao) -> str | None:
    """The decoded custom error of a revert raised by web3 or by Brownie's web3 (which raises ValueError)."""
    candidates: list[Any] = [getattr(exc, "data", None), *(exc.args[:1] if exc.args else [])]
    for item in candidates:
        data = item.get("data") if isinstance(item, dict) else item
        if isinstance(data, str) and data.startswith("0x") and len(data) >= 10:
            return dao.decoder.decode(data)
    message = str(exc)
    return message if "revert" in message else None


def _simulate(ctx: SpecContext, built: list[BuiltAction]) -> None:
    """Warn about actions that would revert if the timelock ran them now (calls to the governor itself cannot be
    simulated: it only accepts them during execution; nor can actions sending ETH the timelock does not hold yet)."""
    dao = ctx.dao
    for i, b in enumerate(built):
        a = b.action
        if a.target == dao.governor.address or a.value:
            continue
        tx: TxParams = {"from": dao.timelock.address, "to": Web3.to_checksum_address(a.target), "data": a.calldata}
        try:
            dao.w3.eth.call(tx)
        except Exception as exc:
            reason = revert_reason(exc, dao)
            if reason is not None:
                ctx.warnings.append(f"actions[{i}] ({b.kind}) would revert if executed now: {reason}")
