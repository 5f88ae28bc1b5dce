"""`furusato registry import|stats` and `furusato sale start|status|finalize|refund|claim` through click, on the
local DAO (its registry's registrar is Anvil account #8): encodings, every CSV problem at once with nothing sent,
idempotent and resumable imports, sales started by a governance proposal — one refunded in full (ETH), one whose
goal is met (proceeds to the Treasury, tokens claimed), one paid in an ERC-20 and refunded in it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from brownie import MockERC20, ResidentRegistry, TokenSale, accounts, chain, web3
from helpers import advance, pass_proposal, w3c
from web3 import Web3

from furusato.chain import UnlockedSender
from furusato.errors import ChainError
from furusato.membership.registry_import import load_note_key, new_note_key, note_hash
from furusato.membership.sale import buy, start_proposal

TOKEN = 10**18
RESIDENT, RELATIONSHIP, SUPPORTER = 0, 1, 2
REGISTRAR = 8
NEW = [Web3.to_checksum_address(Web3.keccak(text=f"cli-member-{i}")[:20]) for i in range(6)]
HASH = "0x" + "ab" * 32


@pytest.fixture(scope="module")
def registry(dao: Any) -> Any:
    return ResidentRegistry.at(dao.record.address("ResidentRegistry"))


def write_csv(
    path: Path, rows: list[str], encoding: str = "utf-8", header: str = "member,kind,record_hash,note"
) -> Path:
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode(encoding))
    return path


def nonce(index: int) -> int:
    return web3.eth.get_transaction_count(accounts[index].address)


# ------------------------------------------------------------------------------------------------ registry


@pytest.fixture
def note_key(tmp_path: Path) -> Path:
    """A town note key made the way `furusato registry new-note-key` makes it."""
    path = tmp_path / "town-note.key"
    new_note_key(path)
    return path


def test_import_registers_with_english_and_japanese_kinds_then_is_idempotent(cli, registry, tmp_path, note_key):
    path = write_csv(tmp_path / "members.csv", [
        f"{NEW[0]},住民,,", f"{NEW[1].lower()},関係人口,{HASH},", f"{NEW[2]},supporter,,町の台帳 No.12",
        f"{NEW[3]},サポーター,,",
    ])  # fmt: skip
    sent = nonce(REGISTRAR)
    keyless = cli("registry", "import", str(path), "--dev-account", str(REGISTRAR), "--yes")
    assert keyless.exit_code == 2
    assert "notes on line(s) 4 need the town's note key" in keyless.output
    assert nonce(REGISTRAR) == sent
    assert registry.memberCount() == 0
    keyed = ["--note-key-file", str(note_key)]
    result = cli("registry", "import", str(path), *keyed, "--dev-account", str(REGISTRAR), "--yes")
    assert result.exit_code == 0, result.output
    assert "4 to register in 1 transaction(s)" in result.output
    assert "registered 4, already registered 0" in result.output
    assert [registry.card(registry.cardOf(a))[1] for a in NEW[:4]] == [RESIDENT, RELATIONSHIP, SUPPORTER, SUPPORTER]
    assert registry.card(registry.cardOf(NEW[1]))[3] == HASH
    on_chain = registry.card(registry.cardOf(NEW[2]))[3]
    assert on_chain == "0x" + note_hash("町の台帳 No.12", load_note_key(note_key)).hex()
    assert on_chain != Web3.keccak(text="町の台帳 No.12").to_0x_hex()  # not the guessable plain hash
    assert registry.card(registry.cardOf(NEW[3]))[3] == "0x" + "00" * 32
    sent = nonce(REGISTRAR)
    again = cli("registry", "import", str(path), *keyed, "--dev-account", str(REGISTRAR), "--yes")
    assert again.exit_code == 0, again.output
    assert "4 already registered, 0 to register" in again.output
    assert nonce(REGISTRAR) == sent  # nothing sent twice

    stats = cli("registry", "stats")
    assert stats.exit_code == 0, stats.output
    assert re.search(r"resident \(住民\)\s+1\n", stats.output)
    assert re.search(r"relationship \(関係人口\)\s+1\n", stats.output)
    assert re.search(r"supporter \(サポーター\)\s+2\n", stats.output)
    assert re.search(r"total\s+4\n", stats.output)
    assert "token transfers: not restricted" in stats.output


def test_import_resumes_from_the_chain_in_batches(cli, registry, tmp_path):
    """A run that stopped after some batches (here: two members registered by other means) sends only the rest."""
    staff = accounts[REGISTRAR]
    registry.register(NEW[1], RESIDENT, b"\x00" * 32, {"from": staff})
    registry.register(NEW[4], SUPPORTER, bytes.fromhex(HASH[2:]), {"from": staff})
    path = write_csv(tmp_path / "m.csv", [f"{a},resident,," for a in NEW], encoding="utf-8-sig")
    sent = nonce(REGISTRAR)
    result = cli("registry", "import", str(path), "--dev-account", str(REGISTRAR), "--yes", "--batch-size", "2")
    assert result.exit_code == 0, result.output
    assert "(utf-8-sig)" in result.output
    assert "2 already registered, 4 to register in 2 transaction(s)" in result.output
    assert f"{NEW[4]} is already a member as supporter, not resident" in result.output
    assert f"{NEW[4]}'s card holds another record hash than this row gives" in result.output
    assert f"{NEW[1]}'s card holds another record hash" not in result.output  # same (empty) record: not reported
    assert nonce(REGISTRAR) == sent + 2
    assert registry.memberCount() == 6


def test_every_problem_is_reported_at_once_and_nothing_is_sent(cli, registry, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [
        f"{NEW[0]},住民,,", "0x1234,resident,,", f"{NEW[1]},citizen,,", f"{NEW[0]},supporter,,",
        f"{NEW[2]},resident,0x12,", f"{NEW[3]},resident,{HASH},note", "0x" + "0" * 40 + ",resident,,",
    ])  # fmt: skip
    sent = nonce(REGISTRAR)
    result = cli("registry", "import", str(path), "--dev-account", str(REGISTRAR), "--yes")
    assert result.exit_code == 2
    out = result.output
    assert "6 problems in the member list; nothing was sent" in out
    for expected in [
        "bad.csv line 3: member '0x1234' is not an address",
        "bad.csv line 4: kind 'citizen' is not one of",
        f"bad.csv line 5: member {NEW[0]} is already on line 2",
        "bad.csv line 6: record_hash '0x12' is not 0x + 64 hex digits",
        "bad.csv line 7: give a record_hash or a note, not both",
        "bad.csv line 8: member is the zero address",
    ]:
        assert expected in out, out
    assert nonce(REGISTRAR) == sent
    assert registry.memberCount() == 0


def test_shift_jis_file_with_japanese_headers_and_dry_run(cli, registry, tmp_path, note_key, monkeypatch):
    path = write_csv(tmp_path / "sjis.csv", [f"{NEW[0]},関係人口,会員番号 7"], encoding="cp932",
                     header="ウォレットアドレス,種別,備考")  # fmt: skip
    monkeypatch.setenv("FURUSATO_NOTE_KEY_FILE", str(note_key))  # the key named by the environment
    result = cli("registry", "import", str(path), "--dev-account", str(REGISTRAR), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "sjis.csv (cp932): 1 member(s); 0 already registered, 1 to register" in result.output
    assert "dry run: nothing was sent" in result.output
    assert registry.memberCount() == 0


def test_a_non_registrar_is_refused_before_anything_is_sent(cli, registry, tmp_path):
    path = write_csv(tmp_path / "m.csv", [f"{NEW[0]},resident,,"])
    sent = nonce(0)
    result = cli("registry", "import", str(path), "--dev-account", "0", "--yes")
    assert result.exit_code == 2
    assert "is not a registrar" in result.output
    assert nonce(0) == sent


# ------------------------------------------------------------------------------------------------ sale


def test_sale_start_dry_run_then_start_buy_finalize_refund(cli, dao, registry, members, tmp_path):
    terms = tmp_path / "terms.yaml"
    terms.write_text(
        'price: "0.001"\nopens_at: "in 10 seconds"\ncloses_at: "+1 day"\nhard_cap: "1000"\nbuyer_cap: "400"\n'
        'goal: "500"\ndescription: "2027 fundraising sale (資金調達)"\n',
        encoding="utf-8",
    )
    proposer = members[0]
    sent = nonce(1)
    dry = cli("sale", "start", str(terms), "--dev-account", "1", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "RegionToken.excludeFromVoting(<the new sale>)" in dry.output
    assert "RegionToken.grantRole(MINTER_ROLE, <the new sale>)" in dry.output
    assert "buyers: registered members only" in dry.output
    assert nonce(1) == sent

    started = cli("sale", "start", str(terms), "--dev-account", "1", "--yes")
    assert started.exit_code == 0, started.output
    address = re.search(r"TokenSale deployed at (0x[0-9a-fA-F]{40})", started.output).group(1)
    sale = TokenSale.at(address)
    assert sale.terms()[9] == registry.address
    proposal = start_proposal(w3c(dao.token), address, "2027 fundraising sale (資金調達)").bound_to(accounts[1].address)
    assert f"proposed {proposal.proposal_id}" in started.output
    # governance passes it
    pass_proposal(dao.governor, dao.timelock, members, proposal, proposer=proposer, proposed=True)
    # a registered member buys; the goal (500) is missed
    buyer = accounts[7]
    registry.register(buyer, SUPPORTER, b"\x00" * 32, {"from": accounts[REGISTRAR]})
    sale.buy(100 * TOKEN, {"from": buyer, "value": sale.cost(100 * TOKEN)})
    status = cli("sale", "status", address, "--buyer", buyer.address)
    assert status.exit_code == 0, status.output
    assert f"sale {address}: Open" in status.output
    assert "sold 100 of 1,000 tokens (goal 500, per buyer 400); raised 0.1 ETH" in status.output
    assert "bought 100 tokens, paid 0.1 ETH" in status.output

    early = cli("sale", "finalize", address, "--yes")
    assert early.exit_code == 2
    assert "is Open: it can be finalized once it has closed" in early.output
    advance(sale.terms()[5] - chain.time() + 1)
    fin = cli("sale", "finalize", address, "--yes")
    assert fin.exit_code == 0, fin.output
    assert sale.finalized()
    assert dao.token.balanceOf(dao.treasury) == 100 * TOKEN  # the escrow went to the Treasury
    assert "already finalized" in cli("sale", "finalize", address, "--yes").output

    before = buyer.balance()
    dry_refund = cli("sale", "refund", address, "--buyer", buyer.address, "--dry-run")
    assert "refund " + buyer.address + ": 0.1 ETH back" in dry_refund.output
    refund = cli("sale", "refund", address, "--buyer", buyer.address, "--dev-account", "0", "--yes")
    assert refund.exit_code == 0, refund.output
    assert buyer.balance() == before + sale.cost(100 * TOKEN)  # paid back in full, gas paid by account #0
    assert sale.purchaseOf(buyer)[2]
    assert "already settled" in cli("sale", "refund", address, "--buyer", buyer.address, "--yes").output
    claim = cli("sale", "claim", address, "--buyer", buyer.address, "--yes")
    assert claim.exit_code == 2
    assert "claim needs a succeeded sale" in claim.output


def test_sale_start_refuses_a_proposer_without_enough_votes(cli, tmp_path):
    terms = tmp_path / "t.yaml"
    terms.write_text('price: "0.001"\nopens_at: "in 1 minute"\ncloses_at: "+7 days"\nhard_cap: "10"\n'
                     'buyer_cap: "5"\ngoal: "10"\nmembers_only: false\n')  # fmt: skip
    sent = nonce(7)
    result = cli("sale", "start", str(terms), "--dev-account", "7", "--yes")
    assert result.exit_code == 2
    assert "proposing needs 100 (ask a member" in result.output
    assert nonce(7) == sent
    bad = tmp_path / "bad.yaml"
    bad.write_text('price: 0.001\nopens_at: "soon"\ncloses_at: "+1 day"\nhard_cap: "1"\nbuyer_cap: "1"\ngoal: "1"\n')
    assert "opens_at: 'soon' is not a time" in cli("sale", "start", str(bad), "--dry-run").output


def start_sale(cli: Any, dao: Any, members: list[Any], terms: Path, description: str) -> Any:
    """`furusato sale start TERMS` from account #1, then governance passes and executes the proposal."""
    started = cli("sale", "start", str(terms), "--dev-account", "1", "--yes")
    assert started.exit_code == 0, started.output
    address = re.search(r"TokenSale deployed at (0x[0-9a-fA-F]{40})", started.output).group(1)
    proposal = start_proposal(w3c(dao.token), address, description).bound_to(accounts[1].address)
    assert f"proposed {proposal.proposal_id}" in started.output
    pass_proposal(dao.governor, dao.timelock, members, proposal, proposed=True)
    sale = TokenSale.at(address)
    advance(max(sale.terms()[4] - chain.time(), 0) + 1)
    assert sale.state() == 1  # Open
    return sale


