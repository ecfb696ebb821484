/*
 * The Corefile as chains (model: explorer/viewmodels/network/corefile.py): each server block, its
 * plugins in the order a query meets them, what each does, and where the Corefile's order
 * differs. Text only.
 */
(function () {
  "use strict";
  const N = window.ExplorerNetwork;

  function facts(block) {
    const list = N.el("ul", "facts");
    const add = (label, value) => {
      const item = N.el("li");
      item.appendChild(N.el("span", "label", label + " "));
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
    const list = N.el("ol", "plugin-chain");
    for (const link of block.chain) {
      const item = N.el("li", link.order_note ? "moved" : "");
      const head = N.el("div", "plugin-head");
      head.appendChild(N.el("code", "plugin", link.plugin));
      if (link.args) head.appendChild(N.el("code", "args", " " + link.args));
      item.appendChild(head);
      item.appendChild(N.el("div", "what", link.what));
      if (link.order_note) item.appendChild(N.el("div", "order-note", "Order: " + link.order_note + "."));
      list.appendChild(item);
    }
    return list;
  }

  function draw(container, model) {
    const body = container.querySelector("[data-blocks]") || container;
    N.clear(body);
    if (model.coredns_version) {
      body.appendChild(
        N.el("p", "muted", "Order of CoreDNS " + model.coredns_version + "'s plugin.cfg. Read from " + model.source + ".")
      );
    }
    model.blocks.forEach((block, index) => {
      const card = N.el("section", "server-block");
      const kind = block.stub_domain ? " (stub domain: forwarded elsewhere)" : "";
      card.appendChild(N.el("h2", "", "Server block " + (index + 1) + ": " + block.keys + kind));
      card.appendChild(facts(block));
      card.appendChild(N.el("h3", "", "A query passes, in this order"));
      card.appendChild(chainList(block));
      card.appendChild(
        N.el("p", "muted", "Written in the Corefile as: " + block.written_order.join(", ") + ".")
      );
      if (block.setup.length) {
        card.appendChild(N.el("h3", "", "Not in a query's path (they set the server up)"));
        const setup = N.el("ul", "setup");
        for (const plugin of block.setup) {
          const item = N.el("li");
          item.appendChild(N.el("code", "plugin", plugin.plugin + (plugin.args ? " " + plugin.args : "")));
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
