// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title ITokenSale
 * @notice A fundraising sale (資金調達) of the DAO's token at a fixed price in ETH or an ERC-20 (e.g. a yen
 * stablecoin), between an opening and a closing time, up to a hard cap and a per-buyer cap, with a minimum goal.
 * Goal met: `finalize` sends the proceeds to the Treasury and each buyer's tokens are delivered by `claim`
 * (vote-ready on receipt). Goal missed: every buyer takes a full refund of exactly what it paid.
 *
 * Every term is fixed at deployment: nobody, governance included, can change a sale's terms. Governance starts a
 * sale by granting it the token's `MINTER_ROLE` and excluding it from voting (one proposal); without both, `buy`
 * reverts.
 *
 * Tokens bought are minted to the sale itself and held there in escrow until the outcome is known, so they carry
 * no votes and are not part of the voting supply meanwhile (the sale is excluded), yet the supply cap is reserved
 * for them at the moment of purchase — a successful sale can always deliver. On failure the escrow goes to the
 * Treasury at `finalize` (the token has no burn): only a passed proposal can move it from there.
 *
 * @dev The state is derived from time and totals: `Pending` before `opensAt`; `Open` until `closesAt` or until
 * the hard cap is sold out; then `Succeeded` if at least `goal` tokens were sold, else `Failed`. `claim`, `refund`
 * and `finalize` are permissionless; value always goes to the buyer or the Treasury.
 */
interface ITokenSale {
    /// @notice Where a sale stands.
    enum State {
        Pending,
        Open,
        Succeeded,
        Failed
    }

    /// @notice A sale's terms, all fixed at deployment.
    struct Terms {
        address token; // the RegionToken sold
        address treasury; // receives the proceeds (an ITreasury: ERC-20 proceeds go through `deposit`)
        address paymentToken; // address(0): ETH
        uint256 price; // payment base units per whole token (10**18 token base units), rounded up per purchase
        uint64 opensAt;
        uint64 closesAt;
        uint256 hardCap; // most token base units sold in all
        uint256 buyerCap; // most token base units one buyer may buy
        uint256 goal; // least token base units sold for the sale to succeed
        address registry; // eligibility: buyers must be members of this registry; address(0): anyone
    }

    /// @notice What one buyer bought and paid, and whether it was settled (claimed or refunded).
    struct Purchase {
        uint128 amount;
        uint120 paid;
        bool settled;
    }

    /// @notice A zero address was given where one is required (token, treasury).
    error SaleZeroAddress();

    /// @notice The terms are inconsistent.
    /// @param reason What is wrong.
    error SaleInvalidTerms(string reason);

    /// @notice The sale is not open for purchases.
    /// @param state Its state.
    error SaleNotOpen(State state);

    /// @notice The outcome is not known yet, or it is not the one the call needs.
    /// @param state The sale's state.
    error SaleWrongState(State state);

    /// @notice `finalize` already ran.
    error SaleAlreadyFinalized();

    /// @notice A zero amount was asked for, or one so small that it costs nothing.
    error SaleZeroAmount();

    /// @notice The purchase would go past the hard cap.
    /// @param requested Tokens asked for.
    /// @param remaining Tokens left.
    error SaleHardCapExceeded(uint256 requested, uint256 remaining);

    /// @notice The purchase would go past the buyer's cap.
    /// @param buyer The buyer.
    /// @param requested Tokens asked for.
    /// @param remaining Tokens the buyer may still buy.
    error SaleBuyerCapExceeded(address buyer, uint256 requested, uint256 remaining);

    /// @notice ETH sent does not match the price (or ETH was sent to a sale priced in an ERC-20).
    /// @param expected Wei expected.
    /// @param sent Wei sent.
    error SaleWrongPayment(uint256 expected, uint256 sent);

    /// @notice The ERC-20 payment arrived short (fee-on-transfer tokens are not supported).
    /// @param expected Amount expected.
    /// @param received Amount that arrived.
    error SalePaymentShortfall(uint256 expected, uint256 received);

    /// @notice The buyer is not eligible: not a member of the sale's registry, or (transfer-restricted token) not
    /// allowed to hold the token.
    /// @param buyer The buyer.
    error SaleNotEligible(address buyer);

    /// @notice The sale is not excluded from voting yet (governance starts a sale by excluding it and granting it
    /// `MINTER_ROLE`).
    error SaleNotExcluded();

    /// @notice The buyer has nothing to claim or refund (bought nothing, or already settled).
    /// @param buyer The buyer.
    error SaleNothingToSettle(address buyer);

    /// @notice Tokens were bought.
    /// @param buyer The buyer.
    /// @param amount Tokens bought now.
    /// @param cost Paid now.
    /// @param buyerAmountAfter The buyer's tokens bought in all.
    /// @param soldAfter Tokens sold in all.
    /// @param raisedAfter Payment raised in all.
    event Purchased(
        address indexed buyer,
        uint256 amount,
        uint256 cost,
        uint256 buyerAmountAfter,
        uint256 soldAfter,
        uint256 raisedAfter
    );

    /// @notice The outcome was settled: proceeds sent to the Treasury (succeeded), or the escrowed tokens sent to
    /// the Treasury (failed; refunds stay available).
    /// @param succeeded Whether the goal was met.
    /// @param sold Tokens sold.
    /// @param raised Payment raised.
    event Finalized(bool succeeded, uint256 sold, uint256 raised);

    /// @notice A buyer's tokens were delivered (sale succeeded).
    /// @param buyer The buyer.
    /// @param amount Tokens delivered.
    event Claimed(address indexed buyer, uint256 amount);

    /// @notice A buyer was refunded in full (sale failed).
    /// @param buyer The buyer.
    /// @param amount Tokens it had bought (they stay with the sale, then the Treasury).
    /// @param paid What it paid, all returned.
    event Refunded(address indexed buyer, uint256 amount, uint256 paid);

    /// @notice Buy `amount` token base units at the fixed price; pay `cost(amount)` in ETH (exactly, as
    /// `msg.value`) or in the payment token (approved beforehand).
    /// @param amount Token base units.
    function buy(uint256 amount) external payable;

    /// @notice Deliver `buyer`'s tokens after the sale succeeded. Anyone may call; tokens go to the buyer.
    /// @param buyer The buyer.
    function claim(address buyer) external;

    /// @notice Refund `buyer` in full after the sale failed. Anyone may call; the payment goes to the buyer.
    /// @param buyer The buyer.
    function refund(address buyer) external;

    /// @notice Once the outcome is known, settle it once: succeeded, send the proceeds to the Treasury; failed,
    /// send the escrowed tokens to the Treasury. Anyone may call.
    function finalize() external;

    /// @notice Where the sale stands now.
    function state() external view returns (State);

    /// @notice The sale's terms.
    function terms() external view returns (Terms memory);

    /// @notice What `amount` token base units cost (rounded up).
    /// @param amount Token base units.
    function cost(uint256 amount) external view returns (uint256);

    /// @notice Tokens sold in all.
    function sold() external view returns (uint256);

    /// @notice Payment raised in all.
    function raised() external view returns (uint256);

    /// @notice Whether `finalize` ran.
    function finalized() external view returns (bool);

    /// @notice What `buyer` bought and paid.
    /// @param buyer The buyer.
    function purchaseOf(address buyer) external view returns (Purchase memory);
}