def test_sale_goal_met_finalize_sends_proceeds_to_the_treasury_and_claims_deliver_tokens(
    cli, dao, registry, members, tmp_path
):
    terms = tmp_path / "terms.yaml"
    terms.write_text('price: "0.001"\nopens_at: "in 10 seconds"\ncloses_at: "+1 day"\nhard_cap: "1000"\n'
                     'buyer_cap: "400"\ngoal: "500"\ndescription: "goal met"\n', encoding="utf-8")  # fmt: skip
    sale = start_sale(cli, dao, members, terms, "goal met")
    first, second, outsider = accounts[6], accounts[7], accounts[0]
    for buyer in (first, second):
        registry.register(buyer, SUPPORTER, b"\x00" * 32, {"from": accounts[REGISTRAR]})
    sale.buy(400 * TOKEN, {"from": first, "value": sale.cost(400 * TOKEN)})
    sale.buy(300 * TOKEN, {"from": second, "value": sale.cost(300 * TOKEN)})
    assert "claim needs a succeeded sale" in cli("sale", "claim", sale.address, "--dev-account", "6", "--yes").output

    advance(sale.terms()[5] - chain.time() + 1)
    status = cli("sale", "status", sale.address)
    assert f"sale {sale.address}: Succeeded\n" in status.output
    assert "sold 700 of 1,000 tokens (goal 500, per buyer 400); raised 0.7 ETH" in status.output
    assert "sends the proceeds to the Treasury" in status.output
    treasury_before = dao.treasury.balance()
    fin = cli("sale", "finalize", sale.address, "--dev-account", "0", "--yes")
    assert fin.exit_code == 0, fin.output
    assert f"finalize {sale.address}: Succeeded, proceeds to the Treasury" in fin.output
    assert dao.treasury.balance() == treasury_before + 700 * TOKEN // 1000  # 0.7 ETH
    assert sale.balance() == 0
    assert dao.token.balanceOf(sale) == 700 * TOKEN  # tokens stay in escrow until claimed

    # a buyer claims their own tokens; anyone claims for the other (the tokens go to the buyer)
    own = cli("sale", "claim", sale.address, "--dev-account", "6", "--yes")
    assert own.exit_code == 0, own.output
    assert f"claim {first.address}: 400 tokens" in own.output
    for_other = cli("sale", "claim", sale.address, "--buyer", second.address, "--dev-account", "0", "--yes")
    assert for_other.exit_code == 0, for_other.output
    for buyer, whole in ((first, 400), (second, 300)):
        assert dao.token.balanceOf(buyer) == whole * TOKEN
        assert dao.token.getVotes(buyer) == whole * TOKEN  # vote-ready on receipt
        assert sale.purchaseOf(buyer)[2]
    assert dao.token.balanceOf(sale) == 0
    assert dao.token.balanceOf(outsider) == 0

    sent = nonce(6)
    twice = cli("sale", "claim", sale.address, "--dev-account", "6", "--yes")
    assert twice.exit_code == 0, twice.output
    assert f"{first.address}: already settled (tokens delivered); nothing was sent" in twice.output
    assert nonce(6) == sent
    assert dao.token.balanceOf(first) == 400 * TOKEN
    nothing = cli("sale", "claim", sale.address, "--dev-account", "0", "--yes")
    assert nothing.exit_code == 2
    assert f"{outsider.address} bought nothing in sale {sale.address}" in nothing.output
    refund = cli("sale", "refund", sale.address, "--buyer", first.address, "--yes")
    assert refund.exit_code == 2
    assert "is Succeeded: refund needs a failed sale" in refund.output
    final = cli("sale", "status", sale.address, "--buyer", second.address)
    assert f"sale {sale.address}: Succeeded (finalized)" in final.output
    assert f"{second.address}: bought 300 tokens, paid 0.3 ETH, settled" in final.output


