// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ActivityRewards} from "../../contracts/ActivityRewards.sol";
import {RegionToken} from "../../contracts/RegionToken.sol";
import {IActivityRewards} from "../../interfaces/IActivityRewards.sol";
import {IRegionToken} from "../../interfaces/IRegionToken.sol";
import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";
import {HandlerBase, InvariantBase} from "./Base.sol";

/// @dev A coordinator that publishes honest trees (four accounts, increasing) and bad ones (an account twice, out of
/// order, amounts over the cap, a total below the leaves' sum), for valid, past, future and invalid epoch ids;
/// pushes in batches of 1, 2 or 4; anyone claims for anyone, again and again; the guardian and strangers void.
contract RewardsHandler is HandlerBase {
    uint256 public constant CAP = 1_000e18;
    uint256 public constant BUDGET = 4_000e18;
    uint64 public constant WINDOW = 1 hours;

    struct Tree {
        bytes32[4] leaves;
        address[4] accounts;
        uint256[4] amounts;
        bool voided;
    }

    RegionToken public immutable token;
    ActivityRewards public immutable rewards;
    address public immutable coordinator = address(0xC00D);
    address public immutable guardian = address(0x6A4D);
    uint256 public month = 202701; // the latest month known to have started
    uint256[] public epochs; // published at least once
    mapping(uint256 epoch => Tree) internal _trees;
    mapping(uint256 epoch => mapping(address account => uint256)) public paidTo;
    uint256 public paidTotal;
    bool public paidOnVoided;

    constructor() HandlerBase(6) {
        token = new RegionToken("Town", "TWN", 1e30, address(this), "");
        rewards = new ActivityRewards(IRegionToken(address(token)), address(this), guardian, WINDOW, CAP, BUDGET);
        token.grantRole(token.MINTER_ROLE(), address(rewards));
        token.excludeFromVoting(address(rewards));
        rewards.grantRole(rewards.COORDINATOR_ROLE(), coordinator);
    }

    function epochCount() external view returns (uint256) {
        return epochs.length;
    }

    function tree(uint256 epoch) external view returns (address[4] memory accounts, uint256[4] memory amounts) {
        return (_trees[epoch].accounts, _trees[epoch].amounts);
    }

    function isVoided(uint256 epoch) external view returns (bool) {
        return _trees[epoch].voided;
    }

    // ------------------------------------------------------------ publishing

    function publish(uint256 seed, uint256 amountSeed) external {
        while (rewards.epochStart(_next(month)) <= block.timestamp) month = _next(month);
        uint256 mode = seed % 10;
        uint256 epoch = month;
        if (mode == 0) epoch = month + 12; // not a month (e.g. 202713)
        else if (mode == 1) epoch = month - 1 == (month / 100) * 100 ? month - 89 : month - 1; // an earlier month
        else if (mode == 2) epoch = _next(month); // not started
        Tree memory t;
        bool bad = (seed >> 8) % 4 == 0;
        uint256 total;
        for (uint256 i = 0; i < 4; ++i) {
            t.accounts[i] = bad && i == 2 ? actor(0) : actor(i + (seed >> 16) % 3);
            uint256 r = uint256(keccak256(abi.encode(amountSeed, i)));
            t.amounts[i] = r % 5 == 0 ? _bound(r >> 8, CAP + 1, CAP + CAP / 4) : _bound(r >> 8, 1, CAP); // some over the cap
            t.leaves[i] = _leaf(epoch, i, t.accounts[i], t.amounts[i]);
            total += t.amounts[i];
        }
        if ((seed >> 24) % 5 == 0) total -= 1; // published below the leaves' sum
        VM.prank(coordinator);
        try rewards.publish(epoch, _root(t.leaves), total, 4) {
            if (_trees[epoch].leaves[0] == bytes32(0)) epochs.push(epoch);
            _trees[epoch] = t;
        } catch {}
    }

    function voidEpoch(uint256 epochSeed, uint256 who) external {
        if (epochs.length == 0) return;
        uint256 epoch = epochs[epochSeed % epochs.length];
        VM.prank(who % 3 == 0 ? actor(who) : guardian);
        try rewards.voidEpoch(epoch) {
            _trees[epoch].voided = true;
        } catch {}
    }

    // ------------------------------------------------------------ paying

    function push(uint256 epochSeed, uint256 sizeSeed) external {
        if (epochs.length == 0) return;
        uint256 epoch = epochs[epochSeed % epochs.length];
        Tree memory t = _trees[epoch];
        uint256 cursor = rewards.epochInfo(epoch).cursor;
        if (cursor >= 4) return;
        uint256 size = (cursor == 0 && sizeSeed % 3 == 0) ? 4 : (cursor % 2 == 0 && sizeSeed % 3 == 1) ? 2 : 1;
        IActivityRewards.Leaf[] memory batch = new IActivityRewards.Leaf[](size);
        bytes32[] memory proof;
        bool[] memory flags;
        for (uint256 i = 0; i < size; ++i) {
            uint256 index = cursor + i;
            batch[i] = IActivityRewards.Leaf(index, t.accounts[index], t.amounts[index]);
        }
        if (size == 4) {
            proof = new bytes32[](0);
            flags = new bool[](3);
            (flags[0], flags[1], flags[2]) = (true, true, true);
        } else if (size == 2) {
            proof = new bytes32[](1);
            proof[0] = cursor == 0
                ? Hashes.commutativeKeccak256(t.leaves[2], t.leaves[3])
                : Hashes.commutativeKeccak256(t.leaves[0], t.leaves[1]);
            flags = new bool[](2);
            flags[0] = true;
        } else {
            proof = _proof(t.leaves, cursor);
            flags = new bool[](2);
        }
        uint256[4] memory before = _balances(t);
        VM.prank(coordinator);
        try rewards.distribute(epoch, batch, proof, flags) {
            _record(epoch, t, before);
        } catch {}
    }

    function claim(uint256 epochSeed, uint256 index, uint256 caller) external {
        if (epochs.length == 0) return;
        uint256 epoch = epochs[epochSeed % epochs.length];
        Tree memory t = _trees[epoch];
        index %= 4;
        uint256[4] memory before = _balances(t);
        VM.prank(actor(caller));
        try rewards.claim(epoch, index, t.accounts[index], t.amounts[index], _proof(t.leaves, index)) {
            _record(epoch, t, before);
        } catch {}
    }

    function warp(uint256 secondsAhead) external {
        VM.warp(block.timestamp + _bound(secondsAhead, 1, 12 days));
    }

    // ------------------------------------------------------------ internals

    function _record(uint256 epoch, Tree memory t, uint256[4] memory before) private {
        if (t.voided) paidOnVoided = true;
        for (uint256 i = 0; i < 4; ++i) {
            if (_seenBefore(t, i)) continue;
            uint256 gained = token.balanceOf(t.accounts[i]) - before[i];
            paidTo[epoch][t.accounts[i]] += gained;
            paidTotal += gained;
        }
    }

    function _seenBefore(Tree memory t, uint256 i) private pure returns (bool) {
        for (uint256 j = 0; j < i; ++j) if (t.accounts[j] == t.accounts[i]) return true;
        return false;
    }

    function _balances(Tree memory t) private view returns (uint256[4] memory b) {
        for (uint256 i = 0; i < 4; ++i) b[i] = token.balanceOf(t.accounts[i]);
    }

    function _next(uint256 epoch) private pure returns (uint256) {
        return epoch % 100 == 12 ? epoch + 89 : epoch + 1;
    }

    function _leaf(uint256 epoch, uint256 index, address account, uint256 amount) private pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(epoch, index, account, amount))));
    }

    function _root(bytes32[4] memory l) private pure returns (bytes32) {
        return Hashes.commutativeKeccak256(Hashes.commutativeKeccak256(l[0], l[1]), Hashes.commutativeKeccak256(l[2], l[3]));
    }

    function _proof(bytes32[4] memory l, uint256 i) private pure returns (bytes32[] memory p) {
        p = new bytes32[](2);
        p[0] = l[i ^ 1];
        p[1] = i < 2 ? Hashes.commutativeKeccak256(l[2], l[3]) : Hashes.commutativeKeccak256(l[0], l[1]);
    }
}

