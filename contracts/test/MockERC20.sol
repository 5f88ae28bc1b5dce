// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title MockERC20
 * @notice TEST ONLY: a plain ERC-20 that anyone can mint, for treasury tests with a token other than RegionToken.
 */
contract MockERC20 is ERC20 {
    constructor(string memory name_, string memory symbol_) ERC20(name_, symbol_) {}

    /// @notice Mint `amount` to `to`; unrestricted on purpose.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
