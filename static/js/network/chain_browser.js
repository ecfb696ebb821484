/*
 * The chain browser (model: explorer/viewmodels/network/chain_browser.py): tables → chains → rules, a text
 * filter, and jump targets as links that open and scroll to the chain they name. Rule text
 * arrives cut into [text, anchor] parts; it is put in the DOM as text only.
 */
(function () {
  "use strict";
  const N = window.ExplorerNetwork, K = window.ExplorerKit, el = K.el;
  const OPEN_ALL_BELOW = 1500; // rules: smaller dumps open every chain at first
  const MAX_MATCHES = 2000; // rules listed for one filter

  function domId(anchor) {
    return "chain-" + encodeURIComponent(anchor).replace(/%/g, "_");
  }

  function ruleText(rule) {
    return rule.parts.map((p) => p[0]).join("");
  }

  function follow(root, anchor) {
    const target = document.getElementById(domId(anchor));
    if (!target) return;
    const filter = root.querySelector("input[data-chain-filter]");
    if (filter && filter.value) {
      filter.value = "";
      applyFilter(root);
    }
    target.hidden = false;
    target.open = true;
    target.scrollIntoView({ block: "start" });
    for (const old of root.querySelectorAll(".chain.target")) old.classList.remove("target");
    target.classList.add("target");
    window.history.replaceState(null, "", "#" + domId(anchor));
  }

  function ruleItem(root, rule) {
    const item = el("li", { className: "rule" });
    if (rule.counters) item.appendChild(el("span", { className: "counters" }, rule.counters + " "));
    const code = el("code");
    for (const [text, anchor] of rule.parts) {
      if (!anchor) {
        code.appendChild(document.createTextNode(text));
        continue;
      }
      const link = el("a", { className: "jump" }, text);
      link.href = "#" + domId(anchor);
      link.dataset.anchor = anchor;
      link.addEventListener("click", (event) => {
        event.preventDefault();
        follow(root, anchor);
      });
      code.appendChild(link);
    }
    item.appendChild(code);
    return item;
  }

  function fillRules(root, details, chain, rules) {
    const list = K.clear(details.querySelector("ol"));
    for (const rule of rules) list.appendChild(ruleItem(root, rule));
    if (!rules.length && !chain.omitted) list.appendChild(el("li", { className: "muted" }, "no rules"));
    if (chain.omitted) list.appendChild(el("li", { className: "muted" }, chain.omitted + " more rules not shown (dump too large)"));
    details.dataset.filled = "1";
  }

  function chainBlock(root, tableName, name, chain) {
    const details = el("details", { className: "chain" });
    details.id = domId(chain.anchor);
    details.dataset.name = name.toLowerCase();
    const summary = el("summary");
    summary.appendChild(el("strong", {}, name));
    const facts = [chain.kind];
    if (chain.policy) facts.push(chain.policy);
    if (chain.counters) facts.push(chain.counters);
    facts.push(chain.rules.length + chain.omitted + " rules");
    if (!chain.declared) facts.push("not declared in this text");
    summary.appendChild(el("span", { className: "muted" }, "  " + facts.join(" · ")));
    details.appendChild(summary);
    details.appendChild(el("ol", { className: "rules" }));
    details.addEventListener("toggle", () => {
      if (details.open && !details.dataset.filled) fillRules(root, details, chain, chain.rules);
    });
    root._chains.push({ details: details, chain: chain, table: tableName });
    return details;
  }

  function applyFilter(root) {
    const input = root.querySelector("input[data-chain-filter]");
    const query = (input ? input.value : "").trim().toLowerCase();
    let matches = 0;
    let shownChains = 0;
    for (const entry of root._chains) {
      const { details, chain } = entry;
      if (!query) {
        details.hidden = false;
        if (root._openAll) {
          fillRules(root, details, chain, chain.rules);
        } else {
          K.clear(details.querySelector("ol"));
          delete details.dataset.filled; // filled again when opened
        }
        details.open = root._openAll;
        shownChains += 1;
        continue;
      }
      const nameHit = details.dataset.name.includes(query);
      const rules = chain.rules.filter((r) => ruleText(r).toLowerCase().includes(query));
      const hit = nameHit || rules.length > 0;
      details.hidden = !hit;
      if (!hit) continue;
      shownChains += 1;
      const room = Math.max(0, MAX_MATCHES - matches);
      const shown = nameHit && !rules.length ? chain.rules.slice(0, room) : rules.slice(0, room);
      matches += shown.length;
      fillRules(root, details, chain, shown);
      details.open = true;
    }
    const status = root.querySelector("[data-filter-status]");
    if (status) {
      status.textContent = query
        ? shownChains + " chains match" + (matches >= MAX_MATCHES ? " (first " + MAX_MATCHES + " rules listed)" : "")
        : "";
    }
  }

  function draw(container, model) {
    const root = container;
    const body = root.querySelector("[data-chains]") || root;
    K.clear(body);
    root._chains = [];
    let total = 0;
    for (const table of Object.values(model.tables || {})) {
      for (const chain of Object.values(table.chains)) total += chain.rules.length;
    }
    root._openAll = total <= OPEN_ALL_BELOW;
    for (const [tableName, table] of Object.entries(model.tables || {})) {
      const section = el("section", { className: "table" });
      const count = Object.keys(table.chains).length;
      section.appendChild(el("h2", {}, "table " + tableName + "  (" + count + " chains)"));
      for (const [name, chain] of Object.entries(table.chains)) {
        section.appendChild(chainBlock(root, tableName, name, chain));
      }
      body.appendChild(section);
    }
    if ((model.unparsed || []).length) {
      const section = el("section", { className: "table" });
      section.appendChild(el("h2", {}, "lines that are not rules (kept as they are)"));
      const pre = el("pre", {}, model.unparsed.join("\n"));
      section.appendChild(pre);
      body.appendChild(section);
    }
    const input = root.querySelector("input[data-chain-filter]");
    if (input && !input.dataset.wired) {
      input.dataset.wired = "1";
      let timer = null;
      input.addEventListener("input", () => {
        window.clearTimeout(timer);
        timer = window.setTimeout(() => applyFilter(root), 150);
      });
    }
    applyFilter(root);
    root.dataset.drawn = String(root._chains.length);
    const hash = window.location.hash.slice(1);
    const wanted = hash && document.getElementById(hash);
    if (wanted && wanted.tagName === "DETAILS") {
      wanted.open = true;
      wanted.classList.add("target");
    }
  }

  N.boot("chain-browser", draw, {
    needs: ["node", "dump"],
    choose: (index) => ({ node: N.firstNodeWith(index, ["iptables-save", "nft", "ip6tables-save"]) }),
  });
})();