contract RewardsInvariants is InvariantBase {
    RewardsHandler internal handler;
    ActivityRewards internal rewards;

    function setUp() public {
        VM.warp(1_798_729_200 + 1 days); // 2027-01-02 JST
        handler = new RewardsHandler();
        rewards = handler.rewards();
        _target(address(handler));
    }

    /// @dev The handler is not vacuous: an honest publish, the window, a full push pays.
    function test_handlerPays() public {
        handler.publish(3 | (1 << 8), 42); // mode 3: the current month; (seed >> 8) % 4 != 0: an honest tree
        handler.warp(1 hours);
        handler.push(0, 0);
        handler.claim(0, 3, 1);
        require(handler.paidTotal() > 0, "nothing was paid");
        invariant_rewards();
    }

    /// forge-config: default.invariant.runs = 25
    /// forge-config: default.invariant.depth = 400
    /// forge-config: fuzz.invariant.runs = 250
    /// forge-config: fuzz.invariant.depth = 400
    function invariant_rewards() public view {
        eachLeafPaidOnce();
        mintedWithinBudget();
        memberWithinCapPerEpoch();
        voidedRootNeverPays();
        paidIsMinted();
    }

    function eachLeafPaidOnce() public view {
        for (uint256 e = 0; e < handler.epochCount(); ++e) {
            uint256 epoch = handler.epochs(e);
            (address[4] memory accounts, uint256[4] memory amounts) = handler.tree(epoch);
            for (uint256 i = 0; i < 4; ++i) {
                uint256 paid = handler.paidTo(epoch, accounts[i]);
                bool oneLeaf = paid == 0;
                for (uint256 j = 0; j < 4; ++j) if (accounts[j] == accounts[i] && paid == amounts[j]) oneLeaf = true;
                require(oneLeaf, "R1: an account was paid other than exactly one of its leaves");
            }
        }
    }

    function mintedWithinBudget() public view {
        for (uint256 e = 0; e < handler.epochCount(); ++e) {
            IActivityRewards.EpochInfo memory info = rewards.epochInfo(handler.epochs(e));
            require(info.minted <= info.total && info.minted <= handler.BUDGET(), "R2: minted beyond budget");
        }
    }

    function memberWithinCapPerEpoch() public view {
        for (uint256 e = 0; e < handler.epochCount(); ++e) {
            uint256 epoch = handler.epochs(e);
            for (uint256 i = 0; i < handler.actorCount(); ++i) {
                require(handler.paidTo(epoch, handler.actor(i)) <= handler.CAP(), "R3: member over the cap");
            }
        }
    }

    function voidedRootNeverPays() public view {
        require(!handler.paidOnVoided(), "R4: a voided root paid");
    }

    function paidIsMinted() public view {
        require(handler.paidTotal() == handler.token().totalSupply(), "R5: paid != minted");
        uint256 minted;
        for (uint256 e = 0; e < handler.epochCount(); ++e) minted += rewards.epochInfo(handler.epochs(e)).minted;
        require(minted == handler.paidTotal(), "R5: epochs' minted != paid");
    }
}
