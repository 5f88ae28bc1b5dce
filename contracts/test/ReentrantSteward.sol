// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ITreasury} from "../../interfaces/ITreasury.sol";

/**
 * @title ReentrantSteward
 * @notice TEST ONLY: a malicious budget-line steward (and payment recipient) whose `receive` re-enters
 * `Treasury.spend` while the treasury is still sending it ETH.
 * @dev Modes: `None` just accepts ETH; `Reenter` re-enters and lets the failure bubble up (the outer call must
 * revert); `ReenterAndCatch` re-enters inside try/catch and records the revert data, so the outer call completes and
 * the test can check both that the inner call failed and why.
 */
contract ReentrantSteward {
    enum Mode {
        None,
        Reenter,
        ReenterAndCatch
    }

    ITreasury public immutable treasury;
    Mode public mode;
    uint256 public lineId;
    uint256 public reentryAmount;
    uint256 public receiveCount;
    uint256 public reentryAttempts;
    bytes public lastReentryError;

    constructor(ITreasury treasury_) {
        treasury = treasury_;
    }

    /// @notice Choose what `receive` does next time ETH arrives.
    function arm(Mode mode_, uint256 lineId_, uint256 amount) external {
        mode = mode_;
        lineId = lineId_;
        reentryAmount = amount;
    }

    /// @notice Spend from a line this contract stewards, paying itself (which triggers `receive`).
    function spendToSelf(uint256 lineId_, uint256 amount, string calldata memo) external {
        treasury.spend(lineId_, address(this), amount, memo);
    }

    // The whole point of this contract is a receive() that does something: re-enter the treasury.
    // solhint-disable-next-line no-complex-fallback
    receive() external payable {
        ++receiveCount;
        if (mode == Mode.Reenter) {
            ++reentryAttempts;
            treasury.spend(lineId, address(this), reentryAmount, "re-entry");
        } else if (mode == Mode.ReenterAndCatch) {
            ++reentryAttempts;
            try treasury.spend(lineId, address(this), reentryAmount, "re-entry") {
                lastReentryError = "";
            } catch (bytes memory reason) {
                lastReentryError = reason;
            }
        }
    }
}
