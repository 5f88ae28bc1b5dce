// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IRegionToken} from "../interfaces/IRegionToken.sol";
import {IResidentRegistry} from "../interfaces/IResidentRegistry.sol";
import {ITokenSale} from "../interfaces/ITokenSale.sol";
import {ITreasury} from "../interfaces/ITreasury.sol";

/**
 * @title TokenSale
 * @notice One fundraising sale of the DAO's token, with every term fixed at deployment. Goal met: proceeds to the
 * Treasury, tokens to the buyers; goal missed: full refunds. See `ITokenSale`.
 * @dev Terms are immutables: no function can change them. Tokens are minted to this contract at purchase
 * (escrow: excluded from voting, supply cap reserved) and delivered by `claim`, one buyer at a time, so one buyer
 * who cannot receive (e.g. revoked in transfer-restricted mode) never blocks the others, and `finalize` loops over
 * nobody. Checks-effects-interactions throughout, and every state-changing entry point is `nonReentrant`.
 */
contract TokenSale is ITokenSale, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    uint256 private constant _WHOLE = 1e18;

    IRegionToken private immutable _token;
    address private immutable _treasury;
    address private immutable _paymentToken;
    uint256 private immutable _price;
    uint64 private immutable _opensAt;
    uint64 private immutable _closesAt;
    uint256 private immutable _hardCap;
    uint256 private immutable _buyerCap;
    uint256 private immutable _goal;
    IResidentRegistry private immutable _registry;

    /// @dev Totals and the finalize flag in one slot.
    struct Totals {
        uint128 sold;
        uint120 raised;
        bool finalized;
    }

    Totals private _totals;
    mapping(address buyer => Purchase) private _purchases;

    /**
     * @param t The terms (see `ITokenSale.Terms`). Requires a token and a treasury, a price, `opensAt < closesAt`
     * with `closesAt` in the future, `0 < goal <= hardCap`, a buyer cap, and totals that fit the packed storage.
     */
    constructor(Terms memory t) {
        if (t.token == address(0) || t.treasury == address(0)) revert SaleZeroAddress();
        if (t.price == 0) revert SaleInvalidTerms("price is zero");
        if (t.opensAt >= t.closesAt) revert SaleInvalidTerms("opensAt not before closesAt");
        if (t.closesAt <= block.timestamp) revert SaleInvalidTerms("closesAt not in the future");
        if (t.goal == 0 || t.goal > t.hardCap) revert SaleInvalidTerms("goal not in (0, hardCap]");
        if (t.buyerCap == 0) revert SaleInvalidTerms("buyerCap is zero");
        if (t.hardCap > type(uint128).max) revert SaleInvalidTerms("hardCap too large");
        // Each purchase rounds up by at most 1, and there are at most hardCap purchases.
        if (Math.mulDiv(t.hardCap, t.price, _WHOLE) + t.hardCap > type(uint120).max) {
            revert SaleInvalidTerms("hardCap * price too large");
        }
        _token = IRegionToken(t.token);
        _treasury = t.treasury;
        _paymentToken = t.paymentToken;
        _price = t.price;
        _opensAt = t.opensAt;
        _closesAt = t.closesAt;
        _hardCap = t.hardCap;
        _buyerCap = t.buyerCap;
        _goal = t.goal;
        _registry = IResidentRegistry(t.registry);
    }

    // ---------------------------------------------------------------- buying

    /// @inheritdoc ITokenSale
    function buy(uint256 amount) external payable nonReentrant {
        Totals memory totals = _totals;
        State s = _state(totals.sold);
        if (s != State.Open) revert SaleNotOpen(s);
        if (amount == 0) revert SaleZeroAmount();
        uint256 price = cost(amount);
        if (price == 0) revert SaleZeroAmount();
        uint256 remaining = _hardCap - totals.sold;
        if (amount > remaining) revert SaleHardCapExceeded(amount, remaining);
        Purchase storage p = _purchases[msg.sender];
        uint256 buyerRemaining = _buyerCap - p.amount;
        if (amount > buyerRemaining) revert SaleBuyerCapExceeded(msg.sender, amount, buyerRemaining);
        bool inEth = _paymentToken == address(0);
        uint256 expectedValue = inEth ? price : 0;
        if (msg.value != expectedValue) revert SaleWrongPayment(expectedValue, msg.value);
        _checkEligible(msg.sender);
        if (!_token.isVotingExcluded(address(this))) revert SaleNotExcluded();

        // effects
        uint256 buyerAmount = p.amount + amount;
        p.amount = uint128(buyerAmount); // <= buyerCap, and <= hardCap < 2**128
        p.paid = SafeCast.toUint120(p.paid + price);
        totals.sold += uint128(amount);
        totals.raised = SafeCast.toUint120(totals.raised + price);
        _totals = totals;

        // interactions
        if (!inEth) {
            IERC20 pay = IERC20(_paymentToken);
            uint256 before = pay.balanceOf(address(this));
            pay.safeTransferFrom(msg.sender, address(this), price);
            uint256 received = pay.balanceOf(address(this)) - before;
            if (received != price) revert SalePaymentShortfall(price, received);
        }
        _token.mint(address(this), amount); // escrow until the outcome is known
        emit Purchased(msg.sender, amount, price, buyerAmount, totals.sold, totals.raised);
    }

    // ---------------------------------------------------------------- settling

    /// @inheritdoc ITokenSale
    function claim(address buyer) external nonReentrant {
        State s = _state(_totals.sold);
        if (s != State.Succeeded) revert SaleWrongState(s);
        Purchase storage p = _purchases[buyer];
        if (p.amount == 0 || p.settled) revert SaleNothingToSettle(buyer);
        p.settled = true;
        uint256 amount = p.amount;
        IERC20(address(_token)).safeTransfer(buyer, amount);
        emit Claimed(buyer, amount);
    }

    /// @inheritdoc ITokenSale
    function refund(address buyer) external nonReentrant {
        State s = _state(_totals.sold);
        if (s != State.Failed) revert SaleWrongState(s);
        Purchase storage p = _purchases[buyer];
        if (p.paid == 0 || p.settled) revert SaleNothingToSettle(buyer);
        p.settled = true;
        uint256 paid = p.paid;
        if (_paymentToken == address(0)) {
            Address.sendValue(payable(buyer), paid);
        } else {
            IERC20(_paymentToken).safeTransfer(buyer, paid);
        }
        emit Refunded(buyer, p.amount, paid);
    }

    /// @inheritdoc ITokenSale
    function finalize() external nonReentrant {
        Totals memory totals = _totals;
        if (totals.finalized) revert SaleAlreadyFinalized();
        State s = _state(totals.sold);
        if (s != State.Succeeded && s != State.Failed) revert SaleWrongState(s);
        _totals.finalized = true;
        if (s == State.Succeeded) {
            // goal > 0 and price > 0, so something was raised
            if (_paymentToken == address(0)) {
                Address.sendValue(payable(_treasury), totals.raised);
            } else {
                IERC20(_paymentToken).forceApprove(_treasury, totals.raised);
                ITreasury(_treasury).deposit(_paymentToken, totals.raised);
            }
        } else if (totals.sold != 0) {
            // Nothing was delivered (claims need success), so the escrow is exactly what was sold.
            IERC20(address(_token)).safeTransfer(_treasury, totals.sold);
        }
        emit Finalized(s == State.Succeeded, totals.sold, totals.raised);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ITokenSale
    function state() external view returns (State) {
        return _state(_totals.sold);
    }

    /// @inheritdoc ITokenSale
    function terms() external view returns (Terms memory) {
        return
            Terms({
                token: address(_token),
                treasury: _treasury,
                paymentToken: _paymentToken,
                price: _price,
                opensAt: _opensAt,
                closesAt: _closesAt,
                hardCap: _hardCap,
                buyerCap: _buyerCap,
                goal: _goal,
                registry: address(_registry)
            });
    }

    /// @inheritdoc ITokenSale
    function cost(uint256 amount) public view returns (uint256) {
        return Math.mulDiv(amount, _price, _WHOLE, Math.Rounding.Ceil);
    }

    /// @inheritdoc ITokenSale
    function sold() external view returns (uint256) {
        return _totals.sold;
    }

    /// @inheritdoc ITokenSale
    function raised() external view returns (uint256) {
        return _totals.raised;
    }

    /// @inheritdoc ITokenSale
    function finalized() external view returns (bool) {
        return _totals.finalized;
    }

    /// @inheritdoc ITokenSale
    function purchaseOf(address buyer) external view returns (Purchase memory) {
        return _purchases[buyer];
    }

    // ---------------------------------------------------------------- internals

    function _state(uint256 soldNow) private view returns (State) {
        if (block.timestamp < _opensAt) return State.Pending;
        if (block.timestamp < _closesAt && soldNow < _hardCap) return State.Open;
        return soldNow >= _goal ? State.Succeeded : State.Failed;
    }

    /// @dev Eligibility: a member of the sale's registry (when it has one), and allowed to hold the token (when
    /// the token is transfer-restricted), so that a successful sale can always deliver at the time of purchase.
    function _checkEligible(address buyer) private view {
        if (address(_registry) != address(0) && !_registry.isMember(buyer)) revert SaleNotEligible(buyer);
        if (!_token.mayHold(buyer)) revert SaleNotEligible(buyer);
    }
}
