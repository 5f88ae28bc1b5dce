// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title IRegionTimelock
 * @notice The town DAO's timelock: OpenZeppelin's TimelockController with its minimum delay bounded above. Every
 * passed proposal waits the delay before it runs, so members who disagree can see it coming and act. A delay too
 * long to wait out could never be shortened again (the change itself would wait it out) and would lock the treasury
 * and every role for good, so neither the deployer nor governance may set more than `MAX_DELAY`.
 */
interface IRegionTimelock {
    /// @notice A minimum delay above `max` was given, at deployment or to `updateDelay`.
    /// @param delay The delay given, in seconds.
    /// @param max The largest delay allowed (`MAX_DELAY`), in seconds.
    error RegionTimelockDelayOutOfBounds(uint256 delay, uint256 max);

    /// @notice The largest minimum delay the timelock accepts: 30 days (Compound's Timelock bound).
    function MAX_DELAY() external view returns (uint256);
}
