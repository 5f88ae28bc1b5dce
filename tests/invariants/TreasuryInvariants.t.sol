// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Treasury} from "../../contracts/Treasury.sol";
import {ITreasury} from "../../interfaces/ITreasury.sol";
import {HandlerBase, InvariantBase} from "./Base.sol";

/// @dev The owner (standing in for the timelock) pays and appropriates; stewards spend (also beyond their line,
/// after expiry or cancel, on lines that are not theirs); anyone deposits ETH.
contract TreasuryHandler is HandlerBase {
    Treasury public immutable treasury;
    uint256 public deposited;
    uint256 public paidOut;
    mapping(uint256 lineId => uint256) public ghostSpent;
    bool public spentOnDeadLine;

    constructor() HandlerBase(4) {
        treasury = new Treasury(address(this));
    }

    function deposit(uint256 who, uint256 amount) external {
        amount = _bound(amount, 1, 100 ether);
        address from = actor(who);
        VM.deal(from, amount);
        VM.prank(from);
        (bool ok, ) = address(treasury).call{value: amount}("");
        if (ok) deposited += amount;
    }

    function pay(uint256 to, uint256 amount) external {
        amount = _bound(amount, 1, address(treasury).balance + 1);
        try treasury.pay(address(0), actor(to), amount, "pay") {
            paidOut += amount;
        } catch {}
    }

    function appropriate(uint256 steward, uint256 amount, uint256 duration) external {
        amount = _bound(amount, 1, 50 ether);
        uint64 expiresAt = uint64(block.timestamp + _bound(duration, 0, 30 days));
        try treasury.appropriate("line", actor(steward), address(0), amount, expiresAt) {} catch {}
    }

    function spend(uint256 lineSeed, uint256 who, uint256 to, uint256 amount) external {
        uint256 count = treasury.budgetLineCount();
        if (count == 0) return;
        uint256 lineId = _bound(lineSeed, 1, count);
        ITreasury.BudgetLine memory line = treasury.budgetLine(lineId);
        amount = _bound(amount, 1, line.approved + 1);
        bool dead = line.cancelled || block.timestamp >= line.expiresAt;
        address sender = who % 3 == 0 ? actor(who + 1) : line.steward; // sometimes not the steward
        VM.prank(sender);
        try treasury.spend(lineId, actor(to), amount, "spend") {
            ghostSpent[lineId] += amount;
            paidOut += amount;
            if (dead || sender != line.steward) spentOnDeadLine = true;
        } catch {}
    }

    function cancel(uint256 lineSeed) external {
        uint256 count = treasury.budgetLineCount();
        if (count == 0) return;
        try treasury.cancelBudgetLine(_bound(lineSeed, 1, count)) {} catch {}
    }

    function warp(uint256 secondsAhead) external {
        VM.warp(block.timestamp + _bound(secondsAhead, 1, 5 days));
    }
}

contract TreasuryInvariants is InvariantBase {
    TreasuryHandler internal handler;
    Treasury internal treasury;

    function setUp() public {
        VM.warp(1_800_000_000);
        handler = new TreasuryHandler();
        treasury = handler.treasury();
        _target(address(handler));
    }

    /// forge-config: default.invariant.runs = 50
    /// forge-config: default.invariant.depth = 600
    /// forge-config: fuzz.invariant.runs = 500
    /// forge-config: fuzz.invariant.depth = 600
    function invariant_treasury() public view {
        booksMatchBalance();
        linesWithinAmount();
    }

    function booksMatchBalance() public view {
        require(handler.deposited() - handler.paidOut() == address(treasury).balance, "Y1: books != balance");
    }

    function linesWithinAmount() public view {
        require(!handler.spentOnDeadLine(), "Y2: spent on a cancelled or expired line, or not by its steward");
        uint256 count = treasury.budgetLineCount();
        for (uint256 id = 1; id <= count; ++id) {
            ITreasury.BudgetLine memory line = treasury.budgetLine(id);
            require(line.spent == handler.ghostSpent(id) && line.spent <= line.approved, "Y2: line overspent");
        }
    }
}
