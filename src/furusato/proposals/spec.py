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
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_abi.abi import encode as abi_encode
from eth_abi.grammar import parse as parse_abi_type
from eth_utils.abi import function_abi_to_4byte_selector
from web3 import Web3
from web3.contract import Contract
from web3.types import TxParams

from furusato.config import parse_address
from furusato.constants import ETH, ROLE_MINTER, ZERO_ADDRESS
from furusato.erc20 import ERC20_ABI
from furusato.errors import ConfigError, InputError, SpecActionError
from furusato.governance import Action, Proposal
from furusato.proposals.dao import CONTRACT_ALIASES, Dao
from furusato.textio import load_yaml_mapping
from furusato.units import format_units, local_time, parse_duration, parse_time, parse_units

ACTION_KINDS = (
    "pay",
    "appropriate",
    "cancel_budget_line",
    "grant_minter",
    "revoke_minter",
    "governor_setting",
    "set_guardian",
    "call",
)
#: Governor settings a spec may change: setter, and how the value is read (duration, tokens or percent).
SETTINGS = {
    "voting_delay": ("setVotingDelay", "duration"),
    "voting_period": ("setVotingPeriod", "duration"),
    "proposal_threshold": ("setProposalThreshold", "tokens"),
    "quorum_percent": ("updateQuorumNumerator", "percent"),
    "late_quorum_extension": ("setLateQuorumVoteExtension", "duration"),
}
_FIELDS = {
    "pay": ({"to", "amount"}, {"token", "memo"}),
    "appropriate": ({"category", "steward", "amount", "expires"}, {"token"}),
    "cancel_budget_line": ({"line"}, set()),
    "grant_minter": ({"account"}, set()),
    "revoke_minter": ({"account"}, set()),
    "governor_setting": ({"setting", "value"}, set()),
    "set_guardian": ({"address"}, set()),
    "call": ({"target", "function"}, {"args", "value", "abi"}),
}


@dataclass(frozen=True)
class BuiltAction:
    """One action of a spec: the call and a sentence saying what it does."""

    kind: str
    action: Action
    summary: str
    function: str


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


@dataclass
class _Context:
    dao: Dao
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    payouts: dict[str, int] = field(default_factory=dict)  # token -> total paid by the spec
    decimals: dict[str, tuple[int, str]] = field(default_factory=dict)


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
    ctx = _Context(dao)
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
            built.append(_action(ctx, raw, where, earliest_execution))
        except SpecActionError as exc:
            ctx.errors.append(f"{where}{f' ({exc.kind})' if exc.kind else ''}: {exc}")
    _check_balances(ctx)
    if not ctx.errors:
        _simulate(ctx, built)
    if ctx.errors:
        raise ConfigError(f"{source}: {len(ctx.errors)} problem(s):\n  - " + "\n  - ".join(ctx.errors))
    assert isinstance(title, str)
    assert isinstance(body, str)
    proposal = Proposal(tuple(b.action for b in built), describe(title, body))
    return BuiltProposal(title.strip(), proposal, tuple(built), tuple(ctx.warnings))


def build_file(path: Path, dao: Dao) -> BuiltProposal:
    """:func:`build` for a spec file."""
    return build(load_spec(path), dao, source=str(path))


# ------------------------------------------------------------------------------------------------ actions


def _earliest_execution(dao: Dao) -> int:
    g = dao.governor.functions
    return (
        dao.now()
        + int(g.votingDelay().call())
        + int(g.votingPeriod().call())
        + int(dao.timelock.functions.getMinDelay().call())
    )


