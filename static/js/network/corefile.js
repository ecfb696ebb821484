/*
 * The Corefile as chains (model: explorer/viewmodels/network/corefile.py): each server block, its
 * plugins in the order a query meets them, what each does, and where the Corefile's order
 * differs. Text only.
 */
(function () {
  "use strict";
  const N = window.ExplorerNetwork, K = window.ExplorerKit, el = K.el;

  function facts(block) {
    const list = el("ul", { className: "facts" });
    const add = (label, value) => {
      const item = el("li");
      item.appendChild(el("span", { className: "label" }, label + " "));
      item.appendChild(document.createTextNode(value));
      list.appendChild(item);
    };
    add("zones", block.zones.join(" ") + "   port " + block.ports.join(" "));
    if (block.source) add("from", block.source);
    for (const forward of block.forward) add("forward", forward);
    if (block.cache_ttl !== null) add("cache", "answers kept up to " + block.cache_ttl + " s");
    if (block.kubernetes) {
      const k = block.kubernetes;
      add(
        "kubernetes",
        "zones " + k.zones.join(" ") + "; pods " + k.pods + "; ttl " + k.ttl +
          "; falls through for " + (k.fallthrough ? k.fallthrough.join(" ") : "nothing")
      );
    }
    for (const pattern of block.unresolved_imports) add("import", pattern + " (files not given here)");
    return list;
  }

  function chainList(block) {
    const list = el("ol", { className: "plugin-chain" });
    for (const link of block.chain) {
      const item = el("li", { className: link.order_note ? "moved" : "" });
      const head = el("div", { className: "plugin-head" });
      head.appendChild(el("code", { className: "plugin" }, link.plugin));
      if (link.args) head.appendChild(el("code", { className: "args" }, " " + link.args));
      item.appendChild(head);
      item.appendChild(el("div", { className: "what" }, link.what));
      if (link.order_note) item.appendChild(el("div", { className: "order-note" }, "Order: " + link.order_note + "."));
      list.appendChild(item);
    }
    return list;
  }

  function draw(container, model) {
    const body = container.querySelector("[data-blocks]") || container;
    K.clear(body);
    if (model.coredns_version) {
      body.appendChild(
        el("p", { className: "muted" }, "Order of CoreDNS " + model.coredns_version + "'s plugin.cfg. Read from " + model.source + ".")
      );
    }
    model.blocks.forEach((block, index) => {
      const card = el("section", { className: "server-block" });
      const kind = block.stub_domain ? " (stub domain: forwarded elsewhere)" : "";
      card.appendChild(el("h2", {}, "Server block " + (index + 1) + ": " + block.keys + kind));
      card.appendChild(facts(block));
      card.appendChild(el("h3", {}, "A query passes, in this order"));
      card.appendChild(chainList(block));
      card.appendChild(
        el("p", { className: "muted" }, "Written in the Corefile as: " + block.written_order.join(", ") + ".")
      );
      if (block.setup.length) {
        card.appendChild(el("h3", {}, "Not in a query's path (they set the server up)"));
        const setup = el("ul", { className: "setup" });
        for (const plugin of block.setup) {
          const item = el("li");
          item.appendChild(el("code", { className: "plugin" }, plugin.plugin + (plugin.args ? " " + plugin.args : "")));
          item.appendChild(document.createTextNode(": " + plugin.what));
          setup.appendChild(item);
        }
        card.appendChild(setup);
      }
      body.appendChild(card);
    });
    container.dataset.drawn = String(model.blocks.length);
  }

  N.boot("corefile", draw, { needs: [] });
})();
