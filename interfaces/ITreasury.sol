// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title ITreasury
 * @notice The town DAO's treasury: holds ETH and ERC-20 tokens for the timelock (its owner). Governance pays out
 * directly, or appropriates a budget line (予算) that a steward then spends in parts (執行), each with a memo, never
 * beyond the approved amount and never after the line expires or is cancelled. Every movement of value emits an
 * event carrying the balance after it, so a report can rebuild the books from logs alone.
 * @dev `token == address(0)` means native ETH throughout.
 */
interface ITreasury {
    /// @notice Data of one appropriated budget line.
    struct BudgetLine {
        string category;
        address steward;
        address token;
        uint256 approved;
        uint256 spent;
        uint64 expiresAt;
        bool cancelled;
    }

    /// @notice A zero address was given for a recipient, steward or token pull.
    error TreasuryZeroAddress();

    /// @notice A zero amount was given.
    error TreasuryZeroAmount();

    /// @notice No budget line has this id.
    /// @param lineId The id.
    error TreasuryUnknownBudgetLine(uint256 lineId);

    /// @notice The caller is not the steward of the budget line.
    /// @param lineId The line.
    /// @param caller The caller.
    error TreasuryNotSteward(uint256 lineId, address caller);

    /// @notice The budget line expired.
    /// @param lineId The line.
    /// @param expiredAt Its expiry timestamp.
    error TreasuryBudgetLineExpired(uint256 lineId, uint64 expiredAt);

    /// @notice The budget line was cancelled by governance.
    /// @param lineId The line.
    error TreasuryBudgetLineCancelled(uint256 lineId);

    /// @notice Spending would go beyond what was approved.
    /// @param lineId The line.
    /// @param requested The amount asked for.
    /// @param remaining What is left of the line.
    error TreasuryBudgetExceeded(uint256 lineId, uint256 requested, uint256 remaining);

    /// @notice The expiry of a new budget line is not in the future.
    /// @param expiresAt The expiry given.
    error TreasuryInvalidExpiry(uint64 expiresAt);

    /// @notice The treasury does not hold enough of the token.
    /// @param token The token (address(0) for ETH).
    /// @param requested The amount asked for.
    /// @param available The treasury's balance.
    error TreasuryInsufficientBalance(address token, uint256 requested, uint256 available);

    /// @notice Value came in: ETH sent to the treasury, or tokens pulled by `deposit`.
    /// @param token The token (address(0) for ETH).
    /// @param from Who sent it.
    /// @param amount How much arrived: for a token, the treasury's balance change (a fee-on-transfer token records
    /// what the treasury received, not what was sent).
    /// @param balanceAfter The treasury's balance of `token` afterwards.
    event Deposited(address indexed token, address indexed from, uint256 amount, uint256 balanceAfter);

    /// @notice Governance paid out directly.
    /// @param token The token (address(0) for ETH).
    /// @param to The recipient.
    /// @param amount How much.
    /// @param balanceAfter The treasury's balance of `token` afterwards.
    /// @param memo What it is for.
    event Paid(address indexed token, address indexed to, uint256 amount, uint256 balanceAfter, string memo);

    /// @notice Governance appropriated a budget line.
    /// @param lineId The new line's id.
    /// @param steward Who may spend it.
    /// @param token The token (address(0) for ETH).
    /// @param amount The approved amount.
    /// @param expiresAt When it stops being spendable.
    /// @param category Budget category (e.g. "祭り / festival").
    event BudgetLineAppropriated(
        uint256 indexed lineId,
        address indexed steward,
        address indexed token,
        uint256 amount,
        uint64 expiresAt,
        string category
    );

    /// @notice A steward spent part of a budget line.
    /// @param lineId The line.
    /// @param to The recipient.
    /// @param token The token (address(0) for ETH).
    /// @param amount How much.
    /// @param remainingBefore What was left of the line before.
    /// @param remainingAfter What is left of the line now.
    /// @param balanceAfter The treasury's balance of `token` afterwards.
    /// @param memo What it is for.
    event BudgetLineSpent(
        uint256 indexed lineId,
        address indexed to,
        address indexed token,
        uint256 amount,
        uint256 remainingBefore,
        uint256 remainingAfter,
        uint256 balanceAfter,
        string memo
    );

    /// @notice Governance cancelled a budget line; the unspent rest can no longer be spent.
    /// @param lineId The line.
    /// @param unspent What was left unspent.
    event BudgetLineCancelled(uint256 indexed lineId, uint256 unspent);

    /// @notice Pull `amount` of `token` from the caller (who approved it) into the treasury; `Deposited` records
    /// what arrived.
    /// @param token ERC-20 token.
    /// @param amount Amount in base units.
    function deposit(address token, uint256 amount) external;

    /// @notice Pay `amount` of `token` to `to`. Only the owner (the timelock).
    /// @param token ERC-20 token, or address(0) for ETH.
    /// @param to Recipient.
    /// @param amount Amount in base units (wei for ETH).
    /// @param memo What it is for.
    function pay(address token, address to, uint256 amount, string calldata memo) external;

    /// @notice Appropriate a budget line. Only the owner (the timelock).
    /// @param category Budget category.
    /// @param steward Who may spend it.
    /// @param token ERC-20 token, or address(0) for ETH.
    /// @param amount Approved amount.
    /// @param expiresAt Timestamp after which it can no longer be spent.
    /// @return lineId The new line's id (ids start at 1).
    function appropriate(
        string calldata category,
        address steward,
        address token,
        uint256 amount,
        uint64 expiresAt
    ) external returns (uint256 lineId);

    /// @notice Spend part of a budget line. Only its steward, before expiry, within the approved amount.
    /// @param lineId The line.
    /// @param to Recipient.
    /// @param amount Amount in base units.
    /// @param memo What it is for.
    function spend(uint256 lineId, address to, uint256 amount, string calldata memo) external;

    /// @notice Cancel a budget line. Only the owner (the timelock).
    /// @param lineId The line.
    function cancelBudgetLine(uint256 lineId) external;

    /// @notice A budget line's data.
    /// @param lineId The line.
    function budgetLine(uint256 lineId) external view returns (BudgetLine memory);

    /// @notice How many budget lines exist (the last id).
    function budgetLineCount() external view returns (uint256);

    /// @notice What is left to spend of a line (0 once expired or cancelled).
    /// @param lineId The line.
    function remaining(uint256 lineId) external view returns (uint256);
}
