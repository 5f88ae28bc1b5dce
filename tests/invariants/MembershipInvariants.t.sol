// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RegionToken} from "../../contracts/RegionToken.sol";
import {ResidentRegistry} from "../../contracts/ResidentRegistry.sol";
import {TokenSale} from "../../contracts/TokenSale.sol";
import {Treasury} from "../../contracts/Treasury.sol";
import {IResidentRegistry} from "../../interfaces/IResidentRegistry.sol";
import {ITokenSale} from "../../interfaces/ITokenSale.sol";
import {HandlerBase, InvariantBase} from "./Base.sol";

/// @dev Registry: registrar registers, revokes, bars and unbars; members resign; anyone tries to self-register.
/// Sale (ETH, members only): members and non-members buy (also beyond the caps), time passes, anyone finalizes,
/// refunds and claims for anyone, twice.
contract MembershipHandler is HandlerBase {
    RegionToken public immutable token;
    ResidentRegistry public immutable registry;
    Treasury public immutable treasury;
    TokenSale public immutable sale;
    uint256 public members;
    bool public barredSelfRegistered;
    uint256 public payments;
    uint256 public refunds;
    uint256 public claimed;

    constructor() HandlerBase(6) {
        token = new RegionToken("Town", "TWN", 1e30, address(this), "");
        registry = new ResidentRegistry("Card", "CRD", address(this));
        treasury = new Treasury(address(this));
        registry.grantRole(registry.REGISTRAR_ROLE(), address(this));
        registry.setSelfRegistrationKinds(7);
        sale = new TokenSale(
            ITokenSale.Terms({
                token: address(token),
                treasury: address(treasury),
                paymentToken: address(0),
                price: 1e15,
                opensAt: uint64(block.timestamp),
                closesAt: uint64(block.timestamp + 10 days),
                hardCap: 1_000e18,
                buyerCap: 300e18,
                goal: 600e18,
                registry: address(registry)
            })
        );
        token.grantRole(token.MINTER_ROLE(), address(sale));
        token.excludeFromVoting(address(sale));
        token.excludeFromVoting(address(treasury));
    }

    // ------------------------------------------------------------ registry

    function register(uint256 who) external {
        try registry.register(actor(who), IResidentRegistry.Kind.Resident, bytes32(0)) {
            ++members;
        } catch {}
    }

    function selfRegister(uint256 who, uint8 kind) external {
        address a = actor(who);
        bool barred = registry.isRevoked(a);
        VM.prank(a);
        try registry.selfRegister(IResidentRegistry.Kind(kind % 3), bytes32(0)) {
            ++members;
            if (barred) barredSelfRegistered = true;
        } catch {}
    }

    function resign(uint256 who) external {
        VM.prank(actor(who));
        try registry.resign() {
            --members;
        } catch {}
    }

    function revoke(uint256 who) external {
        try registry.revoke(actor(who)) {
            --members;
        } catch {}
    }

    function bar(uint256 who) external {
        try registry.bar(actor(who)) {} catch {}
    }

    function unbar(uint256 who) external {
        try registry.unbar(actor(who)) {} catch {}
    }

    // ------------------------------------------------------------ sale

    function buy(uint256 who, uint256 amount) external {
        address buyer = actor(who);
        amount = _bound(amount, 1, 400e18);
        uint256 price = sale.cost(amount);
        VM.deal(buyer, price);
        VM.prank(buyer);
        try sale.buy{value: price}(amount) {
            payments += price;
        } catch {}
    }

    function finalize() external {
        try sale.finalize() {} catch {}
    }

    function refund(uint256 who) external {
        address buyer = actor(who);
        uint256 before = buyer.balance;
        try sale.refund(buyer) {
            refunds += buyer.balance - before;
        } catch {}
    }

    function claim(uint256 who) external {
        address buyer = actor(who);
        try sale.claim(buyer) {
            ++claimed;
        } catch {}
    }

    function warp(uint256 secondsAhead) external {
        VM.warp(block.timestamp + _bound(secondsAhead, 1, 2 days));
    }
}

contract MembershipInvariants is InvariantBase {
    MembershipHandler internal handler;

    function setUp() public {
        VM.warp(1_800_000_000);
        handler = new MembershipHandler();
        _target(address(handler));
    }

    /// forge-config: default.invariant.runs = 50
    /// forge-config: default.invariant.depth = 500
    /// forge-config: fuzz.invariant.runs = 500
    /// forge-config: fuzz.invariant.depth = 500
    function invariant_membership() public view {
        oneCardPerAccount();
        barredNeverSelfRegisters();
        saleOneOutcome();
        saleMoneyConserved();
    }

    function oneCardPerAccount() public view {
        ResidentRegistry registry = handler.registry();
        uint256 cards;
        for (uint256 i = 0; i < handler.actorCount(); ++i) {
            uint256 held = registry.balanceOf(handler.actor(i));
            require(held <= 1, "M1: two cards");
            require((held == 1) == registry.isMember(handler.actor(i)), "M1: card without membership");
            cards += held;
        }
        require(cards == registry.memberCount() && cards == handler.members(), "M1: member count");
    }

    function barredNeverSelfRegisters() public view {
        require(!handler.barredSelfRegistered(), "M2: a barred address registered itself");
    }

    function saleOneOutcome() public view {
        TokenSale sale = handler.sale();
        ITokenSale.State s = sale.state();
        if (sale.finalized()) {
            require(s == ITokenSale.State.Succeeded || s == ITokenSale.State.Failed, "S1: finalized while open");
        }
        if (s == ITokenSale.State.Failed) require(handler.claimed() == 0, "S1: claims in a failed sale");
        if (s == ITokenSale.State.Succeeded) require(handler.refunds() == 0, "S1: refunds in a successful sale");
    }

    function saleMoneyConserved() public view {
        TokenSale sale = handler.sale();
        uint256 proceeds = address(handler.treasury()).balance;
        require(handler.refunds() + proceeds + address(sale).balance == handler.payments(), "S2: money not conserved");
        require(sale.raised() == handler.payments(), "S2: raised != payments");
        if (sale.finalized() && sale.state() == ITokenSale.State.Succeeded) {
            require(proceeds == handler.payments(), "S2: proceeds != payments");
        }
    }
}
