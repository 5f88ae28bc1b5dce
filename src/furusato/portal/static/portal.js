// furusato portal: wallet discovery (EIP-6963, then window.ethereum), chain switching, and handing the server's
// typed data / transactions to the wallet. Every message and calldata is built by the server; this file only
// passes them on and shows results. Texts come from the server's catalog (#portal-data); nothing is inserted as
// HTML (textContent only).
(() => {
  "use strict";
  const cfg = JSON.parse(document.getElementById("portal-data").textContent);
  const M = cfg.messages;
  const $ = (id) => document.getElementById(id);
  const fmt = (key, vals = {}) => (M[key] || key).replace(/\{(\w+)\}/g, (_, k) => (k in vals ? String(vals[k]) : ""));
  const withLang = (url) => (cfg.lang === "en" ? url + (url.includes("?") ? "&" : "?") + "lang=en" : url);
  const providers = new Map();
  let provider = null;
  let account = null;
  let pending = null;

  window.addEventListener("eip6963:announceProvider", (ev) => {
    const d = ev.detail;
    if (d && d.info && d.provider) providers.set(d.info.uuid || d.info.name, d);
  });
  window.dispatchEvent(new Event("eip6963:requestProvider"));

  function say(el, text, isError) {
    if (!el) return;
    el.textContent = text || "";
    el.hidden = !text;
    el.classList.toggle("error", !!isError);
  }

  function errorText(e) {
    if (e && e.code === 4001) return M["wallet.rejected"];
    return (e && e.message) || String(e);
  }

  async function getJSON(url) {
    const r = await fetch(withLang(url), { headers: { accept: "application/json" } });
    const j = await r.json().catch(() => ({ error: r.statusText }));
    if (!r.ok) throw new Error(j.error || r.statusText);
    return j;
  }

  async function postJSON(url, body) {
    const r = await fetch(withLang(url), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const j = await r.json().catch(() => ({ error: r.statusText }));
    if (!r.ok) throw new Error(j.error || r.statusText);
    return j;
  }

  function choose() {
    const list = [...providers.values()];
    if (list.length === 0) {
      if (window.ethereum) return Promise.resolve(window.ethereum);
      say($("wallet-message"), M["wallet.none"]);
      return Promise.resolve(null);
    }
    if (list.length === 1) return Promise.resolve(list[0].provider);
    return new Promise((resolve) => {
      const box = $("wallets");
      box.replaceChildren();
      const p = document.createElement("p");
      p.textContent = M["wallet.choose"];
      box.append(p);
      for (const d of list) {
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = d.info.name;
        b.addEventListener("click", () => {
          box.hidden = true;
          resolve(d.provider);
        });
        box.append(b);
      }
      box.hidden = false;
      box.querySelector("button").focus();
    });
  }

  async function ensureChain() {
    const have = parseInt(await provider.request({ method: "eth_chainId" }), 16);
    if (have === cfg.chainId) return;
    say($("wallet-message"), fmt("wallet.switching", { chain: cfg.chainId }));
    try {
      await provider.request({ method: "wallet_switchEthereumChain", params: [{ chainId: cfg.chainIdHex }] });
    } catch (e) {
      if (!(e && e.code === 4902 && cfg.rpcUrl)) throw e;
      await provider.request({
        method: "wallet_addEthereumChain",
        params: [{ chainId: cfg.chainIdHex, chainName: cfg.chainName, rpcUrls: [cfg.rpcUrl],
                   nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 } }],
      });
    }
    const now = parseInt(await provider.request({ method: "eth_chainId" }), 16);
    if (now !== cfg.chainId) throw new Error(fmt("wallet.wrong_chain", { have: now, want: cfg.chainId }));
    say($("wallet-message"), "");
  }

  function setAccount(a) {
    account = a ? String(a) : null;
    $("account").textContent = account ? fmt("wallet.connected", { account }) : "";
    $("connect").hidden = !!account;
    refresh().catch((e) => say($("wallet-message"), errorText(e), true));
  }

  async function connect() {
    try {
      provider = await choose();
      if (!provider) return;
      const accounts = await provider.request({ method: "eth_requestAccounts" });
      await ensureChain();
      if (provider.on) {
        provider.on("accountsChanged", (list) => setAccount(list && list[0]));
        provider.on("chainChanged", () => ensureChain().catch((e) => say($("wallet-message"), errorText(e), true)));
      }
      setAccount(accounts[0]);
    } catch (e) {
      say($("wallet-message"), errorText(e), true);
    }
  }

  // ------------------------------------------------------------------------------------------ page state

  const article = $("proposal");
  const pid = article ? article.dataset.proposal : null;

  async function refresh() {
    if (pid) await refreshProposal();
    if ($("me")) await refreshMe();
    if (account && document.querySelector("[data-mine]")) await refreshList();
  }

  async function refreshProposal() {
    const p = await getJSON(`/api/proposals/${pid}`);
    $("tally-for").textContent = p.forText;
    $("tally-against").textContent = p.againstText;
    $("tally-abstain").textContent = p.abstainText;
    $("quorum-text").textContent = p.quorumText;
    showVotes(p.votes);
    if (!account) return;
    const v = await getJSON(`/api/proposals/${pid}/voters/${account}`);
    $("why-power").textContent = v.powerLine;
    $("why-text").textContent = v.why;
    article.dataset.canVote = String(v.canVote);
  }

  // The voters table ("who voted how") from the API's votes, as text only (a reason is never markup).
  function showVotes(votes) {
    const body = $("votes-body");
    if (!body) return;
    body.replaceChildren();
    for (const v of votes) {
      const tr = document.createElement("tr");
      for (const [text, cls] of [[v.voter, "mono"], [v.supportText, ""], [v.weightText, ""], [v.reason, "reason"]]) {
        tr.append(el("td", cls, text));
      }
      body.append(tr);
    }
    $("votes-box").hidden = votes.length === 0;
    $("votes-empty").hidden = votes.length > 0;
  }

  async function refreshList() {
    for (const el of [...document.querySelectorAll("[data-mine]")].slice(0, 20)) {
      const v = await getJSON(`/api/proposals/${el.dataset.mine}/voters/${account}`);
      el.textContent = `${M["list.col.mine"]}: ${v.why}`;
      el.hidden = false;
    }
  }

  async function refreshMe() {
    if (!account) return;
    const m = await getJSON(`/api/members/${account}`);
    $("me-hint").hidden = true;
    $("me").hidden = false;
    $("me-card").textContent = m.card;
    $("me-balance").textContent = m.balanceText;
    $("me-votes").textContent = m.votesText;
    $("me-delegate").textContent = m.delegateText;
    // tokens vote on receipt (delegated to oneself): the button only matters to take a delegation back
    if ($("delegate-self")) $("delegate-self").hidden = (m.delegate || "").toLowerCase() === account.toLowerCase();
    await refreshRewards();
    const ul = $("me-history");
    ul.replaceChildren();
    for (const h of m.history) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = withLang(`/proposals/${h.proposal}`);
      a.textContent = h.proposal.length > 12 ? h.proposal.slice(0, 12) + "…" : h.proposal;
      li.append(a, ` ${h.supportText}${h.reason ? " — " + h.reason : ""}`);
      ul.append(li);
    }
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  async function refreshRewards() {
    const list = $("me-rewards");
    if (!list || !account) return;
    const r = await getJSON(`/api/members/${account}/rewards`);
    list.replaceChildren();
    $("me-rewards-none").hidden = r.rewards.length > 0;
    for (const row of r.rewards) {
      const li = el("li", `reward card reward-${row.state}`);
      li.dataset.epoch = String(row.epoch);
      li.dataset.state = row.state;
      const head = el("p", "reward-head");
      head.append(el("b", "", row.epochText), " ", el("span", "amount", row.amountText));
      const state = el("p", "");
      state.append(el("span", `state reward-state-${row.state}`, row.stateText));
      if (row.whenText) state.append(" ", el("span", "when", row.whenText));
      li.append(head, state);
      if (row.why) li.append(el("p", "hint", row.why));
      if (row.claimable) {
        const b = el("button", "primary claim", M["rewards.claim"]);
        b.type = "button";
        b.addEventListener("click", () => claimReward(row.epoch, b));
        li.append(b);
      }
      list.append(li);
    }
  }

  async function claimReward(epoch, button) {
    const status = $("claim-status");
    delete status.dataset.done;
    button.disabled = true;
    try {
      const sent = await postJSON("/api/rewards/claim", { account, epoch });
      say(status, fmt("rewards.claim.sent", { tx: sent.tx }));
      const ok = await waitMined(sent.tx);
      if (!ok) throw new Error(`transaction ${sent.tx} failed`);
      await refreshMe();
      say(status, `${M["rewards.claim.done"]} ${fmt("rewards.claim.tx", { tx: sent.tx })}`);
      status.dataset.done = "true";
    } catch (e) {
      button.disabled = false;
      say(status, fmt("rewards.claim.failed", { error: errorText(e) }), true);
    }
  }

  async function waitMined(tx) {
    for (let i = 0; i < 240; i++) {
      const r = await getJSON(`/api/tx/${tx}`);
      if (r.mined) return r.status === 1;
      await new Promise((ok) => setTimeout(ok, 500));
    }
    return false;
  }

  // ------------------------------------------------------------------------------------------ signing flows

  function ask(built, button) {
    pending = built;
    $("explain").textContent = built.explanation;
    if (button) $("go").textContent = M[button];
    $("confirm").hidden = false;
    $("go").focus();
  }

  async function go() {
    const job = pending;
    pending = null;
    $("confirm").hidden = true;
    const status = $("vote-status");
    try {
      await ensureChain();
      let tx;
      if (job.typedData) {
        const signature = await provider.request({
          method: "eth_signTypedData_v4",
          params: [account, JSON.stringify(job.typedData)],
        });
        tx = (await postJSON("/api/relay", { typedData: job.typedData, signature })).tx;
      } else {
        tx = await provider.request({ method: "eth_sendTransaction", params: [job.tx] });
      }
      say(status, fmt("vote.sent", { tx }));
      status.dataset.tx = tx;
      const ok = await waitMined(tx);
      if (!ok) throw new Error(`transaction ${tx} failed`);
      await refresh();
      say(status, `${fmt("vote.sent", { tx })} ${job.done}`);
      status.dataset.done = "true";
    } catch (e) {
      say(status, fmt("vote.failed", { error: errorText(e) }), true);
    }
  }

  async function prepareVote(support) {
    const status = $("vote-status");
    if (!account) {
      say(status, M["vote.connect_first"], true);
      return;
    }
    const mode = document.querySelector('input[name="mode"]:checked').value;
    const body = { voter: account, support, reason: $("reason").value };
    try {
      const built = await postJSON(`/api/proposals/${pid}/${mode === "gasless" ? "ballot" : "vote-tx"}`, body);
      built.done = M["vote.mined"];
      say(status, "");
      ask(built, mode === "gasless" ? "vote.sign" : "vote.send");
    } catch (e) {
      say(status, fmt("vote.failed", { error: errorText(e) }), true);
    }
  }

  async function prepareDelegation(delegatee) {
    const status = $("vote-status");
    try {
      const built = await postJSON("/api/delegation", { delegator: account, delegatee });
      built.done = M["me.delegate.done"];
      ask(built, null);
    } catch (e) {
      say(status, fmt("vote.failed", { error: errorText(e) }), true);
    }
  }

  $("connect").addEventListener("click", connect);
  for (const b of document.querySelectorAll(".choice")) {
    b.addEventListener("click", () => prepareVote(Number(b.dataset.support)));
  }
  if ($("go")) $("go").addEventListener("click", go);
  if ($("cancel")) {
    $("cancel").addEventListener("click", () => {
      pending = null;
      $("confirm").hidden = true;
    });
  }
  if ($("delegate-self")) $("delegate-self").addEventListener("click", () => prepareDelegation(account));
  if ($("delegate-other")) {
    $("delegate-other").addEventListener("click", () => prepareDelegation($("delegatee").value.trim()));
  }
  document.documentElement.dataset.ready = "true";
})();
