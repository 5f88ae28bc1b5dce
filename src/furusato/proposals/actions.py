"""The action kinds of a proposal spec: each turns one YAML mapping into a checked call the timelock will make.

=====================  ===================================================================================
pay                    the Treasury pays ``amount`` of ``token`` (ETH, the DAO's token or an ERC-20) ``to``
appropriate            a budget line: ``amount`` of ``token`` for ``category``, spent by ``steward`` until ``expires``
cancel_budget_line     cancels budget ``line``
grant_minter           the token's MINTER_ROLE to ``account`` (``revoke_minter``: takes it back)
governor_setting       one of :data:`SETTINGS` to ``value``
set_guardian           the governor's proposal guardian (``none``: nobody)
call                   any state-changing ``function`` of ``target`` with ``args`` (see :mod:`.abi_args`)
=====================  ===================================================================================

A handler raises :class:`~furusato.errors.SpecActionError`; :func:`build_action` adds the action's kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from eth_abi.abi import encode as abi_encode
from eth_utils.abi import function_abi_to_4byte_selector
from web3 import Web3
from web3.contract import Contract

from furusato.constants import ETH, ROLE_MINTER, ZERO_ADDRESS
from furusato.erc20 import erc20
from furusato.errors import ConfigError, InputError, SpecActionError
from furusato.governance import Action
from furusato.proposals.abi_args import address_arg, coerce, find_function, signature_of
from furusato.proposals.dao import CONTRACT_ALIASES, Dao
from furusato.units import format_duration, format_units, local_time, parse_duration, parse_time, parse_units

__all__ = [
    "ACTION_KINDS",
    "SETTINGS",
    "BuiltAction",
    "SpecContext",
    "build_action",
    "check_balances",
    "show_amount",
]

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


@dataclass
class SpecContext:
    """What building a spec's actions has learnt so far: problems, warnings, totals paid, token decimals."""

    dao: Dao
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    payouts: dict[str, int] = field(default_factory=dict)  # token -> total paid by the spec
    decimals: dict[str, tuple[int, str]] = field(default_factory=dict)


