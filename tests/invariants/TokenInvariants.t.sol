// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RegionToken} from "../../contracts/RegionToken.sol";
import {ResidentRegistry} from "../../contracts/ResidentRegistry.sol";
import {IResidentRegistry} from "../../interfaces/IResidentRegistry.sol";
import {HandlerBase, InvariantBase} from "./Base.sol";

/// @dev Drives a transfer-restricted RegionToken and its registry: mints, transfers (also to and from
/// non-members), delegations (also to excluded accounts), exclusion, registration, resignation and revocation
/// (which suspend votes through the listener), and anyone calling `suspendVotes`.
contract TokenHandler is HandlerBase {
    RegionToken public immutable token;
    ResidentRegistry public immutable registry;
    uint256 public minted;
    bool public restrictedViolation;

    constructor() HandlerBase(6) {
        token = new RegionToken("Town", "TWN", 1e30, address(this), "");
        registry = new ResidentRegistry("Card", "CRD", address(this));
        token.grantRole(token.MINTER_ROLE(), address(this));
        registry.grantRole(registry.REGISTRAR_ROLE(), address(this));
        registry.setMembershipListener(address(token));
        token.restrictTransfers(address(registry));
        for (uint256 i = 0; i < 4; ++i) registry.register(actor(i), IResidentRegistry.Kind.Resident, bytes32(0));
    }

    function _mayHold(address a) private view returns (bool) {
        return token.isVotingExcluded(a) || registry.isMember(a);
    }

    function mint(uint256 who, uint256 amount) external {
        address to = actor(who);
        amount = _bound(amount, 1, 1e24);
        bool allowed = _mayHold(to);
        try token.mint(to, amount) {
            minted += amount;
            if (!allowed) restrictedViolation = true;
        } catch {}
    }

    function transfer(uint256 from, uint256 to, uint256 amount) external {
        address a = actor(from);
        address b = actor(to);
        amount = _bound(amount, 0, token.balanceOf(a) + 1); // sometimes one more than it holds
        bool allowed = _mayHold(a) && _mayHold(b);
        VM.prank(a);
        try token.transfer(b, amount) {
            if (!allowed) restrictedViolation = true;
        } catch {}
    }

    function delegate(uint256 from, uint256 to) external {
        address delegatee = to % 5 == 0 ? address(0) : actor(to);
        VM.prank(actor(from));
        try token.delegate(delegatee) {} catch {}
    }

    function exclude(uint256 who) external {
        if (who % 4 != 0) return; // rarely
        try token.excludeFromVoting(actor(who)) {} catch {}
    }

    function register(uint256 who) external {
        try registry.register(actor(who), IResidentRegistry.Kind.Resident, bytes32(0)) {} catch {}
    }

    function resign(uint256 who) external {
        VM.prank(actor(who));
        try registry.resign() {} catch {}
    }

    function revoke(uint256 who) external {
        try registry.revoke(actor(who)) {} catch {}
    }

    function suspend(uint256 who, uint256 caller) external {
        VM.prank(actor(caller));
        try token.suspendVotes(actor(who)) {} catch {}
    }

    function warp(uint256 secondsAhead) external {
        VM.warp(block.timestamp + _bound(secondsAhead, 1, 3 days));
    }
}

contract TokenInvariants is InvariantBase {
    TokenHandler internal handler;
    RegionToken internal token;

    function setUp() public {
        VM.warp(1_800_000_000);
        handler = new TokenHandler();
        token = handler.token();
        _target(address(handler));
    }

    /// @dev One campaign checks every invariant after every call (forge runs one campaign per invariant_ function).
    /// forge-config: default.invariant.runs = 50
    /// forge-config: default.invariant.depth = 600
    /// forge-config: fuzz.invariant.runs = 500
    /// forge-config: fuzz.invariant.depth = 600
    function invariant_token() public view {
        supplyIsSumOfBalances();
        votesPlusUncountedIsSupply();
        votesBelowSupply();
        mintedIsSupply();
        restrictedTransfersOnlyAmongMembers();
    }

    function supplyIsSumOfBalances() public view {
        uint256 sum;
        for (uint256 i = 0; i < handler.actorCount(); ++i) sum += token.balanceOf(handler.actor(i));
        require(sum == token.totalSupply(), "T1: supply != sum of balances");
    }

    function votesPlusUncountedIsSupply() public view {
        uint256 votes;
        uint256 uncounted;
        uint256 excluded;
        for (uint256 i = 0; i < handler.actorCount(); ++i) {
            address a = handler.actor(i);
            votes += token.getVotes(a);
            if (token.delegates(a) == address(0)) uncounted += token.balanceOf(a);
            if (token.isVotingExcluded(a)) excluded += token.balanceOf(a);
        }
        require(votes + uncounted == token.totalSupply(), "T2: votes + uncounted != supply");
        require(token.votingSupply() == token.totalSupply() - excluded, "T2: voting supply != supply - excluded");
    }

    function votesBelowSupply() public view {
        uint256 voting = token.votingSupply();
        for (uint256 i = 0; i < handler.actorCount(); ++i) {
            require(token.getVotes(handler.actor(i)) <= voting, "T3: votes > voting supply");
        }
        require(voting <= token.totalSupply() && token.totalSupply() <= token.cap(), "T3: supply order");
    }

    function mintedIsSupply() public view {
        require(handler.minted() == token.totalSupply(), "T4: minted != supply");
    }

    function restrictedTransfersOnlyAmongMembers() public view {
        require(!handler.restrictedViolation(), "T5: a non-member sent or received tokens");
    }
}