def test_sale_paid_in_an_erc20_shows_its_units_and_refunds_in_it(cli, dao, pdao, registry, members, tmp_path):
    pay = MockERC20.deploy("Furusato Yen", "FJPY", {"from": accounts[0]})
    terms = tmp_path / "erc20.yaml"
    terms.write_text(f'price: "2.5"\npayment_token: "{pay.address}"\npayment_decimals: 18\n'
                     'opens_at: "in 10 seconds"\ncloses_at: "+1 day"\nhard_cap: "1000"\nbuyer_cap: "400"\n'
                     'goal: "500"\ndescription: "paid in FJPY"\n', encoding="utf-8")  # fmt: skip
    dry = cli("sale", "start", str(terms), "--dev-account", "1", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert f"price 2.5 {pay.address} per token" in dry.output
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(terms.read_text(encoding="utf-8").replace("payment_decimals: 18", "payment_decimals: 6"))
    sent = nonce(1)
    refused = cli("sale", "start", str(wrong), "--dev-account", "1", "--yes")
    assert refused.exit_code == 2
    assert f"payment_decimals is 6 but the payment token {pay.address} has 18 decimals" in refused.output
    assert nonce(1) == sent
    sale = start_sale(cli, dao, members, terms, "paid in FJPY")
    assert sale.terms()[2] == pay.address
    assert sale.cost(TOKEN) == 25 * TOKEN // 10

    buyer = accounts[6]
    registry.register(buyer, RELATIONSHIP, b"\x00" * 32, {"from": accounts[REGISTRAR]})
    pay.mint(buyer, 1_000 * TOKEN, {"from": accounts[0]})
    eth_before = buyer.balance()
    sale_w3 = web3.eth.contract(address=sale.address, abi=sale.abi)
    buy(pdao, UnlockedSender(buyer.address), sale_w3, 100 * TOKEN)  # approve, then buy
    assert pay.balanceOf(buyer) == 750 * TOKEN
    assert pay.balanceOf(sale) == 250 * TOKEN
    assert eth_before - buyer.balance() < TOKEN // 100  # only gas in ETH (base fee 0 on this chain)
    with pytest.raises(ChainError, match=r"buy would revert: SaleBuyerCapExceeded"):
        buy(pdao, UnlockedSender(buyer.address), sale_w3, 301 * TOKEN)

    status = cli("sale", "status", sale.address, "--buyer", buyer.address)
    assert status.exit_code == 0, status.output
    assert f"price 2.5 {pay.address} per token" in status.output
    assert f"sold 100 of 1,000 tokens (goal 500, per buyer 400); raised 250 {pay.address}" in status.output
    assert f"{buyer.address}: bought 100 tokens, paid 250 {pay.address}" in status.output

    advance(sale.terms()[5] - chain.time() + 1)
    fin = cli("sale", "finalize", sale.address, "--yes")
    assert fin.exit_code == 0, fin.output
    assert "goal missed: escrow to the Treasury" in fin.output
    assert pay.balanceOf(dao.treasury) == 0  # a failed sale keeps the payments for refunds
    assert dao.token.balanceOf(dao.treasury) == 100 * TOKEN
    dry_refund = cli("sale", "refund", sale.address, "--buyer", buyer.address, "--dry-run")
    assert f"refund {buyer.address}: 250 {pay.address} back" in dry_refund.output
    refund = cli("sale", "refund", sale.address, "--dev-account", "6", "--yes")
    assert refund.exit_code == 0, refund.output
    assert pay.balanceOf(buyer) == 1_000 * TOKEN  # every unit back
    assert pay.balanceOf(sale) == 0
    assert dao.token.balanceOf(buyer) == 0
    again = cli("sale", "refund", sale.address, "--dev-account", "6", "--yes")
    assert f"{buyer.address}: already settled (refunded); nothing was sent" in again.output


def test_sale_start_killed_after_deploying_resumes_with_that_sale(cli, dao, records, tmp_path, monkeypatch):
    """A run that dies between deploying the sale and proposing it: the next run of the same terms file proposes
    the sale already deployed (relative times would make recomputed terms differ) and deploys nothing."""
    terms = tmp_path / "resume.yaml"
    terms.write_text('price: "0.002"\nopens_at: "in 1 minute"\ncloses_at: "+2 days"\nhard_cap: "100"\n'
                     'buyer_cap: "50"\ngoal: "10"\ndescription: "resumed sale"\n', encoding="utf-8")  # fmt: skip
    from furusato.governance import Governance

    real_propose = Governance.propose

    def crash(self: Any, sender: Any, proposal: Any) -> Any:
        raise KeyboardInterrupt("simulated crash before proposing")

    monkeypatch.setattr(Governance, "propose", crash)
    first = cli("sale", "start", str(terms), "--dev-account", "1", "--yes")
    assert first.exit_code != 0  # click turns the interrupt into "Aborted!"
    assert "proposed" not in first.output
    address = re.search(r"TokenSale deployed at (0x[0-9a-fA-F]{40})", first.output).group(1)
    assert (records / "development.pending-sale.json").exists()
    monkeypatch.setattr(Governance, "propose", real_propose)
    advance(5)  # "in 1 minute" now means another time: the file, not the terms, identifies the sale
    sent = nonce(1)
    again = cli("sale", "start", str(terms), "--dev-account", "1", "--yes")
    assert again.exit_code == 0, again.output
    assert f"resuming: the TokenSale an earlier run deployed from resume.yaml at {address}" in again.output
    assert "TokenSale deployed at" not in again.output
    assert nonce(1) == sent + 1  # only the proposal
    proposal = start_proposal(w3c(dao.token), address, "resumed sale").bound_to(accounts[1].address)
    assert dao.governor.proposalSnapshot(proposal.proposal_id) > 0
    assert not (records / "development.pending-sale.json").exists()
    # a later run of the same file is a new sale again (nothing pending)
    dry = cli("sale", "start", str(terms), "--dev-account", "1", "--dry-run")
    assert "<the new sale>" in dry.output


def test_registry_show_and_revoke(cli, registry, tmp_path):
    """`registry show` reads one address; `registry revoke` refuses a non-registrar and a non-member with nothing
    sent, shows the card first, sends nothing on --dry-run, and revokes (the card's counts move)."""
    staff = accounts[REGISTRAR]
    registry.register(NEW[5], RELATIONSHIP, bytes.fromhex(HASH[2:]), {"from": staff})
    shown = cli("registry", "show", NEW[5])
    assert shown.exit_code == 0, shown.output
    assert f"{NEW[5]}: member, card #" in shown.output
    assert "(relationship)" in shown.output
    assert f"record hash: {HASH}" in shown.output
    assert "its balance votes through itself" in shown.output  # vote-ready on receipt
    assert "not a member" in cli("registry", "show", NEW[0]).output
    bad = cli("registry", "show", "0x1234")
    assert bad.exit_code == 2
    assert "0x1234" in bad.output

    sent = nonce(7), nonce(REGISTRAR)
    refused = cli("registry", "revoke", NEW[5], "--dev-account", "7", "--yes")
    assert refused.exit_code == 2
    assert "is not a registrar (REGISTRAR_ROLE)" in refused.output
    dry = cli("registry", "revoke", NEW[5], "--dev-account", str(REGISTRAR), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "dry run: nothing was sent" in dry.output
    assert (nonce(7), nonce(REGISTRAR)) == sent
    before = registry.countOf(RELATIONSHIP)
    done = cli("registry", "revoke", NEW[5], "--dev-account", str(REGISTRAR), "--yes")
    assert done.exit_code == 0, done.output
    assert "revoked card #" in done.output
    assert "votes suspended" not in done.output  # transfers are not restricted in the local preset
    assert not registry.isMember(NEW[5])
    assert registry.isRevoked(NEW[5])
    assert registry.countOf(RELATIONSHIP) == before - 1
    again = cli("registry", "revoke", NEW[5], "--dev-account", str(REGISTRAR), "--yes")
    assert again.exit_code == 2
    assert "holds no card (already revoked): nothing to revoke" in again.output
    assert nonce(REGISTRAR) == sent[1] + 1
