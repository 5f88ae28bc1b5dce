// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title IMemberHistory
 * @notice Membership at a past time: how many members were active, and whether an account was one. Kept as
 * checkpoints (OpenZeppelin `Checkpoints.Trace208`) on the same timestamp clock as `RegionToken` (ERC-6372
 * `mode=timestamp`), so a governor or a budget round can fix its electorate at a snapshot: people who join or leave
 * after it change neither the count nor who belonged.
 * @dev Invariant: `memberCountAt(t)` equals the number of live cards at time `t`, for every `t`.
 */
interface IMemberHistory {
    /// @notice The time asked for is not in the past (`timepoint >= clock()`): it may still change.
    /// @param timepoint The time asked for.
    /// @param clock The current time.
    error RegistryFutureLookup(uint256 timepoint, uint48 clock);

    /// @notice The registry's clock: the block timestamp (ERC-6372).
    function clock() external view returns (uint48);

    /// @notice ERC-6372 clock description: `mode=timestamp`.
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() external view returns (string memory);

    /// @notice How many members (live cards, of every kind) there were at the end of second `timepoint`.
    /// @param timepoint A time strictly before `clock()`.
    function memberCountAt(uint256 timepoint) external view returns (uint256);

    /// @notice Whether `account` held a card at the end of second `timepoint`.
    /// @param account The account.
    /// @param timepoint A time strictly before `clock()`.
    function wasMemberAt(address account, uint256 timepoint) external view returns (bool);
}