def _action(ctx: _Context, raw: Any, where: str, earliest: int) -> BuiltAction:
    if not isinstance(raw, dict):
        raise SpecActionError(f"expected a mapping with a `kind`, got {raw!r}")
    kind = raw.get("kind")
    if kind not in ACTION_KINDS:
        raise SpecActionError(f"unknown kind {kind!r} (one of: {', '.join(ACTION_KINDS)})")
    required, optional = _FIELDS[kind]
    fields = set(raw) - {"kind"}
    missing = required - fields
    if missing:
        raise SpecActionError(f"missing {', '.join(sorted(missing))}", kind)
    extra = fields - required - optional
    if extra:
        raise SpecActionError(f"unknown field(s) {', '.join(sorted(extra))}", kind)
    handler: Callable[[_Context, dict[str, Any], int], BuiltAction] = {
        "pay": _pay,
        "appropriate": _appropriate,
        "cancel_budget_line": _cancel_line,
        "grant_minter": _minter,
        "revoke_minter": _minter,
        "governor_setting": _setting,
        "set_guardian": _guardian,
        "call": _call,
    }[kind]
    try:
        return handler(ctx, raw, earliest)
    except SpecActionError as exc:
        raise SpecActionError(str(exc), kind) from None
    except (ConfigError, InputError) as exc:
        raise SpecActionError(str(exc), kind) from None


