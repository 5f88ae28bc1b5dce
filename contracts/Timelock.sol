// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// OpenZeppelin's TimelockController is deployed as it is; this import makes Brownie build its artifact.
// solhint-disable-next-line no-unused-import
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
