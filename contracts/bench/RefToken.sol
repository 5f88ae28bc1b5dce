// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/// @title RefToken
/// @notice Benchmark reference only: OpenZeppelin's documented ERC20 + Permit + Votes token with a timestamp
/// clock, as in OZ's governance guide. Never deployed by the DAO.
contract RefToken is ERC20, ERC20Permit, ERC20Votes {
    /// @param supply Minted to the deployer.
    constructor(uint256 supply) ERC20("RefToken", "REF") ERC20Permit("RefToken") {
        _mint(msg.sender, supply);
    }

    /// @notice Timestamp clock (ERC-6372).
    function clock() public view override returns (uint48) {
        return uint48(block.timestamp);
    }

    /// @notice ERC-6372 clock description.
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }

    /// @inheritdoc ERC20Permit
    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }
}

/**
 * @title RefMintableToken
 * @notice Bench reference for a reward push: OpenZeppelin's own new-member path is `_mint` (here in a batch, like
 * our push) followed by the member's own `delegate(self)`. No access control, so the reference is a lower bound.
 */
contract RefMintableToken is RefToken {
    constructor() RefToken(0) {}

    function mintBatch(address[] calldata recipients, uint256[] calldata amounts) external {
        for (uint256 i = 0; i < recipients.length; ++i) {
            _mint(recipients[i], amounts[i]);
        }
    }
}
