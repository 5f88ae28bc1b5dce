// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RegionGovernor} from "../../contracts/RegionGovernor.sol";
import {RegionToken} from "../../contracts/RegionToken.sol";
import {RegionTimelock} from "../../contracts/RegionTimelock.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {HandlerBase, InvariantBase} from "./Base.sol";

contract Pinged {
    uint256 public pings;

    function ping() external {
        ++pings;
    }
}

/// @dev Members propose (kinds: a plain call, a guardian replacement, a replacement bundled with a plain call), vote
/// (also twice, also outside Active), move tokens between snapshots, queue, execute and cancel (proposers at every
/// stage, the guardian on every kind, strangers); time moves in steps around the voting delay, period and
/// late-quorum extension.
contract GovernorHandler is HandlerBase {
    uint48 public constant DELAY = 100;
    uint32 public constant PERIOD = 1_000;
    uint48 public constant EXTENSION = 300;
    uint256 public constant MAX_PROPOSALS = 8;

    struct Ghost {
        address[] targets;
        uint256[] values;
        bytes[] calldatas;
        bytes32 descriptionHash;
        address proposer;
        uint256 kind;
        uint256 weights;
        uint256 lastTally;
        uint256 lastDeadline;
        bool queued;
        bool succeededWhenQueued;
        bool executed;
        bool canceled;
    }

    RegionToken public immutable token;
    RegionTimelock public immutable timelock;
    RegionGovernor public immutable governor;
    Pinged public immutable pinged;
    address public immutable guardian = address(0x6A4D);
    uint256[] public ids;
    mapping(uint256 id => Ghost) internal _ghosts;
    mapping(uint256 id => mapping(address voter => bool)) public voted;
    bool public doubleVote;
    bool public tallyMovedOutsideActive;
    bool public tallyDecreased;
    bool public deadlineDecreased;
    bool public executedUnqueued;
    bool public cancelRuleBroken;
    /// @dev The time, kept here: `block.timestamp` may be read once per transaction by the optimizer.
    uint256 public clock;

    constructor() HandlerBase(5) {
        token = new RegionToken("Town", "TWN", 1e30, address(this), "");
        token.grantRole(token.MINTER_ROLE(), address(this));
        for (uint256 i = 0; i < 5; ++i) token.mint(actor(i), (i + 1) * 1_000e18);
        address[] memory none = new address[](0);
        address[] memory anyone = new address[](1);
        timelock = new RegionTimelock(60, none, anyone, address(this));
        governor = new RegionGovernor(
            IVotes(address(token)),
            timelock,
            RegionGovernor.Params("Gov", DELAY, PERIOD, 0, 4, EXTENSION, guardian, address(0))
        );
        timelock.grantRole(timelock.PROPOSER_ROLE(), address(governor));
        timelock.grantRole(timelock.CANCELLER_ROLE(), address(governor));
        pinged = new Pinged();
        clock = block.timestamp + 1;
        VM.warp(clock);
    }

    function count() external view returns (uint256) {
        return ids.length;
    }

    function ghost(uint256 id) external view returns (Ghost memory) {
        return _ghosts[id];
    }

    function propose(uint256 kind, uint256 who) external {
        if (ids.length >= MAX_PROPOSALS) return;
        kind %= 3;
        Ghost storage g = _ghosts[0]; // scratch, replaced below
        address[] memory targets = new address[](kind == 2 ? 2 : 1);
        bytes[] memory calldatas = new bytes[](targets.length);
        if (kind != 1) (targets[0], calldatas[0]) = (address(pinged), abi.encodeCall(Pinged.ping, ()));
        if (kind != 0) {
            uint256 last = targets.length - 1;
            targets[last] = address(governor);
            calldatas[last] = abi.encodeCall(governor.setProposalGuardian, (address(uint160(0xBEEF + ids.length))));
        }
        uint256[] memory values = new uint256[](targets.length);
        string memory description = string(abi.encodePacked("proposal ", bytes1(uint8(65 + ids.length))));
        address proposer = actor(who);
        VM.prank(proposer);
        try governor.propose(targets, values, calldatas, description) returns (uint256 id) {
            ids.push(id);
            g = _ghosts[id];
            (g.targets, g.values, g.calldatas) = (targets, values, calldatas);
            (g.descriptionHash, g.proposer, g.kind) = (keccak256(bytes(description)), proposer, kind);
            g.lastDeadline = governor.proposalDeadline(id);
        } catch {}
        _sweep();
    }

    function vote(uint256 p, uint256 who, uint8 support) external {
        if (ids.length == 0) return;
        uint256 id = ids[p % ids.length];
        address voter = actor(who);
        bool active = governor.state(id) == IGovernor.ProposalState.Active;
        VM.prank(voter);
        try governor.castVote(id, support % 3) returns (uint256 weight) {
            if (voted[id][voter]) doubleVote = true;
            if (!active) tallyMovedOutsideActive = true;
            voted[id][voter] = true;
            _ghosts[id].weights += weight;
        } catch {}
        _sweep();
    }

    function transfer(uint256 from, uint256 to, uint256 amount) external {
        address a = actor(from);
        amount = amount % (token.balanceOf(a) + 1);
        VM.prank(a);
        try token.transfer(actor(to), amount) {} catch {}
        _sweep();
    }

    function queue(uint256 p) external {
        if (ids.length == 0) return;
        uint256 id = ids[p % ids.length];
        Ghost storage g = _ghosts[id];
        bool succeeded = governor.state(id) == IGovernor.ProposalState.Succeeded;
        try governor.queue(g.targets, g.values, g.calldatas, g.descriptionHash) {
            (g.queued, g.succeededWhenQueued) = (true, succeeded);
        } catch {}
        _sweep();
    }

    function execute(uint256 p) external {
        if (ids.length == 0) return;
        uint256 id = ids[p % ids.length];
        Ghost storage g = _ghosts[id];
        bool queued = governor.state(id) == IGovernor.ProposalState.Queued;
        try governor.execute(g.targets, g.values, g.calldatas, g.descriptionHash) {
            g.executed = true;
            if (!queued || !g.queued) executedUnqueued = true;
        } catch {}
        _sweep();
    }

    function cancel(uint256 p, uint256 who) external {
        if (ids.length == 0) return;
        uint256 id = ids[p % ids.length];
        Ghost storage g = _ghosts[id];
        address caller = who % 3 == 0 ? governor.proposalGuardian() : who % 3 == 1 ? g.proposer : actor(who);
        IGovernor.ProposalState before = governor.state(id);
        VM.prank(caller);
        try governor.cancel(g.targets, g.values, g.calldatas, g.descriptionHash) {
            g.canceled = true;
            bool asProposer = caller == g.proposer && before == IGovernor.ProposalState.Pending;
            bool asGuardian = caller == governor.proposalGuardian() && caller != address(0) && g.kind != 1;
            if (!asProposer && !asGuardian) cancelRuleBroken = true;
        } catch {}
        _sweep();
    }

    function warp(uint256 secondsAhead) external {
        clock += _bound(secondsAhead, 1, 400);
        VM.warp(clock);
        _sweep();
    }

    /// @dev After every call: tallies never decrease, deadlines never decrease.
    function _sweep() private {
        for (uint256 i = 0; i < ids.length; ++i) {
            uint256 id = ids[i];
            Ghost storage g = _ghosts[id];
            (uint256 against, uint256 forVotes, uint256 abstain) = governor.proposalVotes(id);
            uint256 tally = against + forVotes + abstain;
            if (tally < g.lastTally) tallyDecreased = true;
            g.lastTally = tally;
            uint256 deadline = governor.proposalDeadline(id);
            if (deadline < g.lastDeadline) deadlineDecreased = true;
            g.lastDeadline = deadline;
        }
    }
}

