// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ITokenSale} from "../../interfaces/ITokenSale.sol";

/**
 * @title ReentrantBuyer
 * @notice TEST ONLY: a sale buyer whose `receive` re-enters the sale (refund again, or buy) while the sale is
 * refunding it, catching the inner revert so the test can see both that the inner call failed and why.
 */
contract ReentrantBuyer {
    ITokenSale public immutable sale;
    bool public reenterWithBuy;
    uint256 public receiveCount;
    bytes public lastReentryError;

    constructor(ITokenSale sale_) {
        sale = sale_;
    }

    /// @notice Buy `amount` tokens with the ETH sent along.
    function buy(uint256 amount) external payable {
        sale.buy{value: msg.value}(amount);
    }

    /// @notice Choose what the re-entry in `receive` calls: `buy(1)` (true) or `refund(this)` (false).
    function arm(bool withBuy) external {
        reenterWithBuy = withBuy;
    }

    /// @notice Accepts the refund and re-enters the sale once, recording the inner revert.
    // solhint-disable-next-line no-complex-fallback
    receive() external payable {
        ++receiveCount;
        if (receiveCount > 1) return;
        if (reenterWithBuy) {
            try sale.buy{value: 0}(1) {} catch (bytes memory err) {
                lastReentryError = err;
            }
        } else {
            try sale.refund(address(this)) {} catch (bytes memory err) {
                lastReentryError = err;
            }
        }
    }
}