def _address(value: Any, name: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML reads an unquoted 0x… as a hex integer; restore it (its checksum cannot be checked then).
        value = f"0x{value:040x}"
    address = parse_address(value, name)
    assert address is not None
    return address


def _token(ctx: _Context, value: Any) -> tuple[str, int, str]:
    """(address, decimals, symbol) of ``value``: ETH, a DAO contract alias, or an ERC-20 address."""
    if value is None or (isinstance(value, str) and value.upper() == "ETH"):
        return ETH, 18, "ETH"
    if isinstance(value, str) and value in ("token", "RegionToken"):
        address: str = ctx.dao.token.address
    else:
        address = _address(value, "token")
    if address == ETH:
        return ETH, 18, "ETH"
    if address not in ctx.decimals:
        w3 = ctx.dao.w3
        if not w3.eth.get_code(Web3.to_checksum_address(address)):
            raise SpecActionError(f"token {address} is not a contract on this chain")
        erc20 = w3.eth.contract(address=Web3.to_checksum_address(address), abi=ERC20_ABI)
        try:
            decimals = int(erc20.functions.decimals().call())
            symbol = str(erc20.functions.symbol().call())
        except Exception as exc:
            raise SpecActionError(f"token {address} does not answer decimals()/symbol(): not an ERC-20?") from exc
        ctx.decimals[address] = (decimals, symbol)
    decimals, symbol = ctx.decimals[address]
    return address, decimals, symbol


def _amount(value: Any, decimals: int, name: str) -> int:
    return parse_units(value, name, decimals, positive=True)


def show_amount(units: int, decimals: int, symbol: str) -> str:
    """``units`` base units as whole tokens: ``1.5 ETH``."""
    return f"{format_units(units, decimals, grouping=False)} {symbol}"


def _built(kind: str, contract: Contract, fn: str, args: list[Any], summary: str, value: int = 0) -> BuiltAction:
    data = contract.encode_abi(fn, args=args)
    action = Action(target=contract.address, value=value, calldata=bytes.fromhex(data[2:]))
    return BuiltAction(kind, action, summary, f"{_name_of(contract)}.{fn}")


def _name_of(contract: Contract) -> str:
    return str(getattr(contract, "_furusato_name", "")) or _guess_name(contract)


def _guess_name(contract: Contract) -> str:
    names = {fn.get("name") for fn in contract.abi if fn.get("type") == "function"}
    for name, marker in (
        ("Treasury", "appropriate"),
        ("RegionGovernor", "castVoteBySig"),
        ("RegionToken", "excludeFromVoting"),
        ("TimelockController", "getMinDelay"),
        ("ActivityRewards", "publish"),
    ):
        if marker in names:
            return name
    return str(contract.address)


def _pay(ctx: _Context, raw: dict[str, Any], _earliest: int) -> BuiltAction:
    token, decimals, symbol = _token(ctx, raw.get("token"))
    to = _address(raw["to"], "to")
    if to == ZERO_ADDRESS:
        raise SpecActionError("to: cannot pay the zero address")
    amount = _amount(raw["amount"], decimals, "amount")
    memo = raw.get("memo", "")
    if not isinstance(memo, str):
        raise SpecActionError(f"memo: expected text, got {memo!r}")
    ctx.payouts[token] = ctx.payouts.get(token, 0) + amount
    shown = show_amount(amount, decimals, symbol)
    summary = f"Treasury pays {shown} to {to}" + (f" ({memo})" if memo else "")
    return _built("pay", ctx.dao.treasury, "pay", [token, to, amount, memo], summary)


def _appropriate(ctx: _Context, raw: dict[str, Any], earliest: int) -> BuiltAction:
    token, decimals, symbol = _token(ctx, raw.get("token"))
    category = raw["category"]
    if not isinstance(category, str) or not category.strip():
        raise SpecActionError("category: expected a name")
    steward = _address(raw["steward"], "steward")
    if steward == ZERO_ADDRESS:
        raise SpecActionError("steward: cannot be the zero address")
    amount = _amount(raw["amount"], decimals, "amount")
    expires = parse_time(raw["expires"], "expires")
    if expires <= earliest:
        raise SpecActionError(
            f"expires {local_time(expires)} is before the proposal could execute (earliest {local_time(earliest)})"
        )
    if expires >= 2**64:
        raise SpecActionError("expires: too far in the future")
    held = _balance(ctx, token)
    shown = show_amount(amount, decimals, symbol)
    if amount > held:
        ctx.warnings.append(
            f"budget line '{category}' appropriates {shown} but the treasury holds "
            f"{show_amount(held, decimals, symbol)}"
            " now: the steward can spend only what is there"
        )
    summary = f"Treasury appropriates {shown} for '{category}', steward {steward}, until {local_time(expires)}"
    return _built("appropriate", ctx.dao.treasury, "appropriate", [category, steward, token, amount, expires], summary)


def _cancel_line(ctx: _Context, raw: dict[str, Any], _earliest: int) -> BuiltAction:
    line = raw["line"]
    if isinstance(line, bool) or not isinstance(line, int) or line <= 0:
        raise SpecActionError(f"line: expected a budget line number, got {line!r}")
    count = int(ctx.dao.treasury.functions.budgetLineCount().call())
    if line > count:
        raise SpecActionError(f"budget line {line} does not exist (the treasury has {count})")
    info = ctx.dao.treasury.functions.budgetLine(line).call()
    category, cancelled = info[0], info[6]
    if cancelled:
        raise SpecActionError(f"budget line {line} ('{category}') is already cancelled")
    return _built(
        "cancel_budget_line", ctx.dao.treasury, "cancelBudgetLine", [line], f"cancel budget line {line} ('{category}')"
    )


def _minter(ctx: _Context, raw: dict[str, Any], _earliest: int) -> BuiltAction:
    kind = str(raw["kind"])
    account = _address(raw["account"], "account")
    if account == ZERO_ADDRESS:
        raise SpecActionError("account: cannot be the zero address")
    has = bool(ctx.dao.token.functions.hasRole(ROLE_MINTER, account).call())
    if kind == "grant_minter":
        if has:
            raise SpecActionError(f"{account} already holds the token's MINTER_ROLE")
        return _built(kind, ctx.dao.token, "grantRole", [ROLE_MINTER, account], f"grant MINTER_ROLE to {account}")
    if not has:
        raise SpecActionError(f"{account} does not hold the token's MINTER_ROLE")
    return _built(kind, ctx.dao.token, "revokeRole", [ROLE_MINTER, account], f"revoke MINTER_ROLE from {account}")


def _setting(ctx: _Context, raw: dict[str, Any], _earliest: int) -> BuiltAction:
    setting = raw["setting"]
    if setting not in SETTINGS:
        raise SpecActionError(f"setting: {setting!r} is not one of {', '.join(SETTINGS)}")
    setter, how = SETTINGS[setting]
    value = raw["value"]
    shown: str
    if how == "duration":
        seconds = parse_duration(value, f"{setting}")
        if setting == "voting_period" and seconds == 0:
            raise SpecActionError("voting_period: must be at least 1 second")
        limit = 2**32 - 1 if setting == "voting_period" else 2**48 - 1
        if seconds > limit:
            raise SpecActionError(f"{setting}: {value!r} is too long")
        number, shown = seconds, f"{seconds} s"
    elif how == "tokens":
        number = 0 if value in (0, "0") else _amount(value, 18, setting)
        shown = show_amount(number, 18, "tokens")
    else:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
            raise SpecActionError(f"quorum_percent: expected a whole percent from 1 to 100, got {value!r}")
        number, shown = value, f"{value}%"
    return _built("governor_setting", ctx.dao.governor, setter, [number], f"governor: set {setting} to {shown}")


def _guardian(ctx: _Context, raw: dict[str, Any], _earliest: int) -> BuiltAction:
    value = raw["address"]
    guardian = (
        ZERO_ADDRESS
        if value is None or (isinstance(value, str) and value.lower() == "none")
        else _address(value, "address")
    )
    who = "nobody (proposers may cancel their own proposals)" if guardian == ZERO_ADDRESS else guardian
    return _built(
        "set_guardian",
        ctx.dao.governor,
        "setProposalGuardian",
        [guardian],
        f"governor: proposal guardian becomes {who}",
    )


# ------------------------------------------------------------------------------------------------ raw calls


_SIGNATURE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\((.*)\)$")


def _call(ctx: _Context, raw: dict[str, Any], _earliest: int) -> BuiltAction:
    target_raw = raw["target"]
    artifact = raw.get("abi")
    if isinstance(target_raw, str) and (target_raw in CONTRACT_ALIASES or target_raw in CONTRACT_ALIASES.values()):
        name = CONTRACT_ALIASES.get(target_raw, target_raw)
        contract = ctx.dao.contract(name)
        if contract is None:
            raise SpecActionError(f"target: this deployment has no {name}")
        target: str = contract.address
        artifact = artifact or name
    else:
        target = _address(target_raw, "target")
        if not artifact:
            raise SpecActionError("abi: name the compiled contract whose ABI the target has (e.g. abi: MockERC20)")
    if not isinstance(artifact, str):
        raise SpecActionError(f"abi: expected a contract name, got {artifact!r}")
    try:
        abi = ctx.dao.abi_of(artifact)
    except Exception as exc:
        raise SpecActionError(f"abi: no known contract ABI named {artifact!r} ({exc})") from None
    if not ctx.dao.w3.eth.get_code(Web3.to_checksum_address(target)):
        raise SpecActionError(f"target {target} is not a contract on this chain")
    fn_abi = _find_function(abi, raw["function"], artifact)
    args = raw.get("args", [])
    if not isinstance(args, list):
        raise SpecActionError(f"args: expected a list, got {args!r}")
    inputs = fn_abi.get("inputs", [])
    signature = f"{fn_abi['name']}({','.join(i['type'] for i in inputs)})"
    if len(args) != len(inputs):
        raise SpecActionError(f"{signature} takes {len(inputs)} argument(s), the spec gives {len(args)}")
    if fn_abi.get("stateMutability") in ("view", "pure"):
        raise SpecActionError(f"{signature} is a {fn_abi['stateMutability']} function: calling it changes nothing")
    values = [
        _coerce(arg, spec["type"], f"argument {spec.get('name') or i} of {signature}")
        for i, (arg, spec) in enumerate(zip(args, inputs, strict=True))
    ]
    value = 0 if raw.get("value") in (None, 0, "0") else _amount(raw.get("value"), 18, "value")
    if value and fn_abi.get("stateMutability") != "payable":
        raise SpecActionError(f"value: {signature} is not payable")
    types = [i["type"] for i in inputs]
    calldata = function_abi_to_4byte_selector(fn_abi) + abi_encode(types, values)  # type: ignore[arg-type]
    shown = ", ".join(repr(v) if not isinstance(v, bytes) else "0x" + v.hex() for v in values)
    summary = f"call {artifact}.{fn_abi['name']}({shown}) at {target}" + (
        f" sending {show_amount(value, 18, 'ETH')}" if value else ""
    )
    return BuiltAction(
        "call", Action(target=target, value=value, calldata=calldata), summary, f"{artifact}.{signature}"
    )


def _find_function(abi: list[dict[str, Any]], wanted: Any, artifact: str) -> dict[str, Any]:
    if not isinstance(wanted, str):
        raise SpecActionError(f"function: expected a name or signature, got {wanted!r}")
    functions = [f for f in abi if f.get("type") == "function"]
    match = _SIGNATURE.match(wanted.replace(" ", ""))
    if match:
        found = [
            f
            for f in functions
            if f"{f['name']}({','.join(i['type'] for i in f.get('inputs', []))})" == wanted.replace(" ", "")
        ]
    else:
        found = [f for f in functions if f["name"] == wanted]
    if not found:
        raise SpecActionError(f"{artifact} has no function {wanted}")
    if len(found) > 1:
        options = ", ".join(f"{f['name']}({','.join(i['type'] for i in f['inputs'])})" for f in found)
        raise SpecActionError(f"{artifact}.{wanted} is overloaded: write the signature, one of {options}")
    return found[0]


def _coerce(value: Any, abi_type: str, name: str) -> Any:
    """A YAML value as the Python value eth-abi encodes for ``abi_type``; SpecActionError names what is wrong."""
    parsed = parse_abi_type(abi_type)
    if parsed.is_array:
        if not isinstance(value, list):
            raise SpecActionError(f"{name}: expected a list for {abi_type}, got {value!r}")
        inner = parsed.item_type.to_type_str()
        dims = parsed.arrlist[-1] if parsed.arrlist else []
        if dims and len(value) != dims[0]:
            raise SpecActionError(f"{name}: {abi_type} needs exactly {dims[0]} items, got {len(value)}")
        return [_coerce(v, inner, f"{name}[{i}]") for i, v in enumerate(value)]
    base = parsed.base if hasattr(parsed, "base") else ""
    sub = getattr(parsed, "sub", None)
    if base == "address":
        try:
            return _address(value, name)
        except ConfigError as exc:
            raise SpecActionError(str(exc)) from None
    if base in ("uint", "int"):
        if isinstance(value, bool | float):
            raise SpecActionError(f"{name}: {value!r} is not an integer")
        try:
            number = int(str(value).replace("_", ""), 0)
        except ValueError:
            raise SpecActionError(f"{name}: {value!r} is not an integer") from None
        bits = int(sub or 256)
        low, high = (0, 2**bits - 1) if base == "uint" else (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
        if not low <= number <= high:
            raise SpecActionError(f"{name}: {number} does not fit in {abi_type}")
        return number
    if base == "bool":
        if not isinstance(value, bool):
            raise SpecActionError(f"{name}: expected true or false, got {value!r}")
        return value
    if base == "string":
        if not isinstance(value, str):
            raise SpecActionError(f"{name}: expected text, got {value!r}")
        return value
    if base == "bytes":
        if not isinstance(value, str) or not re.fullmatch(r"0x([0-9a-fA-F]{2})*", value):
            raise SpecActionError(f"{name}: expected 0x-prefixed hex bytes, got {value!r}")
        raw = bytes.fromhex(value[2:])
        if sub and len(raw) != int(sub):
            raise SpecActionError(f"{name}: {abi_type} needs exactly {sub} bytes, got {len(raw)}")
        return raw
    raise SpecActionError(f"{name}: arguments of type {abi_type} are not supported in specs")


# ------------------------------------------------------------------------------------------------ balances


def _balance(ctx: _Context, token: str) -> int:
    w3 = ctx.dao.w3
    treasury = ctx.dao.treasury.address
    if token == ETH:
        return int(w3.eth.get_balance(treasury))
    erc20 = w3.eth.contract(address=Web3.to_checksum_address(token), abi=ERC20_ABI)
    return int(erc20.functions.balanceOf(treasury).call())


def _check_balances(ctx: _Context) -> None:
    for token, total in ctx.payouts.items():
        held = _balance(ctx, token)
        decimals, symbol = (18, "ETH") if token == ETH else ctx.decimals[token]
        if total > held:
            ctx.errors.append(
                f"payments of {show_amount(total, decimals, symbol)} exceed the treasury's balance of "
                f"{show_amount(held, decimals, symbol)}"
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


def _simulate(ctx: _Context, built: list[BuiltAction]) -> None:
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
