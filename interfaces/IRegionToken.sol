// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title IRegionToken
 * @notice What a furusato-dao governance token adds to ERC-20 + ERC-2612 (permit) + ERC-5805 (votes):
 * a hard supply cap (minting past it reverts with OpenZeppelin's `ERC20ExceededCap`), role-gated minting,
 * vote-ready-on-receipt delegation and voting exclusions for protocol contracts.
 *
 * Delegation has three states per account:
 * - default: the account never chose; it counts as delegated to itself, so tokens it receives can vote at once;
 * - chosen: the account called `delegate` / `delegateBySig`; delegating to `address(0)` opts out of voting;
 * - excluded: a protocol contract (treasury, timelock, reward minter, sale). Its balance carries no votes and is
 *   not part of the voting supply that quorum is computed from; a delegation to it counts for nobody. Exclusion
 *   is permanent, so no delegation can ever turn into votes of an excluded account.
 */
interface IRegionToken {
    /// @notice An excluded (protocol) account tried to delegate; its balance carries no votes.
    /// @param account The excluded account.
    error RegionTokenAccountExcluded(address account);

    /// @notice Someone tried to delegate votes to an excluded (protocol) account.
    /// @param delegatee The excluded account.
    error RegionTokenDelegateeExcluded(address delegatee);

    /// @notice The account is already excluded from voting (exclusion is permanent).
    /// @param account The account.
    error RegionTokenAlreadyExcluded(address account);

    /// @notice A zero address was given where an account is required.
    error RegionTokenZeroAddress();

    /// @notice The lengths of two arrays that must match differ.
    /// @param recipients Length of the recipients array.
    /// @param amounts Length of the amounts array.
    error RegionTokenLengthMismatch(uint256 recipients, uint256 amounts);

    /// @notice An account was excluded from voting (permanently).
    /// @param account The account.
    /// @param balance Its balance, which left the voting supply.
    /// @param delegatedVotesRemoved Votes other accounts had delegated to it, which now count for nobody.
    event VotingExcluded(address indexed account, uint256 balance, uint256 delegatedVotesRemoved);

    /// @notice Hard cap on total supply, fixed at deployment.
    function cap() external view returns (uint256);

    /// @notice Mint `amount` new tokens to `to`. Only holders of `MINTER_ROLE`.
    /// @param to Recipient; receives voting power at once unless it opted out or is excluded.
    /// @param amount Amount in base units.
    function mint(address to, uint256 amount) external;

    /// @notice Mint to many recipients in one transaction. Only holders of `MINTER_ROLE`.
    /// @param recipients Recipients.
    /// @param amounts Amounts in base units, one per recipient.
    function mintBatch(address[] calldata recipients, uint256[] calldata amounts) external;

    /// @notice Exclude a protocol contract from voting, permanently. Only `DEFAULT_ADMIN_ROLE` (the timelock).
    /// Its balance leaves the voting supply; votes others delegated to it count for nobody from then on (those
    /// accounts vote again once they delegate elsewhere or to themselves).
    /// @param account The account.
    function excludeFromVoting(address account) external;

    /// @notice Whether `account` is excluded from voting.
    function isVotingExcluded(address account) external view returns (bool);

    /// @notice Whether `account` explicitly chose a delegate (or opted out) rather than using the default.
    function hasChosenDelegate(address account) external view returns (bool);

    /// @notice Tokens held by accounts that are not excluded: the supply that can vote, and that quorum is
    /// computed from. Equal to `getVotes` summed over all accounts plus the balances of opted-out accounts.
    function votingSupply() external view returns (uint256);
}