contract GovernorInvariants is InvariantBase {
    GovernorHandler internal handler;
    RegionGovernor internal governor;

    function setUp() public {
        VM.warp(1_800_000_000);
        handler = new GovernorHandler();
        governor = handler.governor();
        _target(address(handler));
    }

    /// @dev The handler is not vacuous: a proposal passes and is executed.
    function test_handlerExecutes() public {
        handler.propose(0, 4);
        handler.warp(101);
        handler.vote(0, 4, 1);
        handler.vote(0, 3, 1);
        handler.warp(399);
        handler.warp(399);
        handler.warp(399);
        handler.queue(0);
        handler.warp(61);
        handler.execute(0);
        require(handler.pinged().pings() == 1, "not executed");
        invariant_governor();
    }

    /// forge-config: default.invariant.runs = 25
    /// forge-config: default.invariant.depth = 400
    /// forge-config: fuzz.invariant.runs = 250
    /// forge-config: fuzz.invariant.depth = 400
    function invariant_governor() public view {
        require(!handler.doubleVote(), "G1: double vote");
        require(!handler.tallyMovedOutsideActive() && !handler.tallyDecreased(), "G2: tally moved outside Active");
        talliesAreSumOfWeights();
        require(!handler.executedUnqueued(), "G4: executed without being queued");
        executedWasQueuedAndSucceeded();
        stateMatchesModel();
        require(!handler.deadlineDecreased(), "G6: deadline decreased");
        deadlineWithinExtension();
        require(!handler.cancelRuleBroken(), "G7: cancel outside the rule");
    }

    function talliesAreSumOfWeights() public view {
        for (uint256 i = 0; i < handler.count(); ++i) {
            uint256 id = handler.ids(i);
            (uint256 against, uint256 forVotes, uint256 abstain) = governor.proposalVotes(id);
            require(against + forVotes + abstain == handler.ghost(id).weights, "G3: tallies != sum of weights");
        }
    }

    function executedWasQueuedAndSucceeded() public view {
        for (uint256 i = 0; i < handler.count(); ++i) {
            GovernorHandler.Ghost memory g = handler.ghost(handler.ids(i));
            if (g.executed) require(g.queued && g.succeededWhenQueued, "G4: executed, not queued after success");
        }
    }

    function stateMatchesModel() public view {
        for (uint256 i = 0; i < handler.count(); ++i) {
            uint256 id = handler.ids(i);
            GovernorHandler.Ghost memory g = handler.ghost(id);
            require(governor.state(id) == _model(id, g), "G5: state() disagrees with the model");
        }
    }

    function deadlineWithinExtension() public view {
        for (uint256 i = 0; i < handler.count(); ++i) {
            uint256 id = handler.ids(i);
            uint256 original = governor.proposalSnapshot(id) + handler.PERIOD();
            uint256 deadline = governor.proposalDeadline(id);
            require(deadline >= original && deadline <= original + handler.EXTENSION(), "G6: deadline out of range");
        }
    }

    function _model(uint256 id, GovernorHandler.Ghost memory g) private view returns (IGovernor.ProposalState) {
        if (g.executed) return IGovernor.ProposalState.Executed;
        if (g.canceled) return IGovernor.ProposalState.Canceled;
        uint256 now_ = block.timestamp;
        uint256 snapshot = governor.proposalSnapshot(id);
        if (snapshot >= now_) return IGovernor.ProposalState.Pending;
        if (governor.proposalDeadline(id) >= now_) return IGovernor.ProposalState.Active;
        (uint256 against, uint256 forVotes, uint256 abstain) = governor.proposalVotes(id);
        bool quorate = governor.quorum(snapshot) <= forVotes + abstain;
        if (!quorate || forVotes <= against) return IGovernor.ProposalState.Defeated;
        if (g.queued) return IGovernor.ProposalState.Queued;
        return IGovernor.ProposalState.Succeeded;
    }
}
