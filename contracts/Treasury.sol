// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ITreasury} from "../interfaces/ITreasury.sol";

/**
 * @title Treasury
 * @notice Holds the DAO's ETH and ERC-20 tokens. Owned by the timelock, so every direct payment and every budget
 * appropriation is a passed governance proposal; stewards spend appropriated lines within their limits.
 */
contract Treasury is ITreasury, Ownable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    mapping(uint256 lineId => BudgetLine) private _lines;
    uint256 private _lineCount;

    /// @param owner_ The owner: the DAO's TimelockController.
    constructor(address owner_) Ownable(owner_) {}

    /// @notice Accepts ETH from anyone and records it.
    receive() external payable {
        emit Deposited(address(0), msg.sender, msg.value, address(this).balance);
    }

    /// @inheritdoc ITreasury
    function deposit(address token, uint256 amount) external nonReentrant {
        if (token == address(0)) revert TreasuryZeroAddress();
        if (amount == 0) revert TreasuryZeroAmount();
        uint256 balanceBefore = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        uint256 balanceAfter = IERC20(token).balanceOf(address(this));
        // What arrived, not what was asked for: a fee-on-transfer token delivers less, and the books count what came.
        emit Deposited(token, msg.sender, balanceAfter - balanceBefore, balanceAfter);
    }

    /// @inheritdoc ITreasury
    function pay(address token, address to, uint256 amount, string calldata memo) external onlyOwner nonReentrant {
        _checkPayment(to, amount);
        uint256 balanceAfter = _transferOut(token, to, amount);
        emit Paid(token, to, amount, balanceAfter, memo);
    }

    /// @inheritdoc ITreasury
    function appropriate(
        string calldata category,
        address steward,
        address token,
        uint256 amount,
        uint64 expiresAt
    ) external onlyOwner returns (uint256 lineId) {
        if (steward == address(0)) revert TreasuryZeroAddress();
        if (amount == 0) revert TreasuryZeroAmount();
        if (expiresAt <= block.timestamp) revert TreasuryInvalidExpiry(expiresAt);
        lineId = ++_lineCount;
        _lines[lineId] = BudgetLine({
            category: category,
            steward: steward,
            token: token,
            approved: amount,
            spent: 0,
            expiresAt: expiresAt,
            cancelled: false
        });
        emit BudgetLineAppropriated(lineId, steward, token, amount, expiresAt, category);
    }

    /// @inheritdoc ITreasury
    function spend(uint256 lineId, address to, uint256 amount, string calldata memo) external nonReentrant {
        BudgetLine storage line = _existingLine(lineId);
        if (msg.sender != line.steward) revert TreasuryNotSteward(lineId, msg.sender);
        if (line.cancelled) revert TreasuryBudgetLineCancelled(lineId);
        if (block.timestamp >= line.expiresAt) revert TreasuryBudgetLineExpired(lineId, line.expiresAt);
        _checkPayment(to, amount);
        uint256 remainingBefore = line.approved - line.spent;
        if (amount > remainingBefore) revert TreasuryBudgetExceeded(lineId, amount, remainingBefore);
        line.spent += amount; // effects before the transfer out
        uint256 balanceAfter = _transferOut(line.token, to, amount);
        emit BudgetLineSpent(
            lineId,
            to,
            line.token,
            amount,
            remainingBefore,
            remainingBefore - amount,
            balanceAfter,
            memo
        );
    }

    /// @inheritdoc ITreasury
    function cancelBudgetLine(uint256 lineId) external onlyOwner {
        BudgetLine storage line = _existingLine(lineId);
        if (line.cancelled) revert TreasuryBudgetLineCancelled(lineId);
        line.cancelled = true;
        emit BudgetLineCancelled(lineId, line.approved - line.spent);
    }

    /// @inheritdoc ITreasury
    function budgetLine(uint256 lineId) external view returns (BudgetLine memory) {
        return _existingLine(lineId);
    }

    /// @inheritdoc ITreasury
    function budgetLineCount() external view returns (uint256) {
        return _lineCount;
    }

    /// @inheritdoc ITreasury
    function remaining(uint256 lineId) external view returns (uint256) {
        BudgetLine storage line = _existingLine(lineId);
        if (line.cancelled || block.timestamp >= line.expiresAt) return 0;
        return line.approved - line.spent;
    }

    function _existingLine(uint256 lineId) private view returns (BudgetLine storage line) {
        line = _lines[lineId];
        if (line.steward == address(0)) revert TreasuryUnknownBudgetLine(lineId);
    }

    function _checkPayment(address to, uint256 amount) private pure {
        if (to == address(0)) revert TreasuryZeroAddress();
        if (amount == 0) revert TreasuryZeroAmount();
    }

    /// @dev Sends value out and returns the treasury's balance of `token` afterwards.
    function _transferOut(address token, address to, uint256 amount) private returns (uint256) {
        if (token == address(0)) {
            uint256 available = address(this).balance;
            if (amount > available) revert TreasuryInsufficientBalance(token, amount, available);
            Address.sendValue(payable(to), amount);
            return address(this).balance;
        }
        uint256 held = IERC20(token).balanceOf(address(this));
        if (amount > held) revert TreasuryInsufficientBalance(token, amount, held);
        IERC20(token).safeTransfer(to, amount);
        return IERC20(token).balanceOf(address(this));
    }
}