def build_action(ctx: SpecContext, raw: Any, where: str, earliest: int) -> BuiltAction:
    """One action of a spec as a :class:`BuiltAction`; SpecActionError (with the kind once known) if it is wrong."""
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
    handler: Callable[[SpecContext, dict[str, Any], int], BuiltAction] = {
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
    except (ConfigError, InputError) as exc:  # SpecActionError included: the kind is added here
        raise SpecActionError(str(exc), kind) from None


def _token(ctx: SpecContext, value: Any) -> tuple[str, int, str]:
    """(address, decimals, symbol) of ``value``: ETH, a DAO contract alias, or an ERC-20 address."""
    if value is None or (isinstance(value, str) and value.upper() == "ETH"):
        return ETH, 18, "ETH"
    if isinstance(value, str) and value in ("token", "RegionToken"):
        address: str = ctx.dao.token.address
    else:
        address = address_arg(value, "token")
    if address == ETH:
        return ETH, 18, "ETH"
    if address not in ctx.decimals:
        w3 = ctx.dao.w3
        if not w3.eth.get_code(Web3.to_checksum_address(address)):
            raise SpecActionError(f"token {address} is not a contract on this chain")
        token = erc20(w3, address)
        try:
            decimals = int(token.functions.decimals().call())
            symbol = str(token.functions.symbol().call())
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


def _pay(ctx: SpecContext, raw: dict[str, Any], _earliest: int) -> BuiltAction:
    token, decimals, symbol = _token(ctx, raw.get("token"))
    to = address_arg(raw["to"], "to")
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


def _appropriate(ctx: SpecContext, raw: dict[str, Any], earliest: int) -> BuiltAction:
    token, decimals, symbol = _token(ctx, raw.get("token"))
    category = raw["category"]
    if not isinstance(category, str) or not category.strip():
        raise SpecActionError("category: expected a name")
    steward = address_arg(raw["steward"], "steward")
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


def _cancel_line(ctx: SpecContext, raw: dict[str, Any], _earliest: int) -> BuiltAction:
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


def _minter(ctx: SpecContext, raw: dict[str, Any], _earliest: int) -> BuiltAction:
    kind = str(raw["kind"])
    account = address_arg(raw["account"], "account")
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


def _setting(ctx: SpecContext, raw: dict[str, Any], _earliest: int) -> BuiltAction:
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
        number, shown = seconds, format_duration(seconds)
    elif how == "tokens":
        number = 0 if value in (0, "0") else _amount(value, 18, setting)
        shown = show_amount(number, 18, "tokens")
    else:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
            raise SpecActionError(f"quorum_percent: expected a whole percent from 1 to 100, got {value!r}")
        number, shown = value, f"{value}%"
    _check_bounds(ctx, setting, number, shown)
    return _built("governor_setting", ctx.dao.governor, setter, [number], f"governor: set {setting} to {shown}")


def _check_bounds(ctx: SpecContext, setting: str, number: int, shown: str) -> None:
    """RegionGovernor's bounds on what governance may set, read from the chain now: a value outside them would let
    the proposal pass and then fail to execute."""
    g = ctx.dao.governor.functions
    if setting == "voting_delay":
        low, high = 0, int(g.MAX_VOTING_DELAY().call())
    elif setting == "voting_period":
        low = max(int(g.MIN_VOTING_PERIOD().call()), int(g.lateQuorumVoteExtension().call()) + 1)
        high = int(g.MAX_VOTING_PERIOD().call())
    elif setting == "quorum_percent":
        low, high = int(g.MIN_QUORUM_NUMERATOR().call()), int(g.MAX_QUORUM_NUMERATOR().call())
    elif setting == "late_quorum_extension":
        low, high = 0, int(g.votingPeriod().call()) - 1
    else:  # proposal_threshold: a share of the supply when it is set (today's supply stands in for it)
        supply = int(ctx.dao.token.functions.totalSupply().call())
        low, high = 0, supply * int(g.MAX_THRESHOLD_PERCENT().call()) // 100
    if not low <= number <= high:
        if setting == "quorum_percent":
            bounds = f"{low}% – {high}%"
        elif setting == "proposal_threshold":
            bounds = f"{show_amount(low, 18, 'tokens')} – {show_amount(high, 18, 'tokens')}"
        else:
            bounds = f"{format_duration(low)} – {format_duration(high)}"
        raise SpecActionError(
            f"{setting}: {shown} is outside what the governor accepts ({bounds}); the proposal would pass and "
            "then fail to execute"
        )


def _guardian(ctx: SpecContext, raw: dict[str, Any], _earliest: int) -> BuiltAction:
    value = raw["address"]
    guardian = (
        ZERO_ADDRESS
        if value is None or (isinstance(value, str) and value.lower() == "none")
        else address_arg(value, "address")
    )
    who = "nobody (proposers may cancel their own proposals)" if guardian == ZERO_ADDRESS else guardian
    return _built(
        "set_guardian",
        ctx.dao.governor,
        "setProposalGuardian",
        [guardian],
        f"governor: proposal guardian becomes {who}",
    )


def _call(ctx: SpecContext, raw: dict[str, Any], _earliest: int) -> BuiltAction:
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
        target = address_arg(target_raw, "target")
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
    fn_abi = find_function(abi, raw["function"], artifact)
    args = raw.get("args", [])
    if not isinstance(args, list):
        raise SpecActionError(f"args: expected a list, got {args!r}")
    inputs = fn_abi.get("inputs", [])
    signature = signature_of(fn_abi)
    if len(args) != len(inputs):
        raise SpecActionError(f"{signature} takes {len(inputs)} argument(s), the spec gives {len(args)}")
    if fn_abi.get("stateMutability") in ("view", "pure"):
        raise SpecActionError(f"{signature} is a {fn_abi['stateMutability']} function: calling it changes nothing")
    values = [
        coerce(arg, spec["type"], f"argument {spec.get('name') or i} of {signature}")
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


def _balance(ctx: SpecContext, token: str) -> int:
    w3 = ctx.dao.w3
    treasury = ctx.dao.treasury.address
    if token == ETH:
        return int(w3.eth.get_balance(treasury))
    return int(erc20(w3, token).functions.balanceOf(treasury).call())


def check_balances(ctx: SpecContext) -> None:
    """An error for each token the spec pays out more of than the treasury holds now."""
    for token, total in ctx.payouts.items():
        held = _balance(ctx, token)
        decimals, symbol = (18, "ETH") if token == ETH else ctx.decimals[token]
        if total > held:
            ctx.errors.append(
                f"payments of {show_amount(total, decimals, symbol)} exceed the treasury's balance of "
                f"{show_amount(held, decimals, symbol)}"
            )
